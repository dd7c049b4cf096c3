using Forecast.Running;

namespace Forecast.Studies;

/// <summary>How far a study has got: run <see cref="Run"/> of <see cref="Runs"/> (labelled by its scenario) and that run's progress.</summary>
public readonly record struct StudyProgress(string Label, int Run, int Runs, RunProgress Current)
{
    /// <summary>The fraction of the whole study done, counting every run as the same size.</summary>
    public double Fraction => (Run + Math.Clamp(Current.Fraction, 0, 1)) / Runs;

    /// <summary>Passes run <paramref name="run"/>'s progress on as the study's (nothing when <paramref name="study"/> is null).</summary>
    public static IProgress<RunProgress>? Of(IProgress<StudyProgress>? study, string label, int run, int runs) =>
        study is null ? null : new InlineProgress<RunProgress>(p => study.Report(new StudyProgress(label, run, runs, p)));
}

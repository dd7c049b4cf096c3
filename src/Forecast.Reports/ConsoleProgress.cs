using System.Globalization;
using Forecast.Studies;
using Spectre.Console;

namespace Forecast.Reports;

/// <summary>
/// A study's progress on the terminal: a live bar (elapsed, remaining) when the output is a
/// terminal, else a plain line every tenth (adaptive runs: at most a line a second).
/// </summary>
public static class ConsoleProgress
{
    static ConsoleProgress() => ConsoleReport.FitRedirectedOutput();

    /// <summary>
    /// Runs <paramref name="work"/> under a bar titled <paramref name="title"/>. An adaptive run does not
    /// know its length: the bar follows an estimate and the title shows the trials done and the widest
    /// half-width so far. A study of several runs names the run it is on.
    /// </summary>
    public static async Task<T> Show<T>(string title, bool adaptive, Func<IProgress<StudyProgress>, Task<T>> work)
    {
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            T result = default!;
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(title), maxValue: 1.0);
                    result = await work(new Progress<StudyProgress>(p =>
                    {
                        task.Value = Math.Clamp(p.Fraction, 0, 1);
                        task.Description = Markup.Escape(Line(title, adaptive, p));
                    }));
                    task.Value = 1.0;
                });
            return result;
        }

        Console.WriteLine($"{title}: started");
        var gate = new object();
        var lastTenth = -1;
        var lastTrials = 0;
        var lastLine = System.Diagnostics.Stopwatch.StartNew();
        var plain = new Progress<StudyProgress>(p =>
        {
            lock (gate)
            {
                if (adaptive)
                {
                    if (p.Current.TrialsDone > lastTrials && lastLine.Elapsed >= TimeSpan.FromSeconds(1))
                    {
                        lastTrials = p.Current.TrialsDone;
                        lastLine.Restart();
                        Console.WriteLine(Line(title, adaptive, p));
                    }

                    return;
                }

                var tenth = (int)(p.Fraction * 10);
                if (tenth > lastTenth && tenth < 10)
                {
                    lastTenth = tenth;
                    Console.WriteLine($"{Line(title, adaptive, p)}: {tenth * 10}%");
                }
            }
        });
        var r = await work(plain);
        Console.WriteLine($"{title}: 100%");
        return r;
    }

    private static string Line(string title, bool adaptive, StudyProgress p)
    {
        var line = p.Runs > 1 ? $"{title}: {p.Label} ({p.Run + 1}/{p.Runs})" : title;
        if (!adaptive)
        {
            return line;
        }

        return p.Current.TrialsDone == 0
            ? $"{line}: first batch"
            : string.Create(CultureInfo.InvariantCulture, $"{line}: {p.Current.TrialsDone:N0} trials, widest half-width {p.Current.WidestHalfWidth:0.0000}");
    }
}

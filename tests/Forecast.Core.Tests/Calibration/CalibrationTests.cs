using Forecast.Calibration;
using Forecast.Model;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Calibration;

public sealed class CalibrationTests
{
    [Fact]
    public void The_committed_calibration_reproduces_the_2021_facts_within_2_percent()
    {
        // A seed and trial count other than the calibration's own: the fit must not be an accident of its draws.
        var fit = Calibrator.Simulate2021(TestModels.Baseline, seed: 2021_0917, trials: 600);

        Assert.Equal(Calibrator.Targets.Length, fit.Count);
        Assert.All(fit, row => Assert.True(Math.Abs(row.RelativeError) <= 0.02,
            $"{row.FactId}: simulated {row.Simulated:F1} vs fact {row.Target} ({row.RelativeError:P2})"));
    }

    [Fact]
    public void Calibrating_from_neutral_rates_converges_to_the_facts()
    {
        var neutral = TestModels.Baseline.With(TestModels.Baseline.Parameters.With(CalibratedValues.Default));
        var report = Calibrator.Fit(neutral, seed: 7, trials: 200, tolerance: 0.005);

        Assert.True(report.MaxRelativeError <= 0.005, $"max error {report.MaxRelativeError:P2} after {report.Iterations} iterations");
        Assert.Equal(469, report.Fit.Single(f => f.FactId == "new-hte-2021").Target);
        Assert.Equal(617000, report.Fit.Single(f => f.FactId == "incubator-area-2021").Target);
    }

    [Fact]
    public void The_calibration_file_round_trips_through_the_loader()
    {
        var report = Calibrator.Fit(TestModels.Baseline, seed: 7, trials: 50, tolerance: 0.05);
        var yaml = Calibrator.ToYaml(report, new DateOnly(2026, 11, 25));
        var inputs = TestModels.Inputs() with { CalibrationName = "calibration.yaml", CalibrationYaml = yaml };

        var loaded = ParametersLoader.Load(inputs).Calibrated;

        Assert.Equal(report.Values, loaded);
        Assert.Contains("calibrated-on: \"2026-11-25\"", yaml);
    }
}

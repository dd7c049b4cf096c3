using Forecast.Calibration;
using Forecast.Inputs;
using Forecast.Model;
using Forecast.Simulation;
using Forecast.Statistics;

namespace Forecast.Core.Tests.Calibration;

public sealed class CalibrationTests
{
    private static readonly Calibrator.Options Small = new(Particles: 120, MaxRounds: 2, MovesPerRound: 1, PredictiveTrials: 200, Replicates: 2, MaxFinalMoves: 3);

    [Fact]
    public void The_committed_posterior_reproduces_every_2021_fact()
    {
        // A seed other than the calibration's own: the fit must not be an accident of its draws.
        var model = TestModels.Baseline;
        Assert.NotNull(model.Parameters.Posterior);
        const int Trials = 4_000;
        var table = Calibrator.Simulate2021(model, seed: 2021_0917, first: 0, count: Trials);
        var scratch = new double[Trials];

        Assert.NotEmpty(model.Parameters.CalibrationFacts);
        Assert.All(model.Parameters.CalibrationFacts, f =>
        {
            var s = Summaries.Summarise(table.Series(f.Indicator, model.FirstYear), scratch);
            var error = (s.Mean - f.Observed) / f.Observed;
            Assert.True(Math.Abs(error) <= 0.02, $"{f.Id}: posterior predictive mean {s.Mean:F2} vs fact {f.Observed} ({error:P2})");
            Assert.InRange(f.Observed, s.P5, s.P95);
        });
    }

    [Fact]
    public void The_committed_calibration_says_what_made_it_and_that_it_reproduces_2021()
    {
        var yaml = File.ReadAllText(Path.Combine(TestModels.Seeds, ModelInputs.CalibrationFile));

        Assert.Contains("ABC-SMC", yaml);
        Assert.Contains("Del Moral", yaml);
        Assert.Contains("reproduces-2021: true", yaml);
        var posterior = TestModels.Baseline.Parameters.Posterior!;
        Assert.True(posterior.Sets >= 1_000, $"{posterior.Sets} distinct sets");
        Assert.Equal(posterior.Sets, posterior.Values.Select(v => string.Join(',', v)).Distinct().Count()); // no set twice
    }

    [Fact]
    public void The_same_seed_gives_the_same_ensemble_and_another_seed_a_different_one()
    {
        var model = TestModels.Baseline;
        var a = Calibrator.Fit(model, seed: 7, Small);
        var b = Calibrator.Fit(model, seed: 7, Small);
        var c = Calibrator.Fit(model, seed: 8, Small);

        Assert.Equal(a.Ensemble.ToCsv(), b.Ensemble.ToCsv());
        Assert.NotEqual(a.Ensemble.ToCsv(), c.Ensemble.ToCsv());
        Assert.InRange(a.Ensemble.Sets, 2, Small.Particles); // copies of a set are merged
    }

    [Fact]
    public void Each_round_lowers_the_tolerance_and_the_fit_narrows_the_prior_predictive()
    {
        var report = Calibrator.Fit(TestModels.Baseline, seed: 11, Small with { MaxRounds = 4 });

        var tolerances = report.Rounds.Skip(1).Select(r => r.Tolerance).ToArray();
        Assert.True(tolerances.Length >= 2);
        Assert.All(tolerances.Zip(tolerances.Skip(1)), pair => Assert.True(pair.Second <= pair.First));
        // Even a short run learns the levels the counts pin one to one.
        Assert.Contains(report.Facts, f => f.Id == "new-hte-2021" && f.Narrowing < 0.5);
    }

    [Fact]
    public void The_calibration_file_and_ensemble_round_trip_through_the_loader()
    {
        var report = Calibrator.Fit(TestModels.Baseline, seed: 7, Small);
        var inputs = TestModels.Inputs();
        var digest = ParametersLoader.Digest(YamlInput.Parse(inputs.BaselineYaml, inputs.BaselineName, "baseline"));
        var yaml = Calibrator.ToYaml(report, new DateOnly(2026, 11, 25), digest);
        var loaded = ParametersLoader.Load(inputs with
        {
            CalibrationName = "calibration.yaml", CalibrationYaml = yaml, PosteriorName = "posterior.csv", PosteriorCsv = report.Ensemble.ToCsv(),
        }).Posterior!;

        Assert.Equal(report.Ensemble.Ids, loaded.Ids);
        Assert.Equal(report.Ensemble.Weights, loaded.Weights);
        Assert.Equal(report.Ensemble.Values, loaded.Values);
        Assert.Contains("calibrated-on: \"2026-11-25\"", yaml);
        Assert.Contains("tolerance: null", yaml); // round 0 is the prior
    }

    [Fact]
    public void A_calibration_fitted_to_another_baseline_is_refused()
    {
        var report = Calibrator.Fit(TestModels.Baseline, seed: 7, Small);
        var yaml = Calibrator.ToYaml(report, new DateOnly(2026, 11, 25), new string('0', 64));
        var inputs = TestModels.Inputs() with
        {
            CalibrationName = "calibration.yaml", CalibrationYaml = yaml, PosteriorName = "posterior.csv", PosteriorCsv = report.Ensemble.ToCsv(),
        };

        var error = Assert.Throws<InputException>(() => ParametersLoader.Load(inputs));
        Assert.Contains("baseline-digest", error.Message);
    }

    [Fact]
    public void The_tilt_moves_the_weighted_mean_error_of_every_fact_to_zero()
    {
        // Two facts, five sets: the tilted weights must zero both weighted means and stay positive.
        double[][] errors = [[-1, 0.5], [0.2, -0.4], [1.5, 0.3], [-0.3, -1.2], [0.8, 0.9]];
        var prior = new[] { 0.1, 0.3, 0.2, 0.25, 0.15 };

        var (weights, converged) = Calibrator.Tilt(prior, errors);

        Assert.True(converged);
        Assert.All(weights, w => Assert.True(w > 0));
        Assert.Equal(1, weights.Sum(), 12);
        for (var f = 0; f < 2; f++)
        {
            Assert.Equal(0, errors.Select((e, k) => weights[k] * e[f]).Sum(), 9);
        }
    }

    [Fact]
    public void The_tilt_leaves_weights_alone_when_the_means_already_match()
    {
        double[][] errors = [[-1], [1], [-2], [2]];
        var prior = new[] { 0.25, 0.25, 0.25, 0.25 };

        var (weights, converged) = Calibrator.Tilt(prior, errors);

        Assert.True(converged);
        Assert.Equal(prior, weights);
    }

    [Fact]
    public void The_tilt_reports_facts_no_weighting_can_reach()
    {
        double[][] errors = [[1], [2], [3]]; // every set overshoots: no positive weights give mean 0

        var (_, converged) = Calibrator.Tilt([1.0 / 3, 1.0 / 3, 1.0 / 3], errors, maxIterations: 50);

        Assert.False(converged);
    }
}

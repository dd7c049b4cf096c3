using System.Globalization;
using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Model;
using Forecast.Running;
using Forecast.Simulation;

namespace Forecast.Studies;

/// <summary>A fact the backtest model still reads although it was published after the vintage.</summary>
public sealed record VintageGap(string Fact, DateOnly Published);

public sealed record BacktestResult(DateOnly Vintage, ForecastResult Forecast, ScoreResult Score, IReadOnlyList<VintageGap> Later)
{
    public const string Design =
        "2021 forecast from the priors alone (no calibration on the 2021 facts, 2021 high-tech investment growth drawn from its trend, "
        + "2021 shocks from their priors), scored against the 2021 facts; some priors were sized with 2021 in mind (seeds/README.md), so it is not fully out of sample";
}

/// <summary>
/// The model as of an earlier vintage: the forecast of 2021 it would have made without the 2021
/// facts (no posterior: every input from its prior), scored against those facts. It shows how far
/// the priors alone are from what happened, and whether their 90% bands hold it. Facts the model
/// reads that were published after the vintage (start values published in 2021) are listed, not hidden.
/// </summary>
public static class BacktestStudy
{
    public static readonly DateOnly DefaultVintage = new(2020, 12, 31);

    public static BacktestResult Run(ModelInputs inputs, RunPlan plan, DateOnly vintage, IProgress<StudyProgress>? progress,
        CancellationToken cancellation)
    {
        var p = ParametersLoader.Load(inputs.WithoutCalibration());
        var actuals = Actuals2021(p);
        p.HtInvestGrowth2021 = null;
        var model = SimulationModel.Build(p);
        var table = LocalEngine.Simulate(model, plan, StudyProgress.Of(progress, "backtest", 0, 1), cancellation).Table;
        var forecast = Finaliser.Summarise(model, table, plan.Seed);
        var score = ScoreStudy.Score(ScoreStudy.Snapshot(forecast), actuals);
        var later = p.FactsRead.Distinct().Where(f => f != "ht-invest-growth-2021" && p.FactPublished[f] > vintage)
            .Select(f => new VintageGap(f, p.FactPublished[f])).ToList();
        return new BacktestResult(vintage, forecast, score, later);
    }

    /// <summary>The 2021 facts as actuals: every calibration fact, and 2021 high-tech investment growth.</summary>
    public static IReadOnlyList<Actual> Actuals2021(Parameters p)
    {
        var year = p.CalibrationYear;
        var actuals = p.CalibrationFacts
            .Select(f => new Actual(Indicators.Id(f.Indicator), year, f.Observed, $"baseline.yaml facts.{f.Id}")).ToList();
        actuals.Add(new Actual(Indicators.Id(Indicator.HtInvestGrowth), year, p.HtInvestGrowth2021!.Value, "baseline.yaml facts.ht-invest-growth-2021"));
        return actuals;
    }

    public static string Describe(VintageGap g) =>
        string.Create(CultureInfo.InvariantCulture, $"{g.Fact} (published {g.Published:yyyy-MM-dd})");
}

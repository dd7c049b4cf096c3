using System.Globalization;
using System.Text;
using Forecast.Model;
using Forecast.Running;
using Forecast.Simulation;

namespace Forecast.Calibration;

/// <summary>One calibrated parameter, the 2021 fact it is fitted to, and how to update it.</summary>
public sealed record CalibrationTarget(int Parameter, string FactId, Indicator Indicator);

public sealed record FitRow(string FactId, double Target, double Simulated)
{
    public double RelativeError => (Simulated - Target) / Target;
}

public sealed record CalibrationReport(CalibratedValues Values, IReadOnlyList<FitRow> Fit, int Iterations, ulong Seed, int Trials)
{
    public double MaxRelativeError => Fit.Max(f => Math.Abs(f.RelativeError));
}

/// <summary>
/// Fits the seven calibrated rates so that the mean simulated 2021 flows match the seed's 2021
/// facts. Only 2021 is simulated, on common random numbers (fixed seed and trials), so the map
/// from parameters to means is smooth and deterministic; each parameter is updated by a
/// fixed-point step on its own fact (rates scale multiplicatively; the incubator expansion rate
/// by a Newton step, area being linear in it) until every error is within tolerance.
/// </summary>
public static class Calibrator
{
    public static readonly CalibrationTarget[] Targets =
    [
        new(0, "new-hte-2021", Indicator.NewHte),
        new(1, "new-ptsme-2021", Indicator.NewPtsme),
        new(2, "new-eaglet-2021", Indicator.NewEaglet),
        new(3, "new-provincial-rd-institutions-2021", Indicator.NewRdInst),
        new(4, "new-incubators-2021", Indicator.NewIncubators),
        new(5, "incubator-area-2021", Indicator.IncubatorArea),
        new(6, "new-municipal-rd-centres-2021", Indicator.NewMunicipalRdCentres),
    ];

    public static CalibrationReport Fit(SimulationModel model, ulong seed, int trials, double tolerance = 0.002, int maxIterations = 40)
    {
        var p = model.Parameters;
        var values = Enumerable.Range(0, CalibratedValues.Ids.Length).Select(i => p.Calibrated[i]).ToArray();
        IReadOnlyList<FitRow> fit = [];
        for (var iteration = 1; iteration <= maxIterations; iteration++)
        {
            var current = model.With(p.With(CalibratedValues.From(values)));
            fit = Simulate2021(current, seed, trials);
            if (fit.All(f => Math.Abs(f.RelativeError) <= tolerance))
            {
                return new CalibrationReport(CalibratedValues.From(values), fit, iteration, seed, trials);
            }

            foreach (var target in Targets)
            {
                var row = fit.First(f => f.FactId == target.FactId);
                if (target.Indicator == Indicator.IncubatorArea)
                {
                    // Area(e) = A_old (1 + e) + new area: one Newton step with slope A_old.
                    values[target.Parameter] += (row.Target - row.Simulated) / p.IncubatorArea2020;
                }
                else if (row.Simulated > 0)
                {
                    values[target.Parameter] *= row.Target / row.Simulated;
                }
            }
        }

        return new CalibrationReport(CalibratedValues.From(values), fit, maxIterations, seed, trials);
    }

    /// <summary>Mean simulated 2021 value of each calibration fact.</summary>
    public static IReadOnlyList<FitRow> Simulate2021(SimulationModel model, ulong seed, int trials)
    {
        var batch = LocalBatchRunner.RunBatch(model, seed, 0, trials, model.FirstYear);
        return Targets.Select(t =>
        {
            var series = batch.Table.Series(t.Indicator, model.FirstYear);
            double sum = 0;
            foreach (var v in series)
            {
                sum += v;
            }

            return new FitRow(t.FactId, model.Parameters.Facts[t.FactId], sum / trials);
        }).ToList();
    }

    /// <summary>The calibration file: fitted values with the date, method and fit error.</summary>
    public static string ToYaml(CalibrationReport r, DateOnly date)
    {
        static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.AppendLine("# Written by `forecast calibrate`; do not edit by hand. Validated against seeds/schema/calibration.schema.json.");
        sb.AppendLine("# Each parameter is fitted so the mean simulated 2021 flow matches the seed's 2021 fact.");
        sb.AppendLine($"calibrated-on: \"{date:yyyy-MM-dd}\"");
        sb.AppendLine("method: \"fixed-point iteration on the mean of 2021 over common random numbers (rates scaled by target/simulated; incubator expansion by a Newton step)\"");
        sb.AppendLine($"seed: {r.Seed}");
        sb.AppendLine($"trials: {r.Trials}");
        sb.AppendLine($"iterations: {r.Iterations}");
        sb.AppendLine("parameters:");
        foreach (var t in Targets)
        {
            sb.AppendLine($"  {CalibratedValues.Ids[t.Parameter]}: {{value: {D(r.Values[t.Parameter])}, fits: {t.FactId}}}");
        }

        sb.AppendLine("fit:");
        foreach (var f in r.Fit)
        {
            sb.AppendLine($"  {f.FactId}: {{target: {D(f.Target)}, simulated: {D(f.Simulated)}, relative-error: {D(f.RelativeError)}}}");
        }

        sb.AppendLine($"max-relative-error: {D(r.MaxRelativeError)}");
        return sb.ToString();
    }
}

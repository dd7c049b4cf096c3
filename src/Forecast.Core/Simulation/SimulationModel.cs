using Forecast.Inputs;
using Forecast.Model;

namespace Forecast.Simulation;

/// <summary>
/// Everything a run needs that does not depend on the seed: parameters, population, rules, targets,
/// where trials take their uncertain inputs from, and the inputs a trial records for driver analysis.
/// </summary>
public sealed class SimulationModel
{
    private SimulationModel(Parameters parameters, Population population, WorldSource source)
    {
        Parameters = parameters;
        Population = population;
        Source = source;
        Rules = new StepRules(parameters);
        Targets = parameters.Targets;
        InputIds = UncertainInputs.AllIds.Concat(parameters.Levers.Select(l => UncertainInputs.ElasticityId(l.Id))).ToArray();
        InputKeys = InputIds.Select(TrialWorld.KeyOf).ToArray();
        var forecastYears = Enumerable.Range(FirstYear + 1, LastYear - FirstYear).ToArray();
        RecordedInputIds = InputIds
            .Concat(forecastYears.Select(y => $"gdp-growth-{y}"))
            .Concat(forecastYears.Select(y => $"recognition-shock-{y}"))
            .Concat(forecastYears.Select(y => $"listing-shock-{y}"))
            .ToArray();
    }

    public Parameters Parameters { get; }

    public Population Population { get; }

    public StepRules Rules { get; }

    public WorldSource Source { get; }

    /// <summary>Targets with every threshold a number.</summary>
    public TargetDefinition[] Targets { get; }

    /// <summary>The uncertain inputs a trial draws: every <see cref="UncertainInput"/>, then each lever's elasticity.</summary>
    public string[] InputIds { get; }

    /// <summary>Each input's keyed stream (a hash of its id).</summary>
    public uint[] InputKeys { get; }

    /// <summary>What a trial records beside its indicators: its inputs, then the yearly GDP growth and common shocks it drew.</summary>
    public string[] RecordedInputIds { get; }

    public int FirstYear => Parameters.CalibrationYear;

    public int LastYear => Parameters.LastYear;

    public int Years => LastYear - FirstYear + 1;

    /// <summary>
    /// The model of these input texts. The last few built are kept (a model is immutable once built), so
    /// the caller checking a run, the silo stepping it and the client finalising it in one process build
    /// it once: a study of many short runs would otherwise parse and synthesise each one three times.
    /// </summary>
    public static SimulationModel Build(ModelInputs inputs)
    {
        lock (Recent)
        {
            var node = Recent.First;
            for (; node is not null && !node.Value.Inputs.Equals(inputs); node = node.Next)
            {
            }

            if (node is not null)
            {
                Recent.Remove(node);
                Recent.AddFirst(node);
                return node.Value.Model;
            }
        }

        var model = Build(ParametersLoader.Load(inputs)); // bad input throws here, every time it is asked
        lock (Recent)
        {
            Recent.AddFirst((inputs, model));
            while (Recent.Count > RecentCapacity)
            {
                Recent.RemoveLast();
            }
        }

        return model;
    }

    private const int RecentCapacity = 4;
    private static readonly LinkedList<(ModelInputs Inputs, SimulationModel Model)> Recent = new();

    public static SimulationModel Build(Parameters parameters) =>
        new(parameters, Population.Synthesise(parameters, parameters.EntrantSlots, parameters.IncubatorSlots), new WorldSource.Calibrated());

    /// <summary>The same population under another source of uncertain inputs (calibration, backtest).</summary>
    public SimulationModel With(WorldSource source) => new(Parameters, Population, source);

    /// <summary>The same population under other parameters of the same shape (a calibration round's ensemble).</summary>
    public SimulationModel With(Parameters parameters) => new(parameters, Population, Source);

    /// <summary>A table for this model's years, indicators and recorded inputs.</summary>
    public TrialTable NewTable(int trials) => new(FirstYear, Years, trials, RecordedInputIds.Length);
}

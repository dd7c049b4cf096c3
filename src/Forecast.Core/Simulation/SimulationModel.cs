using Forecast.Inputs;
using Forecast.Model;

namespace Forecast.Simulation;

/// <summary>Everything a run needs that does not depend on the seed: parameters, population, rules, targets.</summary>
public sealed class SimulationModel
{
    private SimulationModel(Parameters parameters, Population population)
    {
        Parameters = parameters;
        Population = population;
        Rules = new StepRules(parameters);
        Targets = parameters.Targets.Select(t => parameters.TargetFactors.TryGetValue(t.Id, out var factor)
            ? t with { Threshold = factor * BaseValue(t.Indicator, population.Base, t.Id) }
            : t).ToArray();
    }

    public Parameters Parameters { get; }

    public Population Population { get; }

    public StepRules Rules { get; }

    /// <summary>Targets with every threshold resolved to a number.</summary>
    public TargetDefinition[] Targets { get; }

    public int FirstYear => Parameters.CalibrationYear;

    public int LastYear => Parameters.LastYear;

    public int Years => LastYear - FirstYear + 1;

    public static SimulationModel Build(ModelInputs inputs) => Build(ParametersLoader.Load(inputs));

    public static SimulationModel Build(Parameters parameters) => new(parameters, Population.Synthesise(parameters));

    /// <summary>The same population under other parameters (calibration, what-if on levers).</summary>
    public SimulationModel With(Parameters parameters) => new(parameters, Population);

    private static double BaseValue(Indicator indicator, BaseYear b, string targetId) => indicator switch
    {
        Indicator.HteStock => b.HteStock,
        Indicator.PtsmeStock => b.PtsmeStock,
        _ => throw new InputException("targets.yaml", targetId, null,
            $"at-least-times-2020 needs a start-year stock; indicator '{Indicators.Id(indicator)}' has none (use hte-stock or ptsme-stock)"),
    };
}

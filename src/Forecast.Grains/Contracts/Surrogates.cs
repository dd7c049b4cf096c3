using Forecast.Aggregation;
using Forecast.Inputs;
using Forecast.Simulation;

namespace Forecast.Grains;

// Forecast.Core knows nothing of Orleans; these surrogates teach Orleans to serialise its
// message types when a call crosses silos. Within a silo, Immutable<T> passes the reference.

[GenerateSerializer, Alias("forecast.year-context")]
public struct YearContextSurrogate
{
    [Id(0)] public ulong Seed;
    [Id(1)] public int Year;
    [Id(2)] public int FirstTrial;
    [Id(3)] public int Trials;
    [Id(4)] public double[] GdpGrowth;
    [Id(5)] public double[] ExitMultiplier;
    [Id(6)] public double[] HteApply;
    [Id(7)] public double[] HtePass;
    [Id(8)] public double[] PtsmeListing;
    [Id(9)] public double[] RdIntensity;
    [Id(10)] public double[] Investment;
    [Id(11)] public double[] RdInstitution;
    [Id(12)] public double[] NewAreaMean;
    [Id(13)] public int[] ActiveEntrants;
    [Id(14)] public int[] OpenIncubators;
}

[RegisterConverter]
public sealed class YearContextConverter : IConverter<YearContext, YearContextSurrogate>
{
    public YearContext ConvertFromSurrogate(in YearContextSurrogate s) => new(
        s.Seed, s.Year, s.FirstTrial, s.Trials, s.GdpGrowth, s.ExitMultiplier, s.HteApply, s.HtePass, s.PtsmeListing,
        s.RdIntensity, s.Investment, s.RdInstitution, s.NewAreaMean, s.ActiveEntrants, s.OpenIncubators);

    public YearContextSurrogate ConvertToSurrogate(in YearContext v) => new()
    {
        Seed = v.Seed, Year = v.Year, FirstTrial = v.FirstTrial, Trials = v.Trials, GdpGrowth = v.GdpGrowth,
        ExitMultiplier = v.ExitMultiplier, HteApply = v.HteApply, HtePass = v.HtePass, PtsmeListing = v.PtsmeListing,
        RdIntensity = v.RdIntensity, Investment = v.Investment, RdInstitution = v.RdInstitution,
        NewAreaMean = v.NewAreaMean, ActiveEntrants = v.ActiveEntrants, OpenIncubators = v.OpenIncubators,
    };
}

[GenerateSerializer, Alias("forecast.partial")]
public struct PartialAggregateSurrogate
{
    [Id(0)] public int Trials;
    [Id(1)] public long[] Values;
}

[RegisterConverter]
public sealed class PartialAggregateConverter : IConverter<PartialAggregate, PartialAggregateSurrogate>
{
    public PartialAggregate ConvertFromSurrogate(in PartialAggregateSurrogate s) => new(s.Trials, s.Values);

    public PartialAggregateSurrogate ConvertToSurrogate(in PartialAggregate v) => new() { Trials = v.Trials, Values = v.Values };
}

[GenerateSerializer, Alias("forecast.model-inputs")]
public struct ModelInputsSurrogate
{
    [Id(0)] public string BaselineName;
    [Id(1)] public string BaselineYaml;
    [Id(2)] public string TargetsName;
    [Id(3)] public string TargetsYaml;
    [Id(4)] public string? CalibrationName;
    [Id(5)] public string? CalibrationYaml;
    [Id(6)] public string ScenarioName;
    [Id(7)] public string ScenarioYaml;
}

[RegisterConverter]
public sealed class ModelInputsConverter : IConverter<ModelInputs, ModelInputsSurrogate>
{
    public ModelInputs ConvertFromSurrogate(in ModelInputsSurrogate s) => new(
        s.BaselineName, s.BaselineYaml, s.TargetsName, s.TargetsYaml, s.CalibrationName, s.CalibrationYaml, s.ScenarioName, s.ScenarioYaml);

    public ModelInputsSurrogate ConvertToSurrogate(in ModelInputs v) => new()
    {
        BaselineName = v.BaselineName, BaselineYaml = v.BaselineYaml, TargetsName = v.TargetsName, TargetsYaml = v.TargetsYaml,
        CalibrationName = v.CalibrationName, CalibrationYaml = v.CalibrationYaml, ScenarioName = v.ScenarioName, ScenarioYaml = v.ScenarioYaml,
    };
}

using Forecast.Aggregation;
using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Running;
using Forecast.Simulation;

namespace Forecast.Grains;

// Forecast.Core knows nothing of Orleans; these surrogates teach Orleans to serialise its types
// when a call crosses silos or state is persisted. Within a silo, Immutable<T> passes the reference.
// Enums travel as their numbers, checked on the way in. Types whose layout changed with the shared
// run loop carry a ".v2" alias, so state or messages of the earlier layout are refused, never mis-read.

[GenerateSerializer, Alias("forecast.year-context.v2")]
public struct YearContextSurrogate
{
    [Id(0)] public ulong Seed;
    [Id(1)] public int Year;
    [Id(2)] public int FirstTrial;
    [Id(3)] public int Trials;
    [Id(4)] public double[] Rates;
    [Id(5)] public int[] Counts;
}

[RegisterConverter]
public sealed class YearContextConverter : IConverter<YearContext, YearContextSurrogate>
{
    public YearContext ConvertFromSurrogate(in YearContextSurrogate s) => new(s.Seed, s.Year, s.FirstTrial, s.Trials, s.Rates, s.Counts);

    public YearContextSurrogate ConvertToSurrogate(in YearContext v) => new()
    {
        Seed = v.Seed, Year = v.Year, FirstTrial = v.FirstTrial, Trials = v.Trials, Rates = v.Rates, Counts = v.Counts,
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

[GenerateSerializer, Alias("forecast.model-inputs.v2")]
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
    [Id(8)] public string? PosteriorName;
    [Id(9)] public string? PosteriorCsv;
}

[RegisterConverter]
public sealed class ModelInputsConverter : IConverter<ModelInputs, ModelInputsSurrogate>
{
    public ModelInputs ConvertFromSurrogate(in ModelInputsSurrogate s) => new(
        s.BaselineName, s.BaselineYaml, s.TargetsName, s.TargetsYaml, s.CalibrationName, s.CalibrationYaml, s.PosteriorName, s.PosteriorCsv,
        s.ScenarioName, s.ScenarioYaml);

    public ModelInputsSurrogate ConvertToSurrogate(in ModelInputs v) => new()
    {
        BaselineName = v.BaselineName, BaselineYaml = v.BaselineYaml, TargetsName = v.TargetsName, TargetsYaml = v.TargetsYaml,
        CalibrationName = v.CalibrationName, CalibrationYaml = v.CalibrationYaml, PosteriorName = v.PosteriorName, PosteriorCsv = v.PosteriorCsv,
        ScenarioName = v.ScenarioName, ScenarioYaml = v.ScenarioYaml,
    };
}

[GenerateSerializer, Alias("forecast.run-plan.v2")]
public struct RunPlanSurrogate
{
    [Id(0)] public ulong Seed;
    [Id(1)] public int Trials;
    [Id(2)] public int BatchSize;
    [Id(3)] public double? Precision;
}

[RegisterConverter]
public sealed class RunPlanConverter : IConverter<RunPlan, RunPlanSurrogate>
{
    public RunPlan ConvertFromSurrogate(in RunPlanSurrogate s) => new(s.Seed, s.Trials, s.BatchSize, s.Precision);

    public RunPlanSurrogate ConvertToSurrogate(in RunPlan v) => new() { Seed = v.Seed, Trials = v.Trials, BatchSize = v.BatchSize, Precision = v.Precision };
}

[GenerateSerializer, Alias("forecast.run-status.v2")]
public struct RunStatusSurrogate
{
    [Id(0)] public Guid RunId;
    [Id(1)] public int State;
    [Id(2)] public double Fraction;
    [Id(3)] public int TrialsDone;
    [Id(4)] public string? Error;
    [Id(5)] public double? WidestHalfWidth;
    [Id(6)] public int Shards;
    [Id(7)] public int Batches;
    [Id(8)] public int Resumes;
    [Id(9)] public int ResumedAtTrial;
}

[RegisterConverter]
public sealed class RunStatusConverter : IConverter<RunStatus, RunStatusSurrogate>
{
    public RunStatus ConvertFromSurrogate(in RunStatusSurrogate s) =>
        new(s.RunId, State(s.State), s.Fraction, s.TrialsDone, s.Error, s.WidestHalfWidth, s.Shards, s.Batches, s.Resumes, s.ResumedAtTrial);

    /// <summary>A persisted state number back to a state; an unknown number is refused, not guessed.</summary>
    internal static RunState State(int value) =>
        Enum.IsDefined((RunState)value) ? (RunState)value : throw new InvalidDataException($"run state {value} is not one this version knows");

    public RunStatusSurrogate ConvertToSurrogate(in RunStatus v) => new()
    {
        RunId = v.RunId, State = (int)v.State, Fraction = v.Fraction, TrialsDone = v.TrialsDone, Error = v.Error,
        WidestHalfWidth = v.WidestHalfWidth, Shards = v.Shards, Batches = v.Batches, Resumes = v.Resumes, ResumedAtTrial = v.ResumedAtTrial,
    };
}

[GenerateSerializer, Alias("forecast.run-record.v2")]
public struct RunRecordSurrogate
{
    [Id(0)] public Guid RunId;
    [Id(1)] public string Scenario;
    [Id(2)] public ulong Seed;
    [Id(3)] public int Trials;
    [Id(4)] public int State;
    [Id(5)] public DateTime SubmittedUtc;
    [Id(6)] public DateTime? FinishedUtc;
    [Id(7)] public bool Adaptive;
}

[RegisterConverter]
public sealed class RunRecordConverter : IConverter<RunRecord, RunRecordSurrogate>
{
    public RunRecord ConvertFromSurrogate(in RunRecordSurrogate s) =>
        new(s.RunId, s.Scenario, s.Seed, s.Trials, RunStatusConverter.State(s.State), s.SubmittedUtc, s.FinishedUtc, s.Adaptive);

    public RunRecordSurrogate ConvertToSurrogate(in RunRecord v) => new()
    {
        RunId = v.RunId, Scenario = v.Scenario, Seed = v.Seed, Trials = v.Trials, State = (int)v.State,
        SubmittedUtc = v.SubmittedUtc, FinishedUtc = v.FinishedUtc, Adaptive = v.Adaptive,
    };
}

[GenerateSerializer, Alias("forecast.checkpoint.v2")]
public struct CheckpointSurrogate
{
    [Id(0)] public int FirstTrial;
    [Id(1)] public int Trials;
    [Id(2)] public string Silo;
    [Id(3)] public DateTime FinishedUtc;
    [Id(4)] public int Activation;
}

[RegisterConverter]
public sealed class CheckpointConverter : IConverter<CheckpointInfo, CheckpointSurrogate>
{
    public CheckpointInfo ConvertFromSurrogate(in CheckpointSurrogate s) => new(s.FirstTrial, s.Trials, s.Silo, s.FinishedUtc, s.Activation);

    public CheckpointSurrogate ConvertToSurrogate(in CheckpointInfo v) => new()
    {
        FirstTrial = v.FirstTrial, Trials = v.Trials, Silo = v.Silo, FinishedUtc = v.FinishedUtc, Activation = v.Activation,
    };
}

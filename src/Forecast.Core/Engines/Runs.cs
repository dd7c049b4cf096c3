using Forecast.Running;
using Forecast.Simulation;

namespace Forecast.Engines;

/// <summary>Where a run is. Persisted by number on clusters: append new states, never renumber.</summary>
public enum RunState
{
    /// <summary>Not started (an unknown run id reads as idle on a cluster).</summary>
    Idle = 0,
    Running = 1,
    Done = 2,
    Failed = 3,
}

/// <summary>One run as a store lists it.</summary>
public sealed record RunRecord(
    Guid RunId, string Scenario, ulong Seed, int Trials, RunState State, DateTime SubmittedUtc, DateTime? FinishedUtc, bool Adaptive);

/// <summary>
/// Where a run is: its state, the fraction done (estimated when adaptive), trials done, the widest
/// target or joint 95% half-width so far (adaptive runs), the shards used, batches checkpointed, and
/// how often and where it was resumed after its coordinator was lost (-1: never).
/// </summary>
public sealed record RunStatus(
    Guid RunId,
    RunState State,
    double Fraction,
    int TrialsDone,
    string? Error,
    double? WidestHalfWidth = null,
    int Shards = 0,
    int Batches = 0,
    int Resumes = 0,
    int ResumedAtTrial = -1);

/// <summary>A finished batch, as checkpointed: which trials, computed where and when, by which activation of the coordinator.</summary>
public sealed record CheckpointInfo(int FirstTrial, int Trials, string Silo, DateTime FinishedUtc, int Activation);

/// <summary>What a store knows of one run.</summary>
public sealed record RunDetails(RunRecord? Record, RunStatus Status, IReadOnlyList<CheckpointInfo> Checkpoints);

/// <summary>How a run was executed: the engine's name, and on Orleans the shards it used and whether agents added into their silo's pool.</summary>
public sealed record RunExecution(string Engine, int? Shards = null, bool? SiloAggregation = null);

/// <summary>A finished run: what was asked, the model built from it, the per-trial table and what ended it.</summary>
public sealed record CompletedRun(Guid RunId, RunRequest Request, SimulationModel Model, RunTable Result, RunExecution Execution);

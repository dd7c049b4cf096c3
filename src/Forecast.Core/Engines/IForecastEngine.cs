using Forecast.Inputs;
using Forecast.Running;

namespace Forecast.Engines;

/// <summary>What a caller asks an engine for: this scenario (the texts of every input file) under this plan.</summary>
public sealed record RunRequest(ModelInputs Inputs, RunPlan Plan);

/// <summary>
/// Where simulations run: this process (<see cref="LocalEngine"/>), an embedded silo or a cluster.
/// The CLI, the studies and the web page use it alone; none needs to know which engine it has.
/// </summary>
public interface IForecastEngine : IAsyncDisposable
{
    /// <summary>What the engine is, for people: "local (no Orleans)", "embedded silo", "cluster 'x' at redis://...".</summary>
    string Name { get; }

    /// <summary>The runs this engine holds: submit, list, look at, wait for.</summary>
    IRunStore Runs { get; }
}

/// <summary>
/// The runs of an engine. A run is submitted, goes on by itself, and is waited for, by the same
/// caller or (when <see cref="Durable"/>) by another process later.
/// </summary>
public interface IRunStore
{
    /// <summary>True when runs outlive this process (a cluster's), so a caller may submit and leave.</summary>
    bool Durable { get; }

    /// <summary>Starts a run and returns its id at once. Bad inputs or plans throw here, before anything runs.</summary>
    Task<Guid> Submit(RunRequest request, CancellationToken cancellation);

    /// <summary>Every run the store knows, in no particular order.</summary>
    Task<IReadOnlyList<RunRecord>> List(CancellationToken cancellation);

    /// <summary>One run's record, live status and checkpoints, or null for an unknown id.</summary>
    Task<RunDetails?> Find(Guid runId, CancellationToken cancellation);

    /// <summary>Follows a run to its end (reporting progress) and returns it; throws <see cref="UnknownRunException"/> for an unknown id.</summary>
    Task<CompletedRun> Wait(Guid runId, IProgress<RunProgress>? progress, CancellationToken cancellation);
}

/// <summary>A run id no run in the store has.</summary>
public sealed class UnknownRunException(Guid runId) : Exception($"no run {runId:D} here")
{
    public Guid RunId { get; } = runId;
}

/// <summary>An engine that stopped answering while a run was followed (a lost cluster): a failure, not bad input.</summary>
public sealed class EngineLostException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A run that ended without results: its error as the engine reported it.</summary>
public sealed class RunFailedException(Guid runId, string error) : Exception($"run {runId:D} failed: {error}")
{
    public Guid RunId { get; } = runId;
}

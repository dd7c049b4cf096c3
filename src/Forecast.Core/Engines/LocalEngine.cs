using System.Collections.Concurrent;
using Forecast.Running;
using Forecast.Simulation;

namespace Forecast.Engines;

/// <summary>
/// The pure simulation in this process, no Orleans: every run goes through <see cref="RunDriver"/>
/// with a <see cref="LocalBatchRunner"/>, in the background, and is kept in memory until the engine
/// is disposed (which cancels whatever still runs). Runs end with the process, so a run whose
/// waiter gives up is cancelled: nobody else could collect it.
/// </summary>
public sealed class LocalEngine : IForecastEngine, IRunStore
{
    private readonly ConcurrentDictionary<Guid, LocalRun> _runs = new();
    private readonly CancellationTokenSource _lifetime = new();
    private int _disposed;

    public string Name => "local (no Orleans)";

    public IRunStore Runs => this;

    public bool Durable => false;

    /// <summary>The plan's run of the pure simulation, waited for on this thread (tests, benchmarks, tools).</summary>
    public static RunTable Simulate(SimulationModel model, RunPlan plan, IProgress<RunProgress>? progress = null, CancellationToken cancellation = default) =>
        Task.Run(() => new RunDriver(model, plan, new LocalBatchRunner(model, plan.Seed)).Run(null, progress, cancellation), cancellation)
            .GetAwaiter().GetResult();

    public Task<Guid> Submit(RunRequest request, CancellationToken cancellation)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var plan = request.Plan.Validated();
        var model = SimulationModel.Build(request.Inputs); // bad inputs throw here, before anything runs
        RunMemory.Check(model, plan, LocalBatchRunner.BatchesAtOnce);
        var driver = new RunDriver(model, plan, new LocalBatchRunner(model, plan.Seed));
        var run = new LocalRun(Guid.NewGuid(), request, model, driver, _lifetime.Token); // started before anyone can see it
        _runs[run.Id] = run;
        return Task.FromResult(run.Id);
    }

    public Task<IReadOnlyList<RunRecord>> List(CancellationToken cancellation) =>
        Task.FromResult<IReadOnlyList<RunRecord>>(_runs.Values.Select(r => r.Record()).ToList());

    public Task<RunDetails?> Find(Guid runId, CancellationToken cancellation) =>
        Task.FromResult(_runs.TryGetValue(runId, out var run) ? new RunDetails(run.Record(), run.Status(), []) : null);

    public async Task<CompletedRun> Wait(Guid runId, IProgress<RunProgress>? progress, CancellationToken cancellation)
    {
        if (!_runs.TryGetValue(runId, out var run))
        {
            throw new UnknownRunException(runId);
        }

        var table = await run.Follow(progress, cancellation);
        return new CompletedRun(run.Id, run.Request, run.Model, table, new RunExecution(Name));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _lifetime.CancelAsync();
        foreach (var run in _runs.Values)
        {
            await run.Ended();
        }

        _lifetime.Dispose();
    }

    /// <summary>One run in memory: its task, its latest progress and whoever follows it.</summary>
    private sealed class LocalRun
    {
        private readonly List<IProgress<RunProgress>> _followers = [];
        private readonly CancellationTokenSource _cancel;
        private readonly DateTime _submittedUtc = DateTime.UtcNow;
        private readonly Task<RunTable> _task;
        private RunProgress _latest;
        private DateTime? _finishedUtc;

        public LocalRun(Guid id, RunRequest request, SimulationModel model, RunDriver driver, CancellationToken lifetime)
        {
            (Id, Request, Model) = (id, request, model);
            _cancel = CancellationTokenSource.CreateLinkedTokenSource(lifetime);
            var token = _cancel.Token;
            _task = Task.Run(async () =>
            {
                try
                {
                    return await driver.Run(null, new InlineProgress<RunProgress>(Report), token);
                }
                finally
                {
                    _finishedUtc = DateTime.UtcNow;
                }
            }, token);
        }

        public Guid Id { get; }

        public RunRequest Request { get; }

        public SimulationModel Model { get; }

        /// <summary>Waits for the run, replaying its latest progress first; giving up cancels the run.</summary>
        public async Task<RunTable> Follow(IProgress<RunProgress>? progress, CancellationToken cancellation)
        {
            RunProgress latest;
            lock (_followers)
            {
                latest = _latest;
                if (progress is not null)
                {
                    _followers.Add(progress);
                }
            }

            progress?.Report(latest);
            try
            {
                return await _task.WaitAsync(cancellation);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                await _cancel.CancelAsync();
                throw;
            }
            finally
            {
                if (progress is not null)
                {
                    lock (_followers)
                    {
                        _followers.Remove(progress);
                    }
                }
            }
        }

        public Task Ended() => _task.ContinueWith(_ => { }, TaskScheduler.Default);

        public RunRecord Record()
        {
            var state = State();
            return new RunRecord(Id, Model.Parameters.ScenarioName, Request.Plan.Seed,
                state == RunState.Done ? _task.Result.Table.Trials : Request.Plan.Trials, state, _submittedUtc, _finishedUtc, Request.Plan.Adaptive);
        }

        public RunStatus Status()
        {
            var state = State();
            RunProgress latest;
            lock (_followers)
            {
                latest = _latest;
            }

            return new RunStatus(Id, state, state == RunState.Done ? 1 : latest.Fraction, latest.TrialsDone,
                _task.Exception?.GetBaseException().Message ?? (state == RunState.Failed ? "cancelled" : null), latest.WidestHalfWidth);
        }

        private RunState State() => _task.Status switch
        {
            TaskStatus.RanToCompletion => RunState.Done,
            TaskStatus.Faulted or TaskStatus.Canceled => RunState.Failed,
            _ => RunState.Running,
        };

        /// <summary>Keeps the latest report and passes it on outside the lock; a follower that throws is dropped, the run goes on.</summary>
        private void Report(RunProgress p)
        {
            IProgress<RunProgress>[] followers;
            lock (_followers)
            {
                _latest = p;
                followers = _followers.ToArray();
            }

            foreach (var follower in followers)
            {
                try
                {
                    follower.Report(p);
                }
                catch (Exception)
                {
                    lock (_followers)
                    {
                        _followers.Remove(follower);
                    }
                }
            }
        }
    }
}

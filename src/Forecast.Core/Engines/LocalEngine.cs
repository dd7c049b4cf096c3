using System.Collections.Concurrent;
using Forecast.Running;
using Forecast.Simulation;

namespace Forecast.Engines;

/// <summary>
/// The pure simulation in this process, no Orleans: every run goes through <see cref="RunDriver"/>
/// with a <see cref="LocalBatchRunner"/>, in the background, and is kept in memory until the engine
/// is disposed (which cancels whatever still runs).
/// </summary>
public sealed class LocalEngine : IForecastEngine, IRunStore
{
    private readonly ConcurrentDictionary<Guid, LocalRun> _runs = new();
    private readonly CancellationTokenSource _lifetime = new();

    public string Name => "local (no Orleans)";

    /// <summary>The plan's run of the pure simulation, waited for on this thread (tests, benchmarks, tools).</summary>
    public static RunTable Simulate(SimulationModel model, RunPlan plan, IProgress<RunProgress>? progress = null, CancellationToken cancellation = default) =>
        Task.Run(() => new RunDriver(model, plan, new LocalBatchRunner(model, plan.Seed)).Run(null, progress, cancellation), cancellation)
            .GetAwaiter().GetResult();

    public IRunStore Runs => this;

    public bool Durable => false;

    public Task<Guid> Submit(RunRequest request, CancellationToken cancellation)
    {
        var plan = request.Plan.Validated();
        var model = SimulationModel.Build(request.Inputs); // bad inputs throw here, before anything runs
        var run = new LocalRun(Guid.NewGuid(), request, model, DateTime.UtcNow);
        _runs[run.Id] = run;
        var driver = new RunDriver(model, plan, new LocalBatchRunner(model, plan.Seed));
        run.Start(driver, _lifetime.Token);
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
        await _lifetime.CancelAsync();
        foreach (var run in _runs.Values)
        {
            await run.Ended();
        }

        _lifetime.Dispose();
    }

    /// <summary>One run in memory: its task, its latest progress and whoever follows it.</summary>
    private sealed class LocalRun(Guid id, RunRequest request, SimulationModel model, DateTime submittedUtc)
    {
        private readonly List<IProgress<RunProgress>> _followers = [];
        private Task<RunTable> _task = null!;
        private RunProgress _latest;
        private DateTime? _finishedUtc;

        public Guid Id => id;

        public RunRequest Request => request;

        public SimulationModel Model => model;

        public void Start(RunDriver driver, CancellationToken lifetime)
        {
            var relay = new InlineProgress<RunProgress>(Report);
            _task = Task.Run(async () =>
            {
                try
                {
                    return await driver.Run(null, relay, lifetime);
                }
                finally
                {
                    _finishedUtc = DateTime.UtcNow;
                }
            }, lifetime);
        }

        public async Task<RunTable> Follow(IProgress<RunProgress>? progress, CancellationToken cancellation)
        {
            if (progress is not null)
            {
                lock (_followers)
                {
                    _followers.Add(progress);
                    progress.Report(_latest);
                }
            }

            try
            {
                return await _task.WaitAsync(cancellation);
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

        public RunState State => _task.Status switch
        {
            TaskStatus.RanToCompletion => RunState.Done,
            TaskStatus.Faulted or TaskStatus.Canceled => RunState.Failed,
            _ => RunState.Running,
        };

        public RunRecord Record() => new(id, model.Parameters.ScenarioName, request.Plan.Seed,
            State == RunState.Done ? _task.Result.Table.Trials : request.Plan.Trials, State, submittedUtc, _finishedUtc, request.Plan.Adaptive);

        public RunStatus Status()
        {
            var latest = _latest;
            return new RunStatus(id, State, State == RunState.Done ? 1 : latest.Fraction, latest.TrialsDone,
                _task.Exception?.GetBaseException().Message, latest.WidestHalfWidth);
        }

        private void Report(RunProgress p)
        {
            lock (_followers)
            {
                _latest = p;
                foreach (var follower in _followers)
                {
                    follower.Report(p);
                }
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using Forecast.Running;
using Forecast.Studies;

namespace Forecast.Web;

public enum JobState
{
    Queued,
    Running,
    Done,
    Failed,
}

/// <summary>One piece of work the page asked for (a run, a comparison, a sensitivity study) and where it stands.</summary>
public sealed class Job(string id, string kind, string label, string dir)
{
    public string Id { get; } = id;

    /// <summary>run, compare or sensitivity.</summary>
    public string Kind { get; } = kind;

    public string Label { get; } = label;

    /// <summary>The folder its files go to (forecast.json, compare.json, sensitivity.json, scenario.yaml, ...).</summary>
    public string Dir { get; } = dir;

    public DateTimeOffset Created { get; } = DateTimeOffset.UtcNow;

    public JobState State => state;

    /// <summary>The fraction done, 0..1.</summary>
    public double Fraction => Volatile.Read(ref fraction);

    public string? Error { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    internal double fraction;
    private volatile JobState state = JobState.Queued;

    /// <summary>Completes when the job has finished, well or not.</summary>
    public Task Finished => finished.Task;

    private readonly TaskCompletionSource finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal void End(JobState state, string? error, TimeSpan elapsed)
    {
        Error = error;
        Elapsed = elapsed;
        Volatile.Write(ref fraction, state == JobState.Done ? 1 : fraction);
        this.state = state;
        finished.TrySetResult();
    }

    internal void Begin() => state = JobState.Running;
}

/// <summary>
/// The jobs of one `forecast serve`: each gets its own folder under the out folder and runs in turn
/// (one at a time, as the engine's cores are shared), reporting its progress as it goes.
/// </summary>
public sealed class JobBoard(string outDir) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Job> jobs = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim turn = new(1, 1);
    private readonly CancellationTokenSource stopping = new();
    private int count;

    public IReadOnlyList<Job> All => jobs.Values.OrderBy(j => j.Created).ThenBy(j => j.Id, StringComparer.Ordinal).ToList();

    public Job? Find(string id) => jobs.GetValueOrDefault(id);

    /// <summary>Starts <paramref name="work"/> as a job (after the jobs before it) and returns it at once.</summary>
    public Job Start(string kind, string label, Func<string, IProgress<StudyProgress>, CancellationToken, Task> work)
    {
        var n = Interlocked.Increment(ref count);
        var id = $"{n:D4}-{kind}";
        var job = new Job(id, kind, label, Path.Combine(outDir, id));
        jobs[id] = job;
        _ = Task.Run(async () =>
        {
            var clock = new Stopwatch();
            try
            {
                await turn.WaitAsync(stopping.Token);
                try
                {
                    job.Begin();
                    clock.Start();
                    Directory.CreateDirectory(job.Dir);
                    var progress = new InlineProgress<StudyProgress>(p => Volatile.Write(ref job.fraction, Math.Clamp(p.Fraction, 0, 1)));
                    await work(job.Dir, progress, stopping.Token);
                    job.End(JobState.Done, null, clock.Elapsed);
                }
                finally
                {
                    turn.Release();
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                job.End(JobState.Failed, "the server is stopping", clock.Elapsed);
            }
            catch (Exception e)
            {
                job.End(JobState.Failed, e.Message, clock.Elapsed);
            }
        });
        return job;
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        try
        {
            await Task.WhenAll(jobs.Values.Select(j => j.Finished)).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            // a job that does not notice the cancellation is left to the process's exit
        }

        stopping.Dispose();
    }
}

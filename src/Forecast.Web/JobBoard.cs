using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
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
    private readonly Lock gate = new();
    private readonly Stopwatch clock = new();
    private readonly TaskCompletionSource finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private double fraction;
    private JobState state = JobState.Queued;

    public string Id { get; } = id;

    /// <summary>run, compare or sensitivity.</summary>
    public string Kind { get; } = kind;

    public string Label { get; } = label;

    /// <summary>The folder its files go to (forecast.json, compare.json, sensitivity.json, scenario.yaml, ...).</summary>
    public string Dir { get; } = dir;

    public DateTimeOffset Created { get; } = DateTimeOffset.UtcNow;

    public JobState State
    {
        get
        {
            lock (gate)
            {
                return state;
            }
        }
    }

    /// <summary>The fraction done, 0..1 (1 once done; it never goes back).</summary>
    public double Fraction
    {
        get
        {
            lock (gate)
            {
                return fraction;
            }
        }
    }

    public string? Error { get; private set; }

    /// <summary>How long it has run (so far, or in all).</summary>
    public TimeSpan Elapsed => clock.Elapsed;

    /// <summary>Completes when the job has finished, well or not.</summary>
    public Task Finished => finished.Task;

    internal void Begin()
    {
        lock (gate)
        {
            state = JobState.Running;
            clock.Start();
        }
    }

    internal void Report(double done)
    {
        lock (gate)
        {
            if (state == JobState.Running && done > fraction)
            {
                fraction = Math.Min(done, 1);
            }
        }
    }

    internal void End(JobState end, string? error)
    {
        lock (gate)
        {
            clock.Stop();
            Error = error;
            fraction = end == JobState.Done ? 1 : fraction;
            state = end;
        }

        finished.TrySetResult();
    }
}

/// <summary>A job the board refuses to queue: too many are waiting.</summary>
public sealed class BoardFullException(int waiting) : Exception($"{waiting} jobs are already waiting; wait for some to finish")
{
    public int Waiting { get; } = waiting;
}

/// <summary>
/// The jobs of one server: each gets its own folder under the out folder (numbered on from any already
/// there, so nothing of an earlier session is mixed in), and one worker runs them in the order they came
/// (the engine's cores are shared), reporting progress as it goes.
/// </summary>
public sealed class JobBoard : IAsyncDisposable
{
    /// <summary>How many jobs may wait at once.</summary>
    public const int MaxWaiting = 20;

    private readonly ConcurrentDictionary<string, Job> jobs = new(StringComparer.Ordinal);
    private readonly Channel<(Job Job, Func<string, IProgress<StudyProgress>, CancellationToken, Task> Work)> queue =
        Channel.CreateUnbounded<(Job, Func<string, IProgress<StudyProgress>, CancellationToken, Task>)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock numbering = new();
    private readonly string outDir;
    private readonly Task worker;
    private int count;

    public JobBoard(string outDir)
    {
        this.outDir = outDir;
        count = Directory.Exists(outDir)
            ? Directory.GetDirectories(outDir).Select(d => Path.GetFileName(d)!.Split('-')[0]).Select(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k : 0).DefaultIfEmpty(0).Max()
            : 0;
        worker = Task.Run(Work);
    }

    public IReadOnlyList<Job> All => jobs.Values.OrderBy(j => j.Created).ThenBy(j => j.Id, StringComparer.Ordinal).ToList();

    public Job? Find(string id) => jobs.GetValueOrDefault(id);

    /// <summary>Queues <paramref name="work"/> as a job (after the jobs before it) and returns it at once.</summary>
    public Job Start(string kind, string label, Func<string, IProgress<StudyProgress>, CancellationToken, Task> work)
    {
        Job job;
        lock (numbering)
        {
            var waiting = jobs.Values.Count(j => j.State == JobState.Queued);
            if (waiting >= MaxWaiting)
            {
                throw new BoardFullException(waiting);
            }

            string id;
            do
            {
                id = $"{++count:D4}-{kind}";
            }
            while (Directory.Exists(Path.Combine(outDir, id)));

            job = new Job(id, kind, label, Path.Combine(outDir, id));
            jobs[id] = job;
            queue.Writer.TryWrite((job, work));
        }

        return job;
    }

    private async Task Work()
    {
        await foreach (var (job, work) in queue.Reader.ReadAllAsync())
        {
            if (stopping.IsCancellationRequested)
            {
                job.End(JobState.Failed, "the server stopped before it ran");
                continue;
            }

            try
            {
                job.Begin();
                Directory.CreateDirectory(job.Dir);
                await work(job.Dir, new InlineProgress<StudyProgress>(p => job.Report(p.Fraction)), stopping.Token);
                job.End(JobState.Done, null);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                job.End(JobState.Failed, "the server stopped while it ran");
            }
            catch (Exception e)
            {
                job.End(JobState.Failed, e.Message);
            }
        }
    }

    /// <summary>Stops: the running job is cancelled and the waiting ones end as failed.</summary>
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        queue.Writer.TryComplete();
        try
        {
            await worker.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            // a job that does not notice the cancellation is left to the process's exit
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using Forecast.Grains;
using Xunit.Abstractions;

namespace Forecast.Cluster.Tests;

/// <summary>
/// The cluster suite (issue 4): real silo processes on a local Redis, started with
/// scripts/cluster-up.sh, driven through the `forecast` CLI. Tests of this class run one after
/// another on a shared three-silo cluster; each first makes sure three silos are up.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class ClusterTests(ThreeSiloCluster shared, ITestOutputHelper output) : IClassFixture<ThreeSiloCluster>
{
    private const string Trials = "400";
    private const string Batch = "100";

    private LocalCluster Cluster => shared.Cluster;

    [ClusterFact]
    public async Task Three_silos_form_a_cluster_and_a_runs_shards_spread_over_them()
    {
        var clock = Stopwatch.StartNew();
        await Cluster.Ensure(3);
        using var client = await Cluster.Client();
        var hosts = await client.Grains().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(3, hosts.Count);
        Assert.Equal(Cluster.Silos.Select(s => s.SiloPort).Order(), hosts.Keys.Select(h => h.Endpoint.Port).Order());

        var dir = Processes.TempDir("placement");
        var detach = await Processes.Forecast(dir, "run", "--trials", Trials, "--batch", Batch, "--seed", "2", "--connect", Cluster.Address,
            "--cluster-id", Cluster.ClusterId, "--detach");
        Processes.Ok(detach, "run --detach");
        var id = Guid.Parse(detach.Stdout.Trim());
        var wait = await Processes.Forecast(dir, "runs", "wait", id.ToString(), "--out", "A", "--connect", Cluster.Address, "--cluster-id", Cluster.ClusterId);
        Processes.Ok(wait, "runs wait");

        var status = await client.Grains().GetGrain<ICoordinatorGrain>(id).Status();
        Assert.Equal(Forecast.Engines.RunState.Done, status.State);
        Assert.Equal(3, status.Shards); // one shard per active silo
        var shardSilos = new List<string>();
        for (var k = 0; k < status.Shards; k++)
        {
            shardSilos.Add(await client.Grains().GetGrain<ISiloProbe>($"{id:N}/{k}").Silo());
        }

        Assert.Equal(3, shardSilos.Distinct().Count()); // shard k on the k-th silo
        var stats = await client.Grains().GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        var agentSilos = stats.Where(s => s.GrainType.Contains("EnterpriseGrain", StringComparison.Ordinal) && s.ActivationCount > 0)
            .Select(s => s.SiloAddress).Distinct().Count();
        Assert.Equal(3, agentSilos); // the agents follow their shard
        Report($"formation+placement: {clock.Elapsed.TotalSeconds:F1} s");
    }

    [ClusterFact]
    public async Task A_planner_study_writes_the_same_bytes_on_three_silos_as_on_the_local_engine()
    {
        var clock = Stopwatch.StartNew();
        await Cluster.Ensure(3);
        var dir = Processes.TempDir("study");
        string[] study = ["sensitivity", "--lever", "coaching-coverage", "--lever", "new-incubators-per-year", "--trials", "200", "--batch", "100", "--seed", "3"];
        var local = await Processes.Forecast(dir, [.. study, "--out", "L", "--engine", "local"]);
        Processes.Ok(local, "local sensitivity");
        var three = await Processes.Forecast(dir, [.. study, "--out", "T", "--connect", Cluster.Address, "--cluster-id", Cluster.ClusterId]);
        Processes.Ok(three, "three-silo sensitivity");

        foreach (var file in new[] { "sensitivity.json", "sensitivity.csv", "forecast.json" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "L", file)), File.ReadAllBytes(Path.Combine(dir, "T", file)));
        }

        Report($"study (5 runs; local {local.Elapsed.TotalSeconds:F1} s, three silos {three.Elapsed.TotalSeconds:F1} s): {clock.Elapsed.TotalSeconds:F1} s");
    }

    [ClusterFact]
    public async Task The_same_run_gives_byte_identical_forecasts_on_the_embedded_silo_one_silo_and_three_silos()
    {
        var clock = Stopwatch.StartNew();
        await Cluster.Ensure(3);
        var dir = Processes.TempDir("identical");
        string[] run = ["run", "--trials", Trials, "--batch", Batch, "--seed", "7"];
        var embedded = await Processes.Forecast(dir, [.. run, "--out", "E"]);
        Processes.Ok(embedded, "embedded run");
        var three = await Processes.Forecast(dir, [.. run, "--out", "T", "--connect", Cluster.Address, "--cluster-id", Cluster.ClusterId]);
        Processes.Ok(three, "three-silo run");

        await using (var one = LocalCluster.OnFreePorts("one", 1))
        {
            await one.Up(1);
            var single = await Processes.Forecast(dir, [.. run, "--out", "O", "--connect", one.Address, "--cluster-id", one.ClusterId]);
            Processes.Ok(single, "one-silo run");
        }

        var bytes = File.ReadAllBytes(Path.Combine(dir, "E", "forecast.json"));
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(dir, "T", "forecast.json")));
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(dir, "O", "forecast.json")));
        Report($"identical (embedded {embedded.Elapsed.TotalSeconds:F1} s, three silos {three.Elapsed.TotalSeconds:F1} s): {clock.Elapsed.TotalSeconds:F1} s");
    }

    [ClusterFact]
    public async Task Killing_the_coordinators_silo_mid_run_resumes_from_the_last_checkpoint_with_identical_results()
    {
        var clock = Stopwatch.StartNew();
        await Cluster.Ensure(3);
        var dir = Processes.TempDir("kill");
        string[] run = ["run", "--trials", "3000", "--batch", "500", "--seed", "13"];
        var id = await ReferenceThenDetached(dir, run);
        var (victim, checkpointsAtKill) = await CoordinatorSilo(id, checkpoints: 2);
        LocalCluster.Kill(victim); // SIGKILL the silo holding the coordinator

        var killedAt = clock.Elapsed;
        var wait = await Processes.Forecast(dir, "runs", "wait", id.ToString(), "--out", "K", "--connect", Cluster.Address, "--cluster-id", Cluster.ClusterId);
        Processes.Ok(wait, "runs wait after the kill");
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "E", "forecast.json")), File.ReadAllBytes(Path.Combine(dir, "K", "forecast.json")));

        using (var client = await Cluster.Client())
        {
            var coordinator = client.Grains().GetGrain<ICoordinatorGrain>(id);
            var status = await coordinator.Status();
            var checkpoints = await coordinator.Checkpoints();
            Assert.Equal(Forecast.Engines.RunState.Done, status.State);
            Assert.True(status.Resumes >= 1, $"the run was not resumed (status {status})");

            // Every batch was checkpointed exactly once, in order: nothing was recomputed after being saved.
            Assert.Equal(6, checkpoints.Length);
            Assert.Equal(Enumerable.Range(0, 6).Select(b => b * 500), checkpoints.Select(c => c.FirstTrial));

            // The batches saved before the kill came from the killed silo's activation and were kept;
            // the new activation resumed right after them.
            var before = checkpoints.Where(c => c.Activation == 1).ToList();
            Assert.True(before.Count >= checkpointsAtKill, $"{before.Count} checkpoints of the first activation, {checkpointsAtKill} seen before the kill");
            Assert.All(before, c => Assert.Equal(victim.SiloPort, SiloPort(c.Silo)));
            Assert.Equal(before.Sum(c => c.Trials), status.ResumedAtTrial);
            Assert.True(status.ResumedAtTrial > 0);
            Assert.All(checkpoints.Where(c => c.Activation > 1), c => Assert.NotEqual(victim.SiloPort, SiloPort(c.Silo)));
            Report(string.Create(CultureInfo.InvariantCulture,
                $"kill: {checkpointsAtKill} checkpoints at the kill ({killedAt.TotalSeconds:F1} s), resumed at trial {status.ResumedAtTrial}, wait {wait.Elapsed.TotalSeconds:F1} s, total {clock.Elapsed.TotalSeconds:F1} s"));
        }
    }

    [ClusterFact]
    public async Task A_detached_run_whose_coordinators_silo_dies_resumes_and_finishes_with_nobody_asking()
    {
        var clock = Stopwatch.StartNew();
        await Cluster.Ensure(3);
        var dir = Processes.TempDir("unattended");
        string[] run = ["run", "--trials", "3000", "--batch", "500", "--seed", "21"];
        var id = await ReferenceThenDetached(dir, run);
        var (victim, _) = await CoordinatorSilo(id, checkpoints: 1);

        // the client is gone; the coordinator's silo dies; nobody calls the cluster until the survivors' logs say the run finished
        LocalCluster.Kill(victim);
        var killedAt = clock.Elapsed;
        var survivors = Cluster.Silos.Where(s => s.Index != victim.Index).Select(s => Path.Combine(Cluster.StateDir, $"silo-{s.Index}.log")).ToList();
        var finishedLine = $"run {id}: finished after resuming";
        var deadline = Stopwatch.StartNew();
        while (!survivors.Any(log => File.Exists(log) && ReadShared(log).Contains(finishedLine, StringComparison.Ordinal)))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(3), $"the run did not finish by itself within 3 minutes of the kill; survivors' logs:\n{string.Join("\n", survivors.Select(ReadShared))}");
            await Task.Delay(500);
        }

        var finishedAfter = clock.Elapsed - killedAt;
        var wait = await Processes.Forecast(dir, "runs", "wait", id.ToString(), "--out", "U", "--connect", Cluster.Address, "--cluster-id", Cluster.ClusterId);
        Processes.Ok(wait, "runs wait after it finished");
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "E", "forecast.json")), File.ReadAllBytes(Path.Combine(dir, "U", "forecast.json")));
        Report(string.Create(CultureInfo.InvariantCulture, $"unattended: finished {finishedAfter.TotalSeconds:F1} s after the kill with no client call, total {clock.Elapsed.TotalSeconds:F1} s"));
    }

    /// <summary>Runs <paramref name="run"/> on the embedded silo into DIR/E (the reference bytes), then submits it detached to the cluster; its id.</summary>
    private async Task<Guid> ReferenceThenDetached(string dir, string[] run)
    {
        Processes.Ok(await Processes.Forecast(dir, [.. run, "--out", "E"]), "embedded run");
        var detach = await Processes.Forecast(dir, [.. run, "--connect", Cluster.Address, "--cluster-id", Cluster.ClusterId, "--detach"]);
        Processes.Ok(detach, "run --detach");
        return Guid.Parse(detach.Stdout.Trim());
    }

    /// <summary>The silo holding run <paramref name="id"/>'s coordinator, once it has checkpointed <paramref name="checkpoints"/> batches (and how many it had).</summary>
    private async Task<(SiloProcess Silo, int Checkpoints)> CoordinatorSilo(Guid id, int checkpoints)
    {
        using var client = await Cluster.Client();
        var coordinator = client.Grains().GetGrain<ICoordinatorGrain>(id);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var seen = await coordinator.Checkpoints();
            if (seen.Length >= checkpoints)
            {
                return (Cluster.Silos.Single(s => s.SiloPort == SiloPort(seen[^1].Silo)), seen.Length);
            }

            Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), $"not {checkpoints} checkpoints within 2 minutes");
            await Task.Delay(50);
        }
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    [ClusterFact]
    public async Task Restarting_every_silo_loses_no_finished_run()
    {
        var clock = Stopwatch.StartNew();
        await Cluster.Ensure(3);
        var dir = Processes.TempDir("restart");
        var detach = await Processes.Forecast(dir, "run", "--trials", Trials, "--batch", Batch, "--seed", "17", "--connect", Cluster.Address,
            "--cluster-id", Cluster.ClusterId, "--detach");
        Processes.Ok(detach, "run --detach");
        var id = detach.Stdout.Trim();
        Processes.Ok(await Processes.Forecast(dir, "runs", "wait", id, "--out", "A", "--connect", Cluster.Address, "--cluster-id", Cluster.ClusterId), "runs wait");

        await Cluster.Down(keepRedis: true);
        Assert.All(Cluster.Silos, s => Assert.False(s.Alive));
        await Cluster.Up(3);

        var list = await Processes.Forecast(dir, "runs", "list", "--connect", Cluster.Address, "--cluster-id", Cluster.ClusterId);
        Processes.Ok(list, "runs list");
        Assert.Contains(list.Stdout.Split('\n'), l => l.StartsWith(id, StringComparison.Ordinal) && l.Contains(" done ", StringComparison.Ordinal));
        var show = await Processes.Forecast(dir, "runs", "show", id, "--connect", Cluster.Address, "--cluster-id", Cluster.ClusterId);
        Processes.Ok(show, "runs show");
        Assert.Contains("state      done", show.Stdout);
        Processes.Ok(await Processes.Forecast(dir, "runs", "wait", id, "--out", "B", "--connect", Cluster.Address, "--cluster-id", Cluster.ClusterId), "runs wait after the restart");
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "A", "forecast.json")), File.ReadAllBytes(Path.Combine(dir, "B", "forecast.json")));

        var unknown = await Processes.Forecast(dir, "runs", "show", Guid.NewGuid().ToString(), "--connect", Cluster.Address, "--cluster-id", Cluster.ClusterId);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no run", unknown.Stderr);
        Report($"restart: {clock.Elapsed.TotalSeconds:F1} s");
    }

    [ClusterFact]
    public async Task Eight_runs_from_four_clients_at_once_each_match_the_same_run_alone()
    {
        var clock = Stopwatch.StartNew();
        await Cluster.Ensure(3);
        var dir = Processes.TempDir("load");
        var seeds = Enumerable.Range(31, 8).ToArray();
        string[] Run(int seed) => ["run", "--trials", Trials, "--batch", Batch, "--seed", seed.ToString(CultureInfo.InvariantCulture), "--connect", Cluster.Address, "--cluster-id", Cluster.ClusterId];

        // Alone: one after another.
        var alone = new Dictionary<int, TimeSpan>();
        var aloneClock = Stopwatch.StartNew();
        foreach (var seed in seeds)
        {
            var r = await Processes.Forecast(dir, [.. Run(seed), "--out", $"alone-{seed}"]);
            Processes.Ok(r, $"run {seed} alone");
            alone[seed] = r.Elapsed;
        }

        var aloneTotal = aloneClock.Elapsed;

        // At once: four clients, each submitting two runs and then waiting for both.
        var loadClock = Stopwatch.StartNew();
        var perRun = new System.Collections.Concurrent.ConcurrentDictionary<int, TimeSpan>();
        var clients = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            var mine = seeds.Skip(2 * c).Take(2).ToArray();
            var ids = new List<(int Seed, string Id, Stopwatch Clock)>();
            foreach (var seed in mine)
            {
                var started = Stopwatch.StartNew();
                var r = await Processes.Forecast(dir, [.. Run(seed), "--detach"]);
                Processes.Ok(r, $"client {c}: run {seed} --detach");
                ids.Add((seed, r.Stdout.Trim(), started));
            }

            foreach (var (seed, id, started) in ids)
            {
                var r = await Processes.Forecast(dir, "runs", "wait", id, "--out", $"load-{seed}", "--connect", Cluster.Address, "--cluster-id", Cluster.ClusterId);
                Processes.Ok(r, $"client {c}: runs wait {id}");
                perRun[seed] = started.Elapsed;
            }
        })).ToArray();
        await Task.WhenAll(clients);
        var loadTotal = loadClock.Elapsed;

        foreach (var seed in seeds)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, $"alone-{seed}", "forecast.json")), File.ReadAllBytes(Path.Combine(dir, $"load-{seed}", "forecast.json")));
        }

        Report(string.Create(CultureInfo.InvariantCulture,
            $"load: 8 runs x {Trials} trials alone one after another {aloneTotal.TotalSeconds:F1} s (per run {string.Join(", ", seeds.Select(s => alone[s].TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)))} s); " +
            $"at once from 4 clients {loadTotal.TotalSeconds:F1} s (per run, submit to result {string.Join(", ", seeds.Select(s => perRun[s].TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)))} s); test {clock.Elapsed.TotalSeconds:F1} s"));
    }

    private static int SiloPort(string siloIdentity) =>
        int.Parse(siloIdentity.Split(':')[1], CultureInfo.InvariantCulture); // "S127.0.0.1:PORT:GENERATION"

    private void Report(string line)
    {
        output.WriteLine(line);
        Processes.Time(line);
    }
}

using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Forecast.Cluster.Tests;

/// <summary>
/// Durable state (issue 14): Redis keeps an append-only file in the cluster's state folder, fsynced every
/// second, so a Redis killed with SIGKILL and restarted on the same folder still has every finished run.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class DurableStateTests(ITestOutputHelper output)
{
    [ClusterFact]
    public async Task Redis_killed_after_runs_finish_and_restarted_on_its_folder_still_has_every_run_and_its_result()
    {
        var clock = Stopwatch.StartNew();
        await using var cluster = LocalCluster.OnFreePorts("durable", 1);
        await cluster.Up(1);
        var dir = Processes.TempDir("durable");
        string[] connect = ["--connect", cluster.Address, "--cluster-id", cluster.ClusterId];
        var ids = new List<string>();
        foreach (var seed in new[] { "5", "6" })
        {
            var detach = await Processes.Forecast(dir, ["run", "--trials", "300", "--batch", "100", "--seed", seed, "--detach", .. connect]);
            Processes.Ok(detach, "run --detach");
            var id = detach.Stdout.Trim();
            Processes.Ok(await Processes.Forecast(dir, ["runs", "wait", id, "--out", $"before-{id}", .. connect]), "runs wait");
            ids.Add(id);
        }

        // past the append-only file's one-second fsync, then the hard way: SIGKILL, no shutdown, no save
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var redisPid = int.Parse(File.ReadAllText(Path.Combine(cluster.StateDir, "redis.pid")).Trim(), CultureInfo.InvariantCulture);
        using (var redis = Process.GetProcessById(redisPid))
        {
            redis.Kill();
            redis.WaitForExit(10_000);
        }

        Assert.True(File.Exists(Path.Combine(cluster.StateDir, "redis.conf")));
        Processes.Ok(await Processes.Run("redis-server", [Path.Combine(cluster.StateDir, "redis.conf")], cluster.StateDir, TimeSpan.FromSeconds(30)), "redis-server restart");

        var list = await Processes.Forecast(dir, ["runs", "list", .. connect]);
        Processes.Ok(list, "runs list after the restart");
        foreach (var id in ids)
        {
            Assert.Contains(list.Stdout.Split('\n'), l => l.StartsWith(id, StringComparison.Ordinal) && l.Contains(" done ", StringComparison.Ordinal));
            Processes.Ok(await Processes.Forecast(dir, ["runs", "wait", id, "--out", $"after-{id}", .. connect]), "runs wait after the restart");
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, $"before-{id}", "forecast.json")), File.ReadAllBytes(Path.Combine(dir, $"after-{id}", "forecast.json")));
        }

        output.WriteLine($"durable: {clock.Elapsed.TotalSeconds:F1} s");
        Processes.Time($"durable: {clock.Elapsed.TotalSeconds:F1} s");
    }
}

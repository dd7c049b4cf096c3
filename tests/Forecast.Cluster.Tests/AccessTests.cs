using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Forecast.Cluster.Tests;

/// <summary>
/// Access (issue 14): a password-protected Redis works end to end; a wrong or missing password exits 2
/// without echoing it; the password appears in no log, run.json, `runs show` or process listing of the
/// scripts' own commands; silos and gateways listen on 127.0.0.1.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class AccessTests(ITestOutputHelper output)
{
    private const string Password = "pw-8c1f2e7a-loopback-only";

    [ClusterFact]
    public async Task A_password_cluster_works_end_to_end_refuses_wrong_passwords_and_never_shows_the_password()
    {
        var clock = Stopwatch.StartNew();
        await using var cluster = LocalCluster.OnFreePorts("access", 1, Password);
        await cluster.Up(1);
        var dir = Processes.TempDir("access");

        // the scripts' own processes: no password in their command lines
        var listing = await Processes.Run("ps", ["-eo", "args"], dir, TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(Password, listing.Stdout);

        string[] id = ["--cluster-id", cluster.ClusterId];
        var run = await Processes.Forecast(dir, ["run", "--trials", "200", "--batch", "100", "--connect", cluster.Address, "--out", "A", .. id]);
        Processes.Ok(run, "run with the password");
        var fromEnvironment = await Processes.ForecastWith(dir, new Dictionary<string, string> { ["FORECAST_REDIS_PASSWORD"] = Password },
            ["run", "--trials", "200", "--batch", "100", "--connect", cluster.PlainAddress, "--out", "B", .. id]);
        Processes.Ok(fromEnvironment, "run with the password in FORECAST_REDIS_PASSWORD");
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "A", "forecast.json")), File.ReadAllBytes(Path.Combine(dir, "B", "forecast.json")));

        var wrong = await Processes.Forecast(dir, ["run", "--trials", "200", "--connect", $"redis://:not-{Password}@127.0.0.1:{cluster.RedisPort}", "--out", "C", .. id]);
        var missing = await Processes.Forecast(dir, ["run", "--trials", "200", "--connect", cluster.PlainAddress, "--out", "D", .. id]);
        foreach (var (refused, what) in new[] { (wrong, "a wrong password"), (missing, "no password") })
        {
            Assert.True(refused.ExitCode == 2, $"{what}: exit {refused.ExitCode}\n{refused.Stderr}");
            Assert.Contains("--connect", refused.Stderr);
            Assert.DoesNotContain(Password, refused.Stderr + refused.Stdout);
        }

        Assert.False(Directory.Exists(Path.Combine(dir, "C")));
        var detached = await Processes.Forecast(dir, ["run", "--trials", "200", "--batch", "100", "--connect", cluster.Address, "--detach", .. id]);
        Processes.Ok(detached, "run --detach");
        var show = await Processes.Forecast(dir, ["runs", "show", detached.Stdout.Trim(), "--connect", cluster.Address, .. id]);
        Processes.Ok(show, "runs show");

        // nowhere it writes: results, run.json, the listing, the logs
        Assert.DoesNotContain(Password, File.ReadAllText(Path.Combine(dir, "A", "run.json")));
        Assert.DoesNotContain(Password, show.Stdout + show.Stderr + run.Stdout + run.Stderr);
        foreach (var log in Directory.GetFiles(cluster.StateDir, "*.log"))
        {
            Assert.DoesNotContain(Password, File.ReadAllText(log));
        }

        // silos and gateways listen on loopback only
        var listening = ListeningAddresses();
        foreach (var silo in cluster.Silos)
        {
            foreach (var port in new[] { silo.SiloPort, silo.GatewayPort })
            {
                var addresses = listening.Where(l => l.Port == port).Select(l => l.Address).ToList();
                Assert.NotEmpty(addresses);
                Assert.All(addresses, a => Assert.Equal("127.0.0.1", a));
            }
        }

        output.WriteLine($"access: {clock.Elapsed.TotalSeconds:F1} s");
        Processes.Time($"access: {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>IPv4 and IPv6 sockets in LISTEN state, from /proc/net/tcp and tcp6.</summary>
    private static List<(string Address, int Port)> ListeningAddresses()
    {
        var found = new List<(string, int)>();
        foreach (var file in new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists))
        {
            foreach (var line in File.ReadAllLines(file).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 4 || fields[3] != "0A")
                {
                    continue;
                }

                var (hex, portHex) = (fields[1].Split(':')[0], fields[1].Split(':')[1]);
                var port = int.Parse(portHex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                found.Add((hex.Length == 8 ? string.Join('.', Enumerable.Range(0, 4).Select(i => Convert.ToInt32(hex.Substring(6 - (2 * i), 2), 16))) : $"ipv6:{hex}", port));
            }
        }

        return found;
    }
}

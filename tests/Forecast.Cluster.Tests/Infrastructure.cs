using System.Diagnostics;
using System.Net.Sockets;
using Forecast.Grains;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Forecast.Cluster.Tests;

/// <summary>
/// A [Fact] of the cluster suite: skipped (not failed) when redis-server is not installed or
/// FORECAST_SKIP_CLUSTER=1, so `dotnet test Forecast.sln` passes quickly where Redis is absent.
/// </summary>
public sealed class ClusterFactAttribute : FactAttribute
{
    public ClusterFactAttribute()
    {
        if (SkipReason() is { } reason)
        {
            Skip = reason;
        }
    }

    public static string? SkipReason()
    {
        if (Environment.GetEnvironmentVariable("FORECAST_SKIP_CLUSTER") == "1")
        {
            return "FORECAST_SKIP_CLUSTER=1";
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "redis-server")))
            ? null
            : "redis-server is not installed (scripts/ci-cluster.sh installs it)";
    }
}

public sealed record CliResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed);

/// <summary>Runs the real `forecast` program (forecast.dll, copied beside the tests) and the cluster scripts.</summary>
public static class Processes
{
    public static string RepoRoot { get; } = FindRoot();

    public static string Seeds => Path.Combine(RepoRoot, "seeds");

    public static Task<CliResult> Forecast(string workDir, params string[] args) =>
        Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "forecast.dll"), .. args], workDir, TimeSpan.FromMinutes(5));

    /// <summary>The program with extra environment variables.</summary>
    public static Task<CliResult> ForecastWith(string workDir, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "forecast.dll"), .. args], workDir, TimeSpan.FromMinutes(5), environment);

    public static Task<CliResult> Script(string name, params string[] args) =>
        Run("bash", [Path.Combine(RepoRoot, "scripts", name), .. args], RepoRoot, TimeSpan.FromMinutes(3));

    public static async Task<CliResult> Run(string file, string[] args, string workDir, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["FORECAST_SEEDS"] = Seeds;
        start.Environment["NO_COLOR"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr, clock.Elapsed);
    }

    public static string TempDir(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "forecast-cluster-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static void Ok(CliResult r, string what) =>
        Assert.True(r.ExitCode == 0, $"{what} exited {r.ExitCode}\n{r.Stderr}\n{r.Stdout}");

    /// <summary>Appends a line to the suite's timing log (printed by scripts/ci-cluster.sh).</summary>
    public static void Time(string line)
    {
        var file = Path.Combine(Path.GetTempPath(), "forecast-cluster-tests", "times.log");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.AppendAllText(file, $"{DateTime.UtcNow:HH:mm:ss} {line}{Environment.NewLine}");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Forecast.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }
}

/// <summary>One silo process of a <see cref="LocalCluster"/>.</summary>
public sealed record SiloProcess(int Index, int Pid, int SiloPort, int GatewayPort)
{
    /// <summary>Running (not a zombie: an orphaned silo may wait for a reaper that a container lacks).</summary>
    public bool Alive
    {
        get
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{Pid}/stat");
                return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() is not ('Z' or 'X');
            }
            catch (IOException)
            {
                return false;
            }
        }
    }
}

/// <summary>Redis and silo processes started by scripts/cluster-up.sh into a state dir of their own.</summary>
public sealed class LocalCluster(string name, int redisPort, int siloPort, int gatewayPort) : IAsyncDisposable
{
    public string StateDir { get; } = Processes.TempDir($"cluster-{name}");

    public string ClusterId { get; } = $"forecast-test-{name}";

    /// <summary>Redis's password (null: none); the address then carries it.</summary>
    public string? Password { get; init; }

    public string Address => Password is null ? $"redis://127.0.0.1:{redisPort}" : $"redis://:{Password}@127.0.0.1:{redisPort}";

    /// <summary>The address without the password.</summary>
    public string PlainAddress => $"redis://127.0.0.1:{redisPort}";

    public int RedisPort => redisPort;

    public bool Started { get; private set; }

    public IReadOnlyList<SiloProcess> Silos =>
        File.Exists(Path.Combine(StateDir, "silos"))
            ? File.ReadAllLines(Path.Combine(StateDir, "silos")).Where(l => l.Length > 0)
                .Select(l => l.Split(' ').Select(int.Parse).ToArray())
                .Select(f => new SiloProcess(f[0], f[1], f[2], f[3])).ToList()
            : [];

    public async Task Up(int silos)
    {
        string[] password = Password is null ? [] : ["--password", Password];
        var r = await Processes.Script("cluster-up.sh", [silos.ToString(), "--port", redisPort.ToString(), "--silo-port", siloPort.ToString(),
            "--gateway-port", gatewayPort.ToString(), "--cluster-id", ClusterId, "--state", StateDir, "--no-build", .. password]);
        Processes.Ok(r, "cluster-up.sh");
        Assert.Contains(PlainAddress.Replace("redis://", "", StringComparison.Ordinal), r.Stdout);
        Started = true;
    }

    public async Task Down(bool keepRedis = false)
    {
        var r = keepRedis
            ? await Processes.Script("cluster-down.sh", "--state", StateDir, "--keep-redis")
            : await Processes.Script("cluster-down.sh", "--state", StateDir);
        Processes.Ok(r, "cluster-down.sh");
    }

    /// <summary>Makes sure exactly <paramref name="n"/> silos of this cluster are running (restarting them if one was killed).</summary>
    public async Task Ensure(int n)
    {
        if (Started && Silos.Count == n && Silos.All(s => s.Alive))
        {
            return;
        }

        if (Started)
        {
            await Down(keepRedis: true);
        }

        await Up(n);
    }

    /// <summary>
    /// Starts silo <paramref name="silo"/> again on its ports, as cluster-up.sh does (the Redis address in its environment),
    /// and records its new pid in the state dir so cluster-down.sh stops it.
    /// </summary>
    public SiloProcess Restart(SiloProcess silo)
    {
        var dll = Path.Combine(Processes.RepoRoot, "silo", "Forecast.Silo", "bin", "Release", "net10.0", "forecast-silo.dll");
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList =
            {
                "-c",
                $"nohup dotnet '{dll}' --Forecast:ClusterId='{ClusterId}' --Forecast:SiloPort={silo.SiloPort} --Forecast:GatewayPort={silo.GatewayPort} --Forecast:Address=127.0.0.1 >>'{Path.Combine(StateDir, $"silo-{silo.Index}.log")}' 2>&1 </dev/null & echo $!",
            },
            RedirectStandardOutput = true,
        };
        start.Environment["FORECAST_Forecast__Redis"] = Address;
        using var shell = Process.Start(start)!;
        var pid = int.Parse(shell.StandardOutput.ReadToEnd().Trim(), System.Globalization.CultureInfo.InvariantCulture);
        shell.WaitForExit();
        var restarted = silo with { Pid = pid };
        File.WriteAllText(Path.Combine(StateDir, $"silo-{silo.Index}.pid"), $"{pid}\n");
        var lines = File.ReadAllLines(Path.Combine(StateDir, "silos"))
            .Select(l => l.Split(' ')[0] == silo.Index.ToString(System.Globalization.CultureInfo.InvariantCulture) ? $"{silo.Index} {pid} {silo.SiloPort} {silo.GatewayPort}" : l);
        File.WriteAllLines(Path.Combine(StateDir, "silos"), lines);
        return restarted;
    }

    /// <summary>SIGKILL (Process.Kill on Unix sends SIGKILL).</summary>
    public static void Kill(SiloProcess silo)
    {
        using var p = Process.GetProcessById(silo.Pid);
        p.Kill();
        p.WaitForExit(10_000);
    }

    public async Task<IHost> Client()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        var redis = RedisAddress.Parse(Address);
        builder.UseOrleansClient(c =>
        {
            c.UseRedisClustering(o => o.ConfigurationOptions = redis);
            c.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ClusterId));
            c.Configure<GatewayOptions>(g => g.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        if (Started)
        {
            await Down();
        }
    }

    /// <summary>A cluster of up to <paramref name="silos"/> silos on free ports (silo ports, then gateway ports, one run).</summary>
    public static LocalCluster OnFreePorts(string name, int silos, string? password = null)
    {
        var run = FreeRun(2 * silos);
        return new LocalCluster(name, FreePort(), run, run + silos) { Password = password };
    }

    /// <summary>A port free right now on loopback (for Redis).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// The first of <paramref name="count"/> consecutive loopback ports free right now, picked at random
    /// in 20000..28999 (silo i uses base + i), so two suites on one machine do not collide.
    /// </summary>
    public static int FreeRun(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var start = System.Random.Shared.Next(20_000, 29_000 - count);
            if (Enumerable.Range(start, count).All(IsFree))
            {
                return start;
            }
        }

        throw new InvalidOperationException($"no {count} consecutive free ports in 20000..28999");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>The three-silo cluster the tests share, started on first use and stopped at the end.</summary>
public sealed class ThreeSiloCluster : IAsyncLifetime
{
    public LocalCluster Cluster { get; } = LocalCluster.OnFreePorts("three", 3);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

public static class HostExtensions
{
    public static IClusterClient Grains(this IHost host) => host.Services.GetRequiredService<IClusterClient>();
}

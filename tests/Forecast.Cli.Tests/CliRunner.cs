using System.Diagnostics;

namespace Forecast.Cli.Tests;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs the real `forecast` program (forecast.dll, copied beside the tests) in its own process.</summary>
public static class CliRunner
{
    public static string RepoRoot { get; } = FindRoot();

    public static string Seeds => Path.Combine(RepoRoot, "seeds");

    public static CliResult Run(string workDir, params string[] args) => RunWith(workDir, null, args);

    /// <summary>Runs the program with extra environment variables.</summary>
    public static CliResult RunWith(string workDir, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "forecast.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["FORECAST_SEEDS"] = Seeds;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(4)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"forecast {string.Join(' ', args)} did not finish");
        }

        return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "forecast-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
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

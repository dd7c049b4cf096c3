using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Forecast.Cli.Tests;

/// <summary>`forecast serve` as a user starts it: a run submitted on the page is the bytes `forecast run` writes; unsafe or impossible options exit 2.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task A_run_submitted_to_forecast_serve_writes_the_bytes_forecast_run_writes_for_its_scenario_and_ctrl_c_stops_it()
    {
        var dir = CliRunner.TempDir();
        using var server = Start(dir, "serve", "--engine", "local", "--port", "0", "--out", "served");
        try
        {
            var url = await AddressOf(server);
            using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
            var submitted = await http.PostAsync("api/runs", new StringContent(
                """{"scenario": "more-coaching", "levers": {"hte-reward": 0.5}, "trials": 300, "seed": 4}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
            var id = JsonNode.Parse(await submitted.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
            Assert.Contains("event: done", await http.GetStringAsync($"api/jobs/{id}/events"));

            var job = Path.Combine(dir, "served", id);
            var run = CliRunner.Run(dir, "run", "--engine", "local", "--scenario", Path.Combine(job, "scenario.yaml"), "--trials", "300", "--seed", "4", "--out", "cli");
            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "cli", "forecast.json")), File.ReadAllBytes(Path.Combine(job, "forecast.json")));
        }
        finally
        {
            // Ctrl+C: the server stops and exits 0
            Process.Start("kill", ["-INT", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            Assert.True(server.WaitForExit(TimeSpan.FromSeconds(30)), "forecast serve did not stop on SIGINT");
        }

        Assert.Equal(0, server.ExitCode);
    }

    [Theory]
    [InlineData("--token", "--address", "0.0.0.0")]
    [InlineData("--token", "--address", "0.0.0.0", "--token", "too-short")]
    [InlineData("--address", "--address", "not-an-address")]
    [InlineData("--port", "--port", "70000")]
    public void Serve_options_that_would_expose_the_engine_or_cannot_work_exit_2_before_anything_starts(string option, params string[] args)
    {
        var dir = CliRunner.TempDir();
        var result = CliRunner.Run(dir, ["serve", "--engine", "local", "--out", "served", .. args]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option, result.Stderr);
        Assert.DoesNotContain("too-short", result.Stderr);
        Assert.False(Directory.Exists(Path.Combine(dir, "served")));
    }

    [Fact]
    public void A_port_already_taken_exits_2_naming_the_port()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var result = CliRunner.Run(CliRunner.TempDir(), "serve", "--engine", "local", "--port", port);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--port", result.Stderr);
        Assert.Contains(port, result.Stderr);
    }

    private static Process Start(string workDir, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "forecast.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["FORECAST_SEEDS"] = CliRunner.Seeds;
        return Process.Start(start)!;
    }

    /// <summary>The page's address from the line `forecast serve` prints when it listens.</summary>
    private static async Task<Uri> AddressOf(Process server)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await server.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var at = line.IndexOf("http://", StringComparison.Ordinal);
            if (at >= 0)
            {
                return new Uri(line[at..].Split(' ')[0]);
            }
        }

        throw new InvalidOperationException($"forecast serve printed no address: {await server.StandardError.ReadToEndAsync()}");
    }
}

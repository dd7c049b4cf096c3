using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Forecast.Engines;
using Forecast.Web;
using Microsoft.AspNetCore.Builder;

namespace Forecast.Web.Tests;

/// <summary>The page's server on 127.0.0.1 (any free port) over an engine, writing into its own temporary folder.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly IForecastEngine engine;

    private TestServer(WebApplication app, IForecastEngine engine, string outDir, Uri address)
    {
        this.app = app;
        this.engine = engine;
        OutDir = outDir;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(3) };
    }

    public static string RepoRoot { get; } = FindRoot();

    public static string Seeds => Path.Combine(RepoRoot, "seeds");

    public string OutDir { get; }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public static async Task<TestServer> Start(IForecastEngine? engine = null, string? token = null)
    {
        engine ??= new LocalEngine();
        var outDir = Path.Combine(Path.GetTempPath(), "forecast-web-tests", Guid.NewGuid().ToString("N"));
        var app = ForecastWeb.Build(engine, new WebSettings(Seeds, outDir, IPAddress.Loopback, 0, token));
        await app.StartAsync();
        return new TestServer(app, engine, outDir, ForecastWeb.Address(app));
    }

    /// <summary>POSTs <paramref name="body"/> as JSON.</summary>
    public Task<HttpResponseMessage> Post(string path, string body) =>
        Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    /// <summary>Submits a job and follows its events to the end; returns the job's final status.</summary>
    public async Task<JsonObject> RunJob(string path, string body)
    {
        var response = await Post(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{path}: {(int)response.StatusCode} {text}");
        var id = JsonNode.Parse(text)!["id"]!.GetValue<string>();
        var events = await Http.GetStringAsync($"api/jobs/{id}/events");
        Assert.Contains("event: done", events);
        return (await Http.GetFromJsonAsync<JsonObject>($"api/jobs/{id}"))!;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
        await engine.DisposeAsync();
        if (Directory.Exists(OutDir))
        {
            Directory.Delete(OutDir, recursive: true);
        }
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

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Model;
using Forecast.Reports;
using Forecast.Reports.Html;
using Forecast.Reports.Spreadsheet;
using Forecast.Running;
using Forecast.Studies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Forecast.Web;

/// <summary>
/// The planners' page and its JSON API over any engine: choose a scenario, move levers within their
/// ranges, run with live progress (server-sent events), compare two runs, run a sensitivity study,
/// download the report and the workbook. Every job writes the same files as the CLI's command does.
/// </summary>
public static class ForecastWeb
{
    public const string TokenQuery = "token";

    private const string TokenCookie = "forecast-token";

    private const int MaxBody = 64 * 1024;

    /// <summary>The web application on <paramref name="engine"/>, listening where <paramref name="settings"/> say (not started).</summary>
    public static WebApplication Build(IForecastEngine engine, WebSettings settings)
    {
        if (settings.Check() is { } problem)
        {
            throw new InputException("command line", problem.Option, null, problem.Problem);
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "forecast" });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(settings.Address, settings.Port));
        var board = new JobBoard(settings.OutDir);
        builder.Services.AddSingleton(_ => board); // made by a factory, so the host disposes it: a running job is cancelled on stop
        var app = builder.Build();
        _ = app.Services.GetRequiredService<JobBoard>();
        app.Use(Guard(settings));
        Map(app, engine, settings, board);
        return app;
    }

    /// <summary>The address a started application listens on, e.g. http://127.0.0.1:5080/.</summary>
    public static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");

    /// <summary>
    /// Every request carries the token when one is set (401 otherwise); without one the server is on
    /// loopback and answers only to a loopback Host (no DNS rebinding). A POST must be JSON, so another
    /// site's page cannot submit a job without a CORS preflight, which this server never grants.
    /// </summary>
    private static Func<HttpContext, RequestDelegate, Task> Guard(WebSettings settings)
    {
        var token = settings.Token is null ? null : Encoding.UTF8.GetBytes(settings.Token);
        // the cookie holds a value derived from the token (never the token), under a name of this port's own
        var cookieValue = token is null ? null : Convert.ToHexStringLower(HMACSHA256.HashData(token, "forecast page cookie"u8));
        var cookieBytes = cookieValue is null ? null : Encoding.UTF8.GetBytes(cookieValue);
        return async (context, next) =>
        {
            var request = context.Request;
            var cookieName = $"{TokenCookie}-{context.Connection.LocalPort}";
            if (token is not null)
            {
                var auth = request.Headers.Authorization.ToString();
                var query = request.Query[TokenQuery].ToString();
                var allowed = auth.StartsWith("Bearer ", StringComparison.Ordinal) ? Same(auth["Bearer ".Length..], token)
                    : query.Length > 0 ? Same(query, token)
                    : request.Cookies[cookieName] is { } cookie && Same(cookie, cookieBytes!);
                if (!allowed)
                {
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    await Error(context, StatusCodes.Status401Unauthorized, "token",
                        "this server needs its token: open the page as /?token=TOKEN or send Authorization: Bearer TOKEN");
                    return;
                }

                if (query.Length > 0)
                {
                    // the page's own requests (scripts, events, downloads) then carry the cookie
                    context.Response.Cookies.Append(cookieName, cookieValue!, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/" });
                }
            }
            else if (!IsLoopbackHost(request.Host.Host))
            {
                await Error(context, StatusCodes.Status403Forbidden, "host", $"'{request.Host.Host}' is not this loopback server's name; use 127.0.0.1 or localhost");
                return;
            }

            if (HttpMethods.IsPost(request.Method) && request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
            {
                await Error(context, StatusCodes.Status415UnsupportedMediaType, "content-type", "send the request body as application/json");
                return;
            }

            await next(context);
        };
    }

    private static bool Same(string given, byte[] expected) => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected);

    private static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));

    private static void Map(WebApplication app, IForecastEngine engine, WebSettings settings, JobBoard board)
    {
        var seeds = settings.SeedsDir;
        // what a comparison needs of each run: its scenario text and plan (not the whole inputs)
        var runs = new Dictionary<string, (string Name, string InputsName, string ScenarioYaml, RunPlan Plan)>(StringComparer.Ordinal);

        app.MapGet("/", () => Results.Content(PageAsset("index.html"), "text/html; charset=utf-8"));
        app.MapGet("/app.js", () => Results.Content(PageAsset("app.js"), "text/javascript; charset=utf-8"));
        app.MapGet("/fans.js", () => Results.Content(HtmlReport.Asset("fans.js"), "text/javascript; charset=utf-8"));
        app.MapGet("/vendor/chart.umd.min.js", () => Results.Content(HtmlReport.Asset("vendor/chart.umd.min.js"), "text/javascript; charset=utf-8"));
        app.MapGet("/api/labels/{lang}", (string lang) => HtmlReport.Languages.Contains(lang)
            ? Results.Content(Labels(lang), "application/json; charset=utf-8")
            : Problem(StatusCodes.Status404NotFound, "lang", $"'{lang}' is not a language of the page; use {string.Join(" or ", HtmlReport.Languages)}"));

        app.MapGet("/api/scenarios", () => Json(new JsonObject
        {
            ["engine"] = engine.Name,
            ["scenarios"] = new JsonArray(WebForms.Scenarios(seeds).Select(s => (JsonNode)s).ToArray()),
            ["trials"] = new JsonObject { ["default"] = 2_000, ["max"] = settings.MaxTrials },
        }));

        app.MapGet("/api/levers", (string? scenario) => Answer(() =>
        {
            var p = ParametersLoader.Load(WebForms.ScenarioInputs(seeds, scenario ?? "baseline"));
            return Json(new JsonObject
            {
                ["scenario"] = p.ScenarioName,
                ["levers"] = new JsonArray(p.Levers.Select(l => (JsonNode)new JsonObject
                {
                    ["id"] = l.Id, ["description"] = l.Description, ["unit"] = l.Unit, ["value"] = p.LeverValues[l.Index],
                    ["baseline"] = l.Baseline, ["min"] = l.Min, ["max"] = l.Max,
                }).ToArray()),
            });
        }));

        app.MapPost("/api/runs", async (HttpRequest request) => await AnswerAsync(async () =>
        {
            var form = WebForms.Run(await Body(request), seeds, settings.MaxTrials);
            var job = board.Start("run", Label(form), async (dir, progress, cancel) =>
            {
                await File.WriteAllTextAsync(Path.Combine(dir, "scenario.yaml"), form.ScenarioYaml, cancel);
                var clock = Stopwatch.StartNew();
                var outcome = await ForecastStudy.Run(engine, new RunRequest(form.Inputs, form.Plan), progress, cancel);
                ResultFiles.WriteForecast(dir, outcome.Forecast);
                RunInfo.Write(dir, outcome.Run, clock.Elapsed);
            });
            lock (runs)
            {
                runs[job.Id] = (form.Name, form.Inputs.ScenarioName, form.ScenarioYaml, form.Plan);
            }

            return Accepted(job);
        }));

        app.MapPost("/api/sensitivity", async (HttpRequest request) => await AnswerAsync(async () =>
        {
            var form = WebForms.Run(await Body(request), seeds, settings.MaxTrials);
            var job = board.Start("sensitivity", Label(form), async (dir, progress, cancel) =>
            {
                await File.WriteAllTextAsync(Path.Combine(dir, "scenario.yaml"), form.ScenarioYaml, cancel);
                StudyFiles.WriteSensitivity(dir, await SensitivityStudy.Run(engine, form.Inputs, form.Plan, null, progress, cancel));
            });
            return Accepted(job);
        }));

        app.MapPost("/api/compare", async (HttpRequest request) => await AnswerAsync(async () =>
        {
            var (baseId, otherId) = WebForms.Compare(await Body(request));
            (ModelInputs Inputs, RunPlan Plan, string Label) Find(string id, string field)
            {
                lock (runs)
                {
                    var run = runs.TryGetValue(id, out var r) ? r
                        : throw new BadRequestException(field, $"'{id}' is not a run of this server; runs: {string.Join(", ", runs.Keys)}");
                    return (ModelInputs.Read(seeds) with { ScenarioName = run.InputsName, ScenarioYaml = run.ScenarioYaml }, run.Plan, $"{run.Name} ({id})");
                }
            }

            var b = Find(baseId, "base");
            var other = Find(otherId, "other");
            var job = board.Start("compare", string.Create(CultureInfo.InvariantCulture, $"{other.Label} vs {b.Label} · {b.Plan.Trials:N0} trials · seed {b.Plan.Seed}"),
                async (dir, progress, cancel) => ResultFiles.WriteComparison(dir, await CompareStudy.Run(engine, b.Inputs, other.Inputs, b.Plan, progress, cancel)));
            return Accepted(job);
        }));

        app.MapGet("/api/jobs", () => Json(new JsonObject { ["jobs"] = new JsonArray(board.All.Select(j => (JsonNode)Status(j)).ToArray()) }));

        app.MapGet("/api/jobs/{id}", (string id) => WithJob(board, id, job => Answer(() =>
        {
            var status = Status(job);
            if (job.State == JobState.Done)
            {
                foreach (var name in new[] { ResultFiles.ForecastFile, ResultFiles.CompareFile, "sensitivity.json" })
                {
                    if (RunFolder.Read(job.Dir, name) is { } node)
                    {
                        status[Path.GetFileNameWithoutExtension(name)] = node;
                    }
                }

                if (status[Path.GetFileNameWithoutExtension(ResultFiles.ForecastFile)] is { } forecast)
                {
                    status["fans"] = HtmlReport.FanData(forecast);
                }
            }

            return Json(status);
        })));

        app.MapGet("/api/jobs/{id}/events", async (string id, HttpContext context) =>
        {
            if (board.Find(id) is not { } job)
            {
                await Error(context, StatusCodes.Status404NotFound, "id", $"no job '{id}'");
                return;
            }

            await Events(context, job, app.Lifetime.ApplicationStopping);
        });

        app.MapGet("/api/jobs/{id}/report", (string id, string? lang) => WithForecast(board, id, job => Answer(() =>
            HtmlReport.Languages.Contains(lang ?? "zh")
                ? Results.Content(HtmlReport.Render(job.Dir, lang ?? "zh"), "text/html; charset=utf-8")
                : Problem(StatusCodes.Status400BadRequest, "lang", $"'{lang}' is not a language of the report; use {string.Join(" or ", HtmlReport.Languages)}"))));

        app.MapGet("/api/jobs/{id}/forecast.xlsx", (string id) => WithForecast(board, id, job => Answer(() =>
        {
            var file = Path.Combine(Path.GetTempPath(), $"forecast-{Guid.NewGuid():N}.xlsx");
            try
            {
                SpreadsheetExport.Write(job.Dir, file);
                return Results.File(File.ReadAllBytes(file), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"forecast-{job.Id}.xlsx");
            }
            finally
            {
                File.Delete(file);
            }
        })));

        app.MapGet("/api/jobs/{id}/files/{name}", (string id, string name) => WithJob(board, id, job =>
        {
            var file = Directory.Exists(job.Dir) ? Directory.GetFiles(job.Dir).FirstOrDefault(f => Path.GetFileName(f) == name) : null;
            return file is null
                ? Problem(StatusCodes.Status404NotFound, "name", $"job {id} has no file '{name}'")
                : Results.File(File.ReadAllBytes(file), name.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "text/plain; charset=utf-8", name);
        }));
    }

    /// <summary>Server-sent events: "progress" with the fraction done every quarter second, then one "done" (or "failed") with the job's status.</summary>
    private static async Task Events(HttpContext context, Job job, CancellationToken stopping)
    {
        var response = context.Response;
        response.Headers.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancel = both.Token;
        try
        {
            while (true)
            {
                var finished = job.Finished.IsCompleted;
                var status = Status(job).ToJsonString(Relaxed);
                var name = !finished ? "progress" : job.State == JobState.Done ? "done" : "failed";
                await response.WriteAsync($"event: {name}\ndata: {status}\n\n", cancel);
                await response.Body.FlushAsync(cancel);
                if (finished)
                {
                    return;
                }

                await Task.WhenAny(job.Finished, Task.Delay(250, cancel));
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // the page went away, or the server is stopping
        }
    }

    private static JsonObject Status(Job job) => new()
    {
        ["id"] = job.Id,
        ["kind"] = job.Kind,
        ["label"] = job.Label,
        ["state"] = job.State.ToString().ToLowerInvariant(),
        ["fraction"] = Math.Round(job.Fraction, 4),
        ["error"] = job.Error,
        ["seconds"] = Math.Round(job.Elapsed.TotalSeconds, 2),
    };

    private static string Label(RunForm form) =>
        string.Create(CultureInfo.InvariantCulture, $"{form.Name} · {form.Plan.Trials:N0} trials · seed {form.Plan.Seed}");

    private static IResult Accepted(Job job) =>
        Results.Text(Status(job).ToJsonString(Relaxed), "application/json", statusCode: StatusCodes.Status202Accepted);

    private static async Task<JsonNode?> Body(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > MaxBody)
            {
                throw new BadRequestException("body", $"larger than the {MaxBody / 1024} KiB a request may be");
            }
        }

        return WebForms.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    private static IResult WithJob(JobBoard board, string id, Func<Job, IResult> answer) =>
        board.Find(id) is { } job ? answer(job) : Problem(StatusCodes.Status404NotFound, "id", $"no job '{id}'");

    /// <summary>A finished job with a forecast.json (a run or a sensitivity study), or 404 saying why not.</summary>
    private static IResult WithForecast(JobBoard board, string id, Func<Job, IResult> answer) => WithJob(board, id, job =>
        File.Exists(Path.Combine(job.Dir, ResultFiles.ForecastFile)) && job.State == JobState.Done
            ? answer(job)
            : Problem(StatusCodes.Status404NotFound, "id", $"job {id} has no forecast to report ({job.State.ToString().ToLowerInvariant()} {job.Kind}; a comparison's runs have their own reports)"));

    private static IResult Answer(Func<IResult> answer)
    {
        try
        {
            return answer();
        }
        catch (Exception e) when (Refusal(e) is { } r)
        {
            return r;
        }
    }

    private static async Task<IResult> AnswerAsync(Func<Task<IResult>> answer)
    {
        try
        {
            return await answer();
        }
        catch (Exception e) when (Refusal(e) is { } r)
        {
            return r;
        }
    }

    /// <summary>What a refused request is answered: 400 naming the field for bad input; null for anything else (a real failure).</summary>
    private static IResult? Refusal(Exception e) => e switch
    {
        BadRequestException b => Problem(StatusCodes.Status400BadRequest, b.Field, b.Problem),
        BoardFullException f => Problem(StatusCodes.Status429TooManyRequests, "jobs", f.Message),
        InputException i => Problem(StatusCodes.Status400BadRequest, i.Field ?? "scenario", i.Message),
        _ => null,
    };

    private static IResult Problem(int status, string field, string message) =>
        Results.Text(new JsonObject { ["field"] = field, ["error"] = message }.ToJsonString(Relaxed), "application/json", statusCode: status);

    private static async Task Error(HttpContext context, int status, string field, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["field"] = field, ["error"] = message }.ToJsonString(Relaxed));
    }

    // the answers are JSON, never inlined into HTML, so non-ASCII text (Chinese labels, '+') goes as it is
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static IResult Json(JsonNode node) => Results.Text(node.ToJsonString(Relaxed), "application/json");

    /// <summary>The report's labels in <paramref name="lang"/> with the page's own on top (one set of ids for both).</summary>
    private static string Labels(string lang)
    {
        var labels = (JsonObject)JsonNode.Parse(HtmlReport.Asset($"labels-{lang}.json"))!;
        foreach (var (key, value) in (JsonObject)JsonNode.Parse(PageAsset($"labels-{lang}.json"))!)
        {
            labels[key] = value?.DeepClone();
        }

        return labels.ToJsonString(Relaxed);
    }

    private static string PageAsset(string name)
    {
        using var stream = typeof(ForecastWeb).Assembly.GetManifestResourceStream($"page/{name}")
            ?? throw new InvalidOperationException($"resource page/{name} is missing from the build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}

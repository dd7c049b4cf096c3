using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Reports;
using Forecast.Running;
using Forecast.Studies;

namespace Forecast.Web.Tests;

/// <summary>The page's API: what it runs is the CLI's run byte for byte; bad requests are refused naming the field, and nothing runs.</summary>
public sealed class WebApiTests
{
    [Fact]
    public async Task A_run_from_the_page_writes_the_forecast_a_plain_run_of_its_scenario_writes()
    {
        await using var server = await TestServer.Start();
        var status = await server.RunJob("api/runs", """{"scenario": "baseline", "levers": {"coaching-coverage": 0.9, "hte-reward": 0.2}, "trials": 400, "seed": 7}""");
        Assert.Equal("done", status["state"]!.GetValue<string>());
        var dir = Path.Combine(server.OutDir, status["id"]!.GetValue<string>());

        // the scenario the page ran, as a file, through the CLI's own path: the same bytes
        var inputs = ModelInputs.Read(TestServer.Seeds, Path.Combine(dir, "scenario.yaml"));
        await using var local = new LocalEngine();
        var outcome = await ForecastStudy.Run(local, new RunRequest(inputs, new RunPlan(7, 400)), null, CancellationToken.None);
        Assert.Equal(ResultFiles.ForecastJson(outcome.Forecast), File.ReadAllText(Path.Combine(dir, ResultFiles.ForecastFile)));

        // only the lever that differs from the scenario is in the name; the page's status carries the forecast and its fans
        Assert.Equal("baseline + coaching-coverage=0.9", status["forecast"]!["scenario"]!["name"]!.GetValue<string>());
        var indicators = status["forecast"]!["indicators"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).Distinct().Count();
        Assert.Equal(indicators, status["fans"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("""{"scenario": "baseline", "levers": {"hte-reward": 9}}""", "levers.hte-reward", "outside the lever's allowed range")]
    [InlineData("""{"scenario": "baseline", "levers": {"hte-reward": -0.1}}""", "levers.hte-reward", "outside the lever's allowed range")]
    [InlineData("""{"levers": {"no-such-lever": 1}}""", "levers.no-such-lever", "unknown lever")]
    [InlineData("""{"levers": {"hte-reward": "0.4"}}""", "levers.hte-reward", "finite number")]
    [InlineData("""{"levers": [1, 2]}""", "levers", "object")]
    [InlineData("""{"scenario": "../baseline"}""", "scenario", "unknown scenario")]
    [InlineData("""{"scenario": 3}""", "scenario", "string")]
    [InlineData("""{"trials": 0}""", "trials", "1..")]
    [InlineData("""{"trials": 1.5}""", "trials", "whole number")]
    [InlineData("""{"trials": 100000000}""", "trials", "1..")]
    [InlineData("""{"seed": -1}""", "seed", "whole number")]
    [InlineData("""{"colour": "red"}""", "colour", "unknown field")]
    [InlineData("""[]""", "body", "JSON object")]
    [InlineData("""{"trials": """, "body", "not JSON")]
    [InlineData("""{"trials": 10, "trials": 20}""", "body", "not JSON")]
    [InlineData("""{"levers": {"hte-reward": 0.1, "hte-reward": 0.2}}""", "body", "not JSON")]
    [InlineData("""{"scenario": "\ud800"}""", "body", "cannot be read")]
    public async Task A_bad_run_request_is_refused_with_400_naming_the_field_and_nothing_runs(string body, string field, string problem)
    {
        await using var server = await TestServer.Start();
        foreach (var path in new[] { "api/runs", "api/sensitivity" })
        {
            var response = await server.Post(path, body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal(field, error["field"]!.GetValue<string>());
            Assert.Contains(problem, error["error"]!.GetValue<string>());
        }

        Assert.Empty((await server.Http.GetFromJsonAsync<JsonObject>("api/jobs"))!["jobs"]!.AsArray());
        Assert.False(Directory.Exists(server.OutDir) && Directory.EnumerateFileSystemEntries(server.OutDir).Any());
    }

    [Fact]
    public async Task Comparing_two_runs_pairs_them_on_the_base_runs_plan_and_a_compare_of_unknown_runs_is_refused()
    {
        await using var server = await TestServer.Start();
        var a = await server.RunJob("api/runs", """{"trials": 300, "seed": 3}""");
        var b = await server.RunJob("api/runs", """{"scenario": "more-coaching", "trials": 200, "seed": 9}""");
        var refused = await server.Post("api/compare", $$"""{"base": "{{a["id"]}}", "other": "no-such-run"}""");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("other", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["field"]!.GetValue<string>());

        // paired on the base run's trials and seed: the base side is run a's own probabilities
        var c = await server.RunJob("api/compare", $$"""{"base": "{{a["id"]}}", "other": "{{b["id"]}}"}""");
        Assert.Equal(300, c["compare"]!["trials"]!.GetValue<int>());
        Assert.Equal(3, c["compare"]!["seed"]!.GetValue<int>());
        var rows = c["compare"]!["targets"]!.AsArray();
        var byId = a["forecast"]!["targets"]!.AsArray().ToDictionary(t => t!["id"]!.GetValue<string>(), t => t!["probability"]!.GetValue<double>());
        Assert.All(rows, r => Assert.Equal(byId[r!["id"]!.GetValue<string>()], r["base-probability"]!.GetValue<double>()));
        Assert.Equal("more-coaching", c["compare"]!["other"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_sensitivity_study_from_the_page_has_every_lever_at_both_ends_and_its_report_and_workbook_download()
    {
        await using var server = await TestServer.Start();
        var s = await server.RunJob("api/sensitivity", """{"scenario": "baseline", "trials": 200, "seed": 2}""");
        var levers = (await server.Http.GetFromJsonAsync<JsonObject>("api/levers?scenario=baseline"))!["levers"]!.AsArray().Count;
        var rows = s["sensitivity"]!["rows"]!.AsArray();
        var targets = s["forecast"]!["targets"]!.AsArray().Count;
        Assert.Equal(levers * 2, rows.Select(r => (r!["lever"]!.GetValue<string>(), r["end"]!.GetValue<string>())).Distinct().Count());
        Assert.True(rows.Count >= levers * 2 * targets);

        var id = s["id"]!.GetValue<string>();
        foreach (var lang in new[] { "zh", "en" })
        {
            var html = await server.Http.GetStringAsync($"api/jobs/{id}/report?lang={lang}");
            Assert.Contains("id=\"sensitivity\"", html);
            Assert.All(s["forecast"]!["targets"]!.AsArray(), t => Assert.Contains($"data-target=\"{t!["id"]}\"", html));
        }

        var xlsx = await server.Http.GetAsync($"api/jobs/{id}/forecast.xlsx");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType!.MediaType);
        var bytes = await xlsx.Content.ReadAsByteArrayAsync();
        Assert.Equal("PK"u8.ToArray(), bytes[..2]);
        // a job's files are its own folder's, by exact name: another job's real file is not reached
        var other = await server.RunJob("api/runs", """{"trials": 50}""");
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync($"api/jobs/{other["id"]}/files/forecast.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync($"api/jobs/{id}/files/..%2F{other["id"]}%2Fforecast.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync("api/jobs/9999-run")).StatusCode);
        var french = await server.Http.GetAsync($"api/jobs/{id}/report?lang=fr");
        Assert.Equal(HttpStatusCode.BadRequest, french.StatusCode);
        Assert.Equal("lang", JsonNode.Parse(await french.Content.ReadAsStringAsync())!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task With_a_token_every_request_without_it_gets_401_and_with_it_the_page_works()
    {
        const string token = "0123456789abcdef-test";
        await using var server = await TestServer.Start(token: token);
        foreach (var path in new[] { "", "app.js", "api/scenarios", "api/jobs" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.Http.GetAsync(path + "?token=" + new string('x', token.Length))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await server.Post("api/runs", "{}")).StatusCode);
        Assert.Empty(Directory.Exists(server.OutDir) ? Directory.EnumerateFileSystemEntries(server.OutDir) : []);

        using var bearer = new HttpRequestMessage(HttpMethod.Get, "api/scenarios");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.SendAsync(bearer)).StatusCode);

        // the page opened with ?token= gets a same-site cookie, which its scripts and events then carry
        var page = await server.Http.GetAsync($"?token={token}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var cookie = Assert.Single(page.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith($"forecast-token-{server.Address.Port}=", cookie); // this port's own, and never the token itself
        Assert.DoesNotContain(token, cookie);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        using var withCookie = new HttpRequestMessage(HttpMethod.Get, "app.js");
        withCookie.Headers.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.SendAsync(withCookie)).StatusCode);
    }

    [Fact]
    public async Task Without_a_token_only_loopback_names_and_json_posts_are_served()
    {
        await using var server = await TestServer.Start();
        using var rebound = new HttpRequestMessage(HttpMethod.Get, "api/scenarios");
        rebound.Headers.Host = "attacker.example";
        Assert.Equal(HttpStatusCode.Forbidden, (await server.Http.SendAsync(rebound)).StatusCode);

        var form = await server.Http.PostAsync("api/runs", new StringContent("{}", System.Text.Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        Assert.Empty((await server.Http.GetFromJsonAsync<JsonObject>("api/jobs"))!["jobs"]!.AsArray());
    }

    [Theory]
    [InlineData("0.0.0.0", null, 5080, "--token")]
    [InlineData("192.168.1.10", "short", 5080, "--token")]
    [InlineData("127.0.0.1", null, 70000, "--port")]
    public void Settings_that_would_expose_the_engine_or_cannot_listen_are_refused(string address, string? token, int port, string option)
    {
        var problem = new WebSettings("seeds", "out", IPAddress.Parse(address), port, token).Check();
        Assert.Equal(option, problem?.Option);
    }

    [Fact]
    public void Settings_on_loopback_or_with_a_long_token_are_served()
    {
        Assert.Null(new WebSettings("seeds", "out", IPAddress.Loopback, 5080, null).Check());
        Assert.Null(new WebSettings("seeds", "out", IPAddress.Any, 5080, "0123456789abcdef").Check());
    }
}

/// <summary>The web layer is an adapter over the engine seam, like the CLI: no Orleans in what it compiles against.</summary>
public sealed class WebArchitectureTests
{
    [Fact]
    public void The_web_assembly_references_no_Orleans_assembly()
    {
        var references = typeof(ForecastWeb).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();
        Assert.Contains(references, r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.Contains("Orleans", StringComparison.OrdinalIgnoreCase));
    }
}

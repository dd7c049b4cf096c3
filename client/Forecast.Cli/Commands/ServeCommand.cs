using System.CommandLine;
using System.Net;
using Forecast.Hosting;
using Forecast.Inputs;
using Forecast.Reports;
using Forecast.Web;
using static Forecast.Cli.SharedOptions;

namespace Forecast.Cli.Commands;

/// <summary>`forecast serve`: the planners' web page on this machine's engine (embedded silo by default, or a cluster).</summary>
public static class ServeCommand
{
    private static readonly Option<int> Port = new("--port")
    {
        Description = $"port to listen on (0: any free port; the address is printed)",
        DefaultValueFactory = _ => WebSettings.DefaultPort,
    };

    private static readonly Option<string> Address = new("--address")
    {
        Description = "address to listen on; anything but loopback needs --token",
        DefaultValueFactory = _ => "127.0.0.1",
    };

    private static readonly Option<string?> Token = new("--token")
    {
        Description = "secret every request must carry (open the page as /?token=TOKEN; API: Authorization: Bearer TOKEN); at least 16 characters. Also read from FORECAST_TOKEN",
    };

    private static readonly Option<string> ServeOut = new("--out")
    {
        Description = "folder the page's runs and studies write into, one subfolder each",
        DefaultValueFactory = _ => Path.Combine("out", "serve"),
    };

    public static Command Create()
    {
        var command = new Command("serve", "Serve the what-if page: choose a scenario, move levers, run with live progress, compare runs, run a sensitivity study, download the report and the workbook.")
        {
            Port, Address, Token, ServeOut, Seeds,
        };
        command.WithEngineOptions();
        command.SetAction((parse, cancel) => ExitCodes.Guarded(async () =>
        {
            if (!IPAddress.TryParse(parse.GetValue(Address), out var address))
            {
                throw new InputException("command line", "--address", null, $"'{parse.GetValue(Address)}' is not an IP address (for example 127.0.0.1 or 0.0.0.0)");
            }

            var token = parse.GetValue(Token) ?? Environment.GetEnvironmentVariable("FORECAST_TOKEN");
            var settings = new WebSettings(SeedsDir(parse), parse.GetValue(ServeOut)!, address, parse.GetValue(Port), string.IsNullOrEmpty(token) ? null : token);
            if (settings.Check() is { } problem)
            {
                throw new InputException("command line", problem.Option, null, problem.Problem);
            }

            CheckedInputs(parse, null);
            OutputFolder.EnsureWritable(settings.OutDir);
            var engineChoice = EngineChoice(parse);
            await using var engine = await EngineFactory.Open(engineChoice, cancel);
            await using var app = ForecastWeb.Build(engine, settings);
            try
            {
                await app.StartAsync(cancel);
            }
            catch (IOException e)
            {
                throw new InputException("command line", "--port", null, $"cannot listen on {address}:{settings.Port} ({e.Message})");
            }

            var url = ForecastWeb.Address(app);
            Console.WriteLine($"forecast serve: {url} on {engine.Name}; runs go to {Path.GetFullPath(settings.OutDir)}; Ctrl+C stops");
            if (settings.Token is not null)
            {
                Console.WriteLine("forecast serve: open the page with ?token=TOKEN (the token is not printed)");
            }

            // Ctrl+C or SIGTERM reaches either the command line's token or the web host's own lifetime, whichever handles it
            var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using (cancel.Register(() => stop.TrySetResult()))
            await using (app.Lifetime.ApplicationStopping.Register(() => stop.TrySetResult()))
            {
                await stop.Task;
            }

            await app.StopAsync(CancellationToken.None);
            return ExitCodes.Ok;
        }));
        return command;
    }
}

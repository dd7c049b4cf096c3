using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Forecast.Calibration;
using Forecast.Grains;
using Forecast.Inputs;
using Forecast.Output;
using Forecast.Simulation;
using Spectre.Console;

namespace Forecast.Cli;

/// <summary>The `forecast` command line: run, compare, calibrate. Exit codes: 0 ok, 1 failure, 2 bad input.</summary>
public static class Commands
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
    public const int MaxTrials = 10_000_000;
    public const int DefaultMaxTrials = 200_000;

    private static readonly Option<int> Trials = new("--trials")
    {
        Description = $"Monte Carlo trials (1..{MaxTrials:N0})",
        DefaultValueFactory = _ => 10_000,
    };

    private static readonly Option<double?> Precision = new("--precision")
    {
        Description = "adaptive trials: add batches until every target's (and each year's joint) 95% interval half-width is at most this, in (0, 0.5]; --trials is then ignored",
    };

    private static readonly Option<int> MaxTrialsOption = new("--max-trials")
    {
        Description = $"cap on the trials of an adaptive (--precision) run (1..{MaxTrials:N0})",
        DefaultValueFactory = _ => DefaultMaxTrials,
    };

    private static readonly Option<bool> NoSiloAggregation = new("--no-silo-aggregation")
    {
        Description = "agents return their own partials to their shard instead of adding into their silo's pool (Orleans engine only)",
    };

    private static readonly Option<ulong> Seed = new("--seed")
    {
        Description = "random seed; the same seed and scenario give identical results on any cluster shape",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<string?> ScenarioFile = new("--scenario") { Description = "scenario file overlaying seeds/baseline.yaml (default: seeds/scenarios/baseline.yaml)" };

    private static readonly Option<string> Out = new("--out")
    {
        Description = "output folder for forecast.json, CSV files and run.json",
        DefaultValueFactory = _ => "out",
    };

    private static readonly Option<string?> Connect = new("--connect")
    {
        Description = "redis://[:PASSWORD@]HOST:PORT of a cluster's Redis, or HOST:PORT of a running silo's gateway (default: start an embedded silo)",
    };

    private static readonly Option<bool> Detach = new("--detach")
    {
        Description = "with --connect: submit the run, print its id and exit (pick it up with 'forecast runs wait ID --out DIR')",
    };

    private static readonly Option<string> ClusterId = new("--cluster-id")
    {
        Description = "cluster id of the silo named by --connect",
        DefaultValueFactory = _ => "forecast",
    };

    private static readonly Option<int> Batch = new("--batch")
    {
        Description = "trials stepped together (memory ~ agents x batch x 8 bytes; results do not depend on it)",
        DefaultValueFactory = _ => LocalEngine.DefaultBatchSize,
    };

    private static readonly Option<int> Shards = new("--shards")
    {
        Description = "shard grains the agents are split over (0: one per active silo)",
        DefaultValueFactory = _ => 0,
    };

    private static readonly Option<string> EngineKind = new("--engine")
    {
        Description = "orleans (grains on a silo) or local (the pure simulation, no Orleans)",
        DefaultValueFactory = _ => "orleans",
    };

    private static readonly Option<string?> Seeds = new("--seeds") { Description = "seeds folder (default: ./seeds or FORECAST_SEEDS)" };

    public static async Task<int> Execute(string[] args)
    {
        var root = new RootCommand("Forecast: will Xiaoshan meet its science-and-technology targets? Monte Carlo on Microsoft Orleans.")
        {
            RunCommand(), CompareCommand(), CalibrateCommand(), RunsCommands.Command(Connect, ClusterId, Out),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                Console.Error.WriteLine($"forecast: {error.Message}");
            }

            Console.Error.WriteLine("Try 'forecast --help'.");
            return BadInput;
        }

        return await parse.InvokeAsync();
    }

    private static Command RunCommand()
    {
        var command = new Command("run", "Forecast every target: probability of being met, with a 95% Wilson interval, and indicators by year.")
        {
            Trials, Precision, MaxTrialsOption, Seed, ScenarioFile, Out, Connect, ClusterId, Batch, Shards, NoSiloAggregation, EngineKind, Seeds, Detach,
        };
        command.SetAction((parse, cancel) => Guarded(async () =>
        {
            var settings = Settings.From(parse);
            var adaptive = AdaptiveSettings.From(parse);
            var inputs = ModelInputs.Read(settings.SeedsDir, parse.GetValue(ScenarioFile));
            var model = SimulationModel.Build(inputs);
            var detach = parse.GetValue(Detach);
            if (detach && (settings.ConnectTo is null || settings.Engine != "orleans"))
            {
                throw new InputException("command line", "--detach", null, "needs --connect (a running cluster to leave the run on)");
            }

            if (!detach)
            {
                ResultWriter.EnsureWritable(settings.OutDir);
            }

            var clock = Stopwatch.StartNew();
            await using var engine = await settings.OpenEngine(cancel);
            var request = new RunRequest(settings.Seed, settings.Trials, settings.Batch, adaptive?.Precision ?? 0, adaptive?.MaxTrials ?? 0,
                SiloAggregation: !parse.GetValue(NoSiloAggregation));
            if (detach)
            {
                var id = await ((Engine.Orleans)engine).Submit(inputs, request);
                Console.WriteLine(id.ToString("D"));
                return Ok;
            }

            var shape = adaptive is null
                ? $"{settings.Trials:N0} trials"
                : string.Create(CultureInfo.InvariantCulture, $"trials until every 95% half-width <= {adaptive.Precision:0.####} (at most {adaptive.MaxTrials:N0})");
            var table = await Report.WithProgress($"{model.Parameters.ScenarioName}: {shape} on {engine.Name}", adaptive is not null,
                p => engine.Run(inputs, model, request, p, cancel));
            var info = settings.RunInfo(engine.Name, clock.Elapsed, inputs, engine.ShardsUsed);
            info["silo-aggregation"] = request.SiloAggregation ? "true" : "false";
            WriteResults(model, table, settings.Seed, settings.OutDir, info, adaptive?.Precision, adaptive?.MaxTrials ?? 0, clock);
            return Ok;
        }));
        return command;
    }

    /// <summary>Finalises a run's table and writes forecast.json, the CSV files and run.json (shared by `run` and `runs wait`).</summary>
    internal static void WriteResults(SimulationModel model, TrialTable table, ulong seed, string outDir, Dictionary<string, string> info,
        double? precision, int maxTrials, Stopwatch clock)
    {
        var result = Finaliser.Summarise(model, table, seed);
        info["trials"] = table.Trials.ToString(CultureInfo.InvariantCulture);
        double? widest = null;
        if (precision is { } p)
        {
            widest = AdaptiveStopping.WidestHalfWidth(model, table, table.Trials);
            info["precision"] = p.ToString("R", CultureInfo.InvariantCulture);
            info["max-trials"] = maxTrials.ToString(CultureInfo.InvariantCulture);
            info["widest-half-width"] = widest.Value.ToString("R", CultureInfo.InvariantCulture);
            info["stopped-by"] = widest <= p ? "precision" : "max-trials";
        }

        var files = ResultWriter.WriteForecast(outDir, result);
        ResultWriter.WriteRunInfo(outDir, info);
        Report.Forecast(result);
        if (precision is { } q)
        {
            Report.Adaptive(table.Trials, q, widest!.Value, maxTrials);
        }

        AnsiConsole.MarkupLineInterpolated($"[grey]wrote {string.Join(", ", files)} in {clock.Elapsed.TotalSeconds:F1} s[/]");
    }

    private static Command CompareCommand()
    {
        var baseFile = new Argument<string>("BASE") { Description = "baseline scenario file" };
        var otherFile = new Argument<string>("OTHER") { Description = "what-if scenario file" };
        var command = new Command("compare", "Run two scenarios on common random numbers and report, per target, both probabilities and the paired difference.")
        {
            baseFile, otherFile, Trials, Seed, Out, Connect, ClusterId, Batch, Shards, EngineKind, Seeds,
        };
        command.SetAction((parse, cancel) => Guarded(async () =>
        {
            var settings = Settings.From(parse);
            var inputsA = ModelInputs.Read(settings.SeedsDir, parse.GetValue(baseFile));
            var inputsB = ModelInputs.Read(settings.SeedsDir, parse.GetValue(otherFile));
            var modelA = SimulationModel.Build(inputsA);
            var modelB = SimulationModel.Build(inputsB);
            ResultWriter.EnsureWritable(settings.OutDir);
            var clock = Stopwatch.StartNew();
            await using var engine = await settings.OpenEngine(cancel);
            var request = new RunRequest(settings.Seed, settings.Trials, settings.Batch);
            var a = await Report.WithProgress($"{modelA.Parameters.ScenarioName}: {settings.Trials:N0} trials", adaptive: false,
                p => engine.Run(inputsA, modelA, request, p, cancel));
            var b = await Report.WithProgress($"{modelB.Parameters.ScenarioName}: {settings.Trials:N0} trials", adaptive: false,
                p => engine.Run(inputsB, modelB, request, p, cancel));
            var comparison = ComparisonResult.Compare(modelA, a, modelB, b, settings.Seed);
            var files = ResultWriter.WriteComparison(settings.OutDir, comparison);
            Report.Comparison(comparison);
            AnsiConsole.MarkupLineInterpolated($"[grey]wrote {string.Join(", ", files)} in {clock.Elapsed.TotalSeconds:F1} s[/]");
            return Ok;
        }));
        return command;
    }

    private static Command CalibrateCommand()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "fit and print, but do not write seeds/calibration.yaml" };
        var calibrationTrials = new Option<int>("--trials")
        {
            Description = "trials of 2021 per iteration",
            DefaultValueFactory = _ => 1000,
        };
        var command = new Command("calibrate", "Fit the model's rates to the 2021 facts (new HTE, PTSME, Eaglets, incubators, R&D institutions, incubator area) and write seeds/calibration.yaml.")
        {
            calibrationTrials, Seed, Seeds, dryRun,
        };
        command.SetAction((parse, cancel) => Guarded(() =>
        {
            var seeds = parse.GetValue(Seeds) ?? ModelInputs.LocateSeeds();
            var trials = parse.GetValue(calibrationTrials);
            if (trials is < 1 or > 100_000)
            {
                throw new InputException("command line", "--trials", null, $"{trials} is not allowed; use 1..100000");
            }

            var model = SimulationModel.Build(ModelInputs.Read(seeds));
            var report = Calibrator.Fit(model, parse.GetValue(Seed), trials);
            Report.Calibration(report);
            if (report.MaxRelativeError > 0.02)
            {
                AnsiConsole.MarkupLine("[red]calibration did not reach 2%; seeds/calibration.yaml left as it was[/]");
                return Task.FromResult(Failed);
            }

            if (!parse.GetValue(dryRun))
            {
                var path = Path.Combine(seeds, ModelInputs.CalibrationFile);
                File.WriteAllText(path + ".tmp", Calibrator.ToYaml(report, DateOnly.FromDateTime(DateTime.UtcNow)));
                File.Move(path + ".tmp", path, overwrite: true);
                AnsiConsole.MarkupLineInterpolated($"wrote [bold]{path}[/]");
            }

            return Task.FromResult(Ok);
        }));
        return command;
    }

    internal static async Task<int> Guarded(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (InputException e)
        {
            Console.Error.WriteLine($"forecast: {e.Message}");
            return BadInput;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("forecast: cancelled");
            return Failed;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"forecast: failed: {e.Message}");
            Console.Error.WriteLine(e);
            return Failed;
        }
    }

    internal sealed record Settings(int Trials, ulong Seed, int Batch, int ShardCount, string OutDir, string SeedsDir, string Engine, string? ConnectTo, string Cluster)
    {
        public static Settings From(ParseResult parse)
        {
            var trials = parse.GetValue(Commands.Trials);
            if (trials is < 1 or > MaxTrials)
            {
                throw new InputException("command line", "--trials", null, $"{trials} is not allowed; use 1..{MaxTrials}");
            }

            var batch = parse.GetValue(Commands.Batch);
            if (batch is < 1 or > 100_000)
            {
                throw new InputException("command line", "--batch", null, $"{batch} is not allowed; use 1..100000");
            }

            var shards = parse.GetValue(Commands.Shards);
            if (shards is < 0 or > 1024)
            {
                throw new InputException("command line", "--shards", null, $"{shards} is not allowed; use 1..1024, or 0 for one shard per active silo");
            }

            var engine = parse.GetValue(EngineKind)!;
            if (engine is not ("orleans" or "local"))
            {
                throw new InputException("command line", "--engine", null, $"'{engine}' is not an engine; use orleans or local");
            }

            return new Settings(trials, parse.GetValue(Commands.Seed), batch, shards, parse.GetValue(Out)!,
                parse.GetValue(Seeds) ?? ModelInputs.LocateSeeds(), engine, parse.GetValue(Commands.Connect), parse.GetValue(ClusterId)!);
        }

        public async Task<Engine> OpenEngine(CancellationToken cancel)
        {
            if (Engine == "local")
            {
                return new Engine.Local();
            }

            if (ConnectTo is null)
            {
                return await Cli.Engine.Orleans.Embedded(ShardCount, cancel);
            }

            if (RedisAddress.IsUrl(ConnectTo))
            {
                return await Cli.Engine.Orleans.ConnectRedis(ConnectTo, Cluster, ShardCount, cancel);
            }

            return await ConnectGateway(ConnectTo, Cluster, ShardCount, cancel);
        }

        /// <summary>Connects to HOST:PORT (a silo's gateway) or redis://HOST:PORT (a cluster's Redis).</summary>
        public static async Task<Engine.Orleans> Open(string connectTo, string cluster, CancellationToken cancel) =>
            RedisAddress.IsUrl(connectTo)
                ? await Cli.Engine.Orleans.ConnectRedis(connectTo, cluster, 0, cancel)
                : await ConnectGateway(connectTo, cluster, 0, cancel);

        private static async Task<Engine.Orleans> ConnectGateway(string connectTo, string cluster, int shardCount, CancellationToken cancel)
        {
            if (!IPEndPoint.TryParse(connectTo, out var gateway) || gateway.Port == 0)
            {
                var host = connectTo.Split(':');
                if (host.Length != 2 || !int.TryParse(host[1], out var port) || port is < 1 or > 65535)
                {
                    throw new InputException("command line", "--connect", null, $"'{connectTo}' is not HOST:PORT (for example 127.0.0.1:30000)");
                }

                var addresses = await Dns.GetHostAddressesAsync(host[0], cancel);
                gateway = new IPEndPoint(addresses.First(), port);
            }

            return await Cli.Engine.Orleans.Connect(gateway, cluster, shardCount, cancel);
        }

        public Dictionary<string, string> RunInfo(string engine, TimeSpan elapsed, ModelInputs inputs, int? shardsUsed) => new()
        {
            ["engine"] = engine,
            ["host"] = Environment.MachineName,
            ["finished-utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["wall-seconds"] = elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture),
            ["processors"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
            ["scenario-file"] = inputs.ScenarioName,
            ["batch"] = Batch.ToString(CultureInfo.InvariantCulture),
            ["shards"] = (shardsUsed ?? ShardCount).ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>An adaptive run's options: --precision in (0, 0.5] and --max-trials; null without --precision.</summary>
    private sealed record AdaptiveSettings(double Precision, int MaxTrials)
    {
        public static AdaptiveSettings? From(ParseResult parse)
        {
            var maxTrials = parse.GetValue(MaxTrialsOption);
            if (maxTrials is < 1 or > Commands.MaxTrials)
            {
                throw new InputException("command line", "--max-trials", null, $"{maxTrials} is not allowed; use 1..{Commands.MaxTrials}");
            }

            if (parse.GetValue(Commands.Precision) is not { } precision)
            {
                return null;
            }

            if (!(precision is > 0 and <= AdaptiveStopping.MaxPrecision))
            {
                throw new InputException("command line", "--precision", null,
                    string.Create(CultureInfo.InvariantCulture, $"{precision} is not allowed; use a 95% interval half-width in (0, 0.5], for example 0.01"));
            }

            if (parse.GetResult(Commands.Trials) is { Implicit: false })
            {
                Console.Error.WriteLine("forecast: --trials is ignored with --precision (the run stops on precision or at --max-trials)");
            }

            return new AdaptiveSettings(precision, maxTrials);
        }
    }
}

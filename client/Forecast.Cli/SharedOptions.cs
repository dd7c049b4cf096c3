using System.CommandLine;
using System.Globalization;
using Forecast.Hosting;
using Forecast.Inputs;
using Forecast.Reports;
using Forecast.Running;
using Forecast.Simulation;

namespace Forecast.Cli;

/// <summary>The options several commands share, and how they become a run plan, an engine and inputs.</summary>
public static class SharedOptions
{
    public const int DefaultMaxTrials = 200_000;

    public static readonly Option<int> Trials = new("--trials")
    {
        Description = $"Monte Carlo trials (1..{RunPlan.MaxTrials:N0})",
        DefaultValueFactory = _ => 10_000,
    };

    /// <summary>--trials of the planner studies: every variant runs this many paired trials.</summary>
    public static readonly Option<int> StudyTrials = new("--trials")
    {
        Description = $"Monte Carlo trials of every variant the study runs, the same trials for each (common random numbers) (1..{RunPlan.MaxTrials:N0})",
        DefaultValueFactory = _ => 2_000,
    };

    public static readonly Option<double?> Precision = new("--precision")
    {
        Description = "adaptive trials: add batches until every target's (and each year's joint) 95% interval half-width is at most this, in (0, 0.5]; --trials is then ignored",
    };

    public static readonly Option<int> MaxTrials = new("--max-trials")
    {
        Description = $"cap on the trials of an adaptive (--precision) run (1..{RunPlan.MaxTrials:N0})",
        DefaultValueFactory = _ => DefaultMaxTrials,
    };

    public static readonly Option<ulong> Seed = new("--seed")
    {
        Description = "random seed; the same seed and scenario give identical results on any engine and cluster shape",
        DefaultValueFactory = _ => 1,
    };

    public static readonly Option<int> Batch = new("--batch")
    {
        Description = $"trials stepped together, 1..{RunPlan.MaxBatchSize:N0} (memory ~ agents x batch x 8 bytes; results do not depend on it)",
        DefaultValueFactory = _ => RunPlan.DefaultBatchSize,
    };

    public static readonly Option<string?> Scenario = new("--scenario")
    {
        Description = "scenario file overlaying seeds/baseline.yaml (default: seeds/scenarios/baseline.yaml)",
    };

    public static readonly Option<string?> Seeds = new("--seeds") { Description = "seeds folder (default: ./seeds or FORECAST_SEEDS)" };

    public static readonly Option<string> Out = new("--out")
    {
        Description = "output folder for forecast.json, CSV files and run.json",
        DefaultValueFactory = _ => "out",
    };

    public static readonly Option<string> Engine = new("--engine")
    {
        Description = "orleans (grains on a silo) or local (the pure simulation, no Orleans)",
        DefaultValueFactory = _ => "orleans",
    };

    public static readonly Option<string?> Connect = new("--connect")
    {
        Description = "redis://[:PASSWORD@]HOST:PORT of a cluster's Redis, or HOST:PORT of a running silo's gateway (default: start an embedded silo)",
    };

    public static readonly Option<string> ClusterId = new("--cluster-id")
    {
        Description = "cluster id of the silo named by --connect",
        DefaultValueFactory = _ => "forecast",
    };

    public static readonly Option<int> Shards = new("--shards")
    {
        Description = $"shard grains the agents are split over, 0..{EngineFactory.MaxShards} (0: one per active silo)",
        DefaultValueFactory = _ => 0,
    };

    public static readonly Option<bool> NoSiloAggregation = new("--no-silo-aggregation")
    {
        Description = "agents return their own partials to their shard instead of adding into their silo's pool (Orleans engine only)",
    };

    /// <summary>Adds the options that choose an engine (--engine, --connect, --cluster-id, --shards, --no-silo-aggregation).</summary>
    public static Command WithEngineOptions(this Command command)
    {
        foreach (var option in new Option[] { Engine, Connect, ClusterId, Shards, NoSiloAggregation })
        {
            command.Options.Add(option);
        }

        return command;
    }

    /// <summary>The seeds folder: --seeds, else FORECAST_SEEDS, ./seeds or a seeds/ above the program.</summary>
    public static string SeedsDir(ParseResult parse) => parse.GetValue(Seeds) ?? ModelInputs.LocateSeeds();

    /// <summary>The input files of a scenario, read and checked (every file, field and range) before anything starts; and its name.</summary>
    public static (ModelInputs Inputs, string Scenario) CheckedInputs(ParseResult parse, string? scenarioFile)
    {
        var inputs = ModelInputs.Read(SeedsDir(parse), scenarioFile);
        return (inputs, SimulationModel.Build(inputs).Parameters.ScenarioName);
    }

    /// <summary>The run plan of --seed, --batch and --trials, or --precision with --max-trials; checked, naming the option at fault.</summary>
    public static RunPlan Plan(ParseResult parse, bool allowPrecision = true, Option<int>? trialsOption = null)
    {
        trialsOption ??= Trials;
        var precision = allowPrecision ? parse.GetValue(Precision) : null;
        var maxTrials = allowPrecision ? parse.GetValue(MaxTrials) : 1;
        if (maxTrials is < 1 or > RunPlan.MaxTrials)
        {
            throw new InputException("command line", "--max-trials", null, $"{maxTrials} is not allowed; use 1..{RunPlan.MaxTrials}");
        }

        if (precision is not null && parse.GetResult(trialsOption) is { Implicit: false })
        {
            Console.Error.WriteLine("forecast: --trials is ignored with --precision (the run stops on precision or at --max-trials)");
        }

        var trials = precision is null ? parse.GetValue(trialsOption) : maxTrials;
        try
        {
            return new RunPlan(parse.GetValue(Seed), trials, parse.GetValue(Batch), precision).Validated();
        }
        catch (PlanOutOfRangeException e)
        {
            var option = e.Member switch
            {
                nameof(RunPlan.Trials) => precision is null ? "--trials" : "--max-trials",
                nameof(RunPlan.BatchSize) => "--batch",
                _ => "--precision",
            };
            throw new InputException("command line", option, null,
                string.Create(CultureInfo.InvariantCulture, $"{e.ActualValue} is not allowed; use {e.Allowed}"));
        }
    }

    /// <summary>The engine options of --engine, --connect, --cluster-id, --shards and --no-silo-aggregation.</summary>
    public static EngineOptions EngineChoice(ParseResult parse)
    {
        var kind = parse.GetValue(Engine) switch
        {
            "orleans" => EngineKind.Orleans,
            "local" => EngineKind.Local,
            var other => throw new InputException("command line", "--engine", null, $"'{other}' is not an engine; use orleans or local"),
        };
        var shards = parse.GetValue(Shards);
        if (shards is < 0 or > EngineFactory.MaxShards)
        {
            throw new InputException("command line", "--shards", null, $"{shards} is not allowed; use 1..{EngineFactory.MaxShards}, or 0 for one shard per active silo");
        }

        return new EngineOptions(kind, kind == EngineKind.Local ? null : parse.GetValue(Connect), parse.GetValue(ClusterId)!,
            shards, SiloAggregation: !parse.GetValue(NoSiloAggregation));
    }

    /// <summary>A cluster the `runs` commands need: --connect is required.</summary>
    public static EngineOptions ClusterChoice(ParseResult parse) =>
        new(EngineKind.Orleans, parse.GetValue(Connect) ?? throw new InputException("command line", "--connect", null,
            "the runs commands need a cluster: --connect redis://HOST:PORT (or HOST:PORT of a silo's gateway)"), parse.GetValue(ClusterId)!);

    /// <summary>The --out folder, proved writable before any work.</summary>
    public static string WritableOut(ParseResult parse)
    {
        var dir = parse.GetValue(Out)!;
        OutputFolder.EnsureWritable(dir);
        return dir;
    }
}

using System.Collections.Concurrent;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Forecast.Inputs;
using Forecast.Model;
using Forecast.Simulation;

namespace Forecast.Benchmarks;

/// <summary>
/// How long a run may take: quick (CI, a couple of minutes: ShortRun job, smallest params),
/// full (the committed RESULTS.md: one launch, few iterations) or long (adds 100,000 trials).
/// Program sets <see cref="Variable"/> so the benchmark processes BenchmarkDotNet starts see it too.
/// </summary>
public static class BenchMode
{
    public const string Variable = "FORECAST_BENCH_MODE";
    public const string Quick = "quick";
    public const string Full = "full";
    public const string Long = "long";

    public static string Current
    {
        get
        {
            var v = Environment.GetEnvironmentVariable(Variable);
            return v is Quick or Long ? v : Full;
        }
    }

    public static bool IsQuick => Current == Quick;

    public static bool IsLong => Current == Long;

    /// <summary>Removes <c>--mode X</c> from the arguments BenchmarkDotNet gets.</summary>
    public static (string Mode, string[] Remaining) Extract(string[] args)
    {
        var mode = Current;
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--mode" && i + 1 < args.Length)
            {
                mode = args[++i];
                if (mode is not (Quick or Full or Long))
                {
                    throw new ArgumentException($"--mode must be quick, full or long, not '{mode}'");
                }
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        return (mode, rest.ToArray());
    }
}

/// <summary>The configuration every benchmark runs under; heavier classes add <see cref="HeavyConfig"/>.</summary>
public static class BenchConfig
{
    public static IConfig Create(string mode)
    {
        // Quick: BenchmarkDotNet's ShortRun (1 launch, 3 warm-up, 3 measured iterations).
        // Full: 1 launch, 3 warm-up, 10 measured iterations (not the default statistical stopping rule,
        // to keep run.sh under ~20 minutes on this 2-core machine). Long: BenchmarkDotNet's default.
        var job = mode switch
        {
            BenchMode.Quick => Job.ShortRun,
            BenchMode.Long => Job.Default,
            _ => Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10),
        };

        // The CLI runs with server GC, non-concurrent; measure under the same settings.
        job = job.WithGcServer(true).WithGcConcurrent(false).WithId(mode);
        return DefaultConfig.Instance
            .AddJob(job)
            .AddExporter(JsonExporter.Brief)
            .AddColumn(new AgentTrialYearColumn())
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(40));
    }
}

/// <summary>
/// Fewer iterations for benchmarks whose single invocation takes from a few hundred milliseconds
/// to tens of seconds (a whole-population kernel). Applied as a mutator, on top of the mode's job.
/// </summary>
public class HeavyConfig : ManualConfig
{
    public HeavyConfig()
    {
        var job = BenchMode.Current switch
        {
            BenchMode.Quick => Job.Default.WithWarmupCount(1).WithIterationCount(3),
            BenchMode.Long => Job.Default.WithWarmupCount(3).WithIterationCount(10),
            _ => Job.Default.WithWarmupCount(2).WithIterationCount(6),
        };
        AddJob(job.AsMutator());
    }
}

/// <summary>
/// For the slowest class (a 16x population over 10,000 trials is about a minute per invocation):
/// BenchmarkDotNet's Monitoring strategy (no jitting or pilot stage; one invocation per iteration),
/// one warm-up and two measured iterations (five in long mode).
/// </summary>
public class VeryHeavyConfig : ManualConfig
{
    public VeryHeavyConfig()
    {
        var job = Job.Default.WithStrategy(RunStrategy.Monitoring).WithWarmupCount(1)
            .WithIterationCount(BenchMode.IsLong ? 5 : 2);
        AddJob(job.AsMutator());
    }
}

/// <summary>The seeds folder and models (the baseline and populations scaled by an integer factor).</summary>
public static class BenchModels
{
    public const ulong Seed = 1;

    private static readonly ConcurrentDictionary<int, SimulationModel> Models = new();

    /// <summary>seeds/ next to Forecast.sln, found by walking up from the program; else FORECAST_SEEDS or ./seeds.</summary>
    public static string SeedsDir()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Forecast.sln")) && Directory.Exists(Path.Combine(dir.FullName, "seeds")))
                {
                    return Path.Combine(dir.FullName, "seeds");
                }
            }
        }

        return ModelInputs.LocateSeeds();
    }

    /// <summary>
    /// The baseline model with every enterprise stock (HTE, PTSME, Eaglet, candidates), firm
    /// formation and the entrant slots multiplied by <paramref name="scale"/>; incubators are left as
    /// they are. A scaled model draws its worlds from the (scaled) priors: the calibrated ensemble
    /// holds the district's own stocks.
    /// </summary>
    public static SimulationModel Get(int scale) => Models.GetOrAdd(scale, s =>
    {
        var p = ParametersLoader.Load(ModelInputs.Read(SeedsDir()));
        if (s != 1)
        {
            foreach (var input in new[] { UncertainInput.HteStock2020, UncertainInput.PtsmeStock2020, UncertainInput.EagletStock2020,
                UncertainInput.CandidateStock2020, UncertainInput.NewFirmsPerYear })
            {
                var prior = p.Priors[(int)input];
                p.Priors[(int)input] = prior with
                {
                    A = prior.Family == PriorFamily.Uniform ? prior.A : prior.A * s,
                    B = prior.Family == PriorFamily.Normal ? prior.B * s : prior.B,
                    Lo = prior.Lo * s,
                    Hi = prior.Hi * s,
                };
            }

            p.BaselinePriors = (Prior[])p.Priors.Clone();
            p.EntrantSlots *= s;
            p.Posterior = null;
        }

        return SimulationModel.Build(p);
    });

    public static int Agents(int scale) => Get(scale).Population.Enterprises.Length;
}

/// <summary>
/// "ns/agent-trial-year": the mean divided by the agent-trial-years one operation covers, from a
/// public static <c>double AgentTrialYearsPerOp(IReadOnlyDictionary&lt;string, object&gt; parameters)</c>
/// on the benchmark class (absent: the column shows "-").
/// </summary>
public sealed class AgentTrialYearColumn : IColumn
{
    public const string MethodName = "AgentTrialYearsPerOp";

    public string Id => nameof(AgentTrialYearColumn);

    public string ColumnName => "ns/agent-trial-year";

    public bool AlwaysShow => false;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Mean time per agent, trial and simulated year";

    public static double? PerOp(Type type, IReadOnlyDictionary<string, object> parameters)
    {
        var method = type.GetMethod(MethodName, BindingFlags.Public | BindingFlags.Static);
        return method is null ? null : (double?)method.Invoke(null, [parameters]);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var stats = summary[benchmarkCase]?.ResultStatistics;
        var parameters = benchmarkCase.Parameters.Items.ToDictionary(p => p.Name, p => p.Value);
        var ops = PerOp(benchmarkCase.Descriptor.Type, parameters);
        if (ops is null)
        {
            return "-";
        }

        return stats is null ? "NA" : (stats.Mean / ops.Value).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) =>
        summary.BenchmarksCases.Any(b => b.Descriptor.Type.GetMethod(MethodName, BindingFlags.Public | BindingFlags.Static) is not null);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}

/// <summary>Parameter lists by mode.</summary>
public static class BenchParams
{
    public static IEnumerable<int> SmallOrTwo(int small, int large) => BenchMode.IsQuick ? [small] : [small, large];
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Forecast.Aggregation;
using Forecast.Model;
using Forecast.Random;
using Forecast.Running;
using Forecast.Simulation;

namespace Forecast.Benchmarks;

/// <summary>
/// `export-kernel DIR [--trials N] [--repeats R]`: the enterprise kernel's inputs and outputs for one
/// batch of the baseline run, as .npy files for the numpy implementation (benchmarks/numpy), and this
/// kernel's own time on the same work. The batch runs as the local engine runs it (district layer,
/// incubators, coupling); each year's context (the per-trial rates and counts agents read) is saved
/// with the enterprises' per-trial metric sums, so the numpy kernel can step the same agents through
/// the same years and be checked against them before it is timed. Writes kernel-cs.txt (key=value):
/// the enterprise steps alone (Init in the first year, then Step; dormant agents skipped, as every
/// engine does) on one thread and on every core, median of R repeats.
/// </summary>
public static class KernelExport
{
    public static int Run(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: export-kernel DIR [--trials N] [--repeats R]");
            return 2;
        }

        var dir = args[0];
        var trials = 1000;
        var repeats = 5;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--trials" when i + 1 < args.Length: trials = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--repeats" when i + 1 < args.Length: repeats = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: Console.Error.WriteLine($"export-kernel: unknown argument '{args[i]}'"); return 2;
            }
        }

        if (trials < 2 || trials % 2 != 0)
        {
            Console.Error.WriteLine("export-kernel: --trials must be even and at least 2 (one Philox block serves a pair of trials)");
            return 2;
        }

        Directory.CreateDirectory(dir);
        var model = BenchModels.Get(1);
        var firms = model.Population.Enterprises;
        var rules = model.Rules;
        var contexts = new List<YearContext>();
        var expected = new List<long[]>();

        // The batch as the local engine runs it; the enterprises' own metrics kept apart each year.
        var coordinator = new BatchCoordinator(model, BenchModels.Seed, 0, trials);
        var states = new EnterpriseState[firms.Length * trials];
        var incubatorStates = new IncubatorState[model.Population.Incubators.Length * trials];
        var initialised = new bool[firms.Length];
        var run = coordinator.RunYears(model.LastYear, ctx =>
        {
            var acc = new Accumulator(trials);
            LocalBatchRunner.StepEnterprises(model, ctx, states, acc, 0, firms.Length, initialised);
            var enterprises = acc.Flush();
            expected.Add((long[])enterprises.Values.Clone());
            contexts.Add(ctx);
            var merged = new PartialAggregate(trials);
            merged.Merge(enterprises);
            LocalBatchRunner.StepIncubators(model, ctx, incubatorStates, merged);
            return ValueTask.FromResult(merged);
        });
        run.GetAwaiter().GetResult();

        WriteProfiles(dir, firms);
        WriteRules(dir, rules, model, trials);
        for (var y = 0; y < contexts.Count; y++)
        {
            var ctx = contexts[y];
            var singles = new float[YearContext.RateCount * trials];
            for (var r = 0; r < YearContext.RateCount; r++)
            {
                for (var t = 0; t < trials; t++)
                {
                    singles[(r * trials) + t] = ctx.Singles[YearContext.SingleIndex((Rate)r, t)];
                }
            }

            Npy.Write(Path.Combine(dir, $"rates-{ctx.Year}.npy"), singles, YearContext.RateCount, trials);
            Npy.Write(Path.Combine(dir, $"counts-{ctx.Year}.npy"), ctx.Counts, YearContext.CountCount, trials);
            Npy.Write(Path.Combine(dir, $"expected-{ctx.Year}.npy"), expected[y], Metrics.Count, trials);
        }

        // This kernel's time on the same work: one thread, then every core in chunks (as the local engine).
        var agentTrialYears = (double)firms.Length * trials * contexts.Count;
        var single = Time(repeats, () => StepAllYears(model, contexts, states, parallel: false));
        var parallel = Time(repeats, () => StepAllYears(model, contexts, states, parallel: true));
        var lines = new[]
        {
            $"agents={firms.Length}",
            $"trials={trials}",
            $"years={contexts.Count}",
            $"repeats={repeats}",
            $"cs_threads={Environment.ProcessorCount}",
            $"cs_1thread_s={single.ToString("R", CultureInfo.InvariantCulture)}",
            $"cs_1thread_ns={(single * 1e9 / agentTrialYears).ToString("0.###", CultureInfo.InvariantCulture)}",
            $"cs_parallel_s={parallel.ToString("R", CultureInfo.InvariantCulture)}",
            $"cs_parallel_ns={(parallel * 1e9 / agentTrialYears).ToString("0.###", CultureInfo.InvariantCulture)}",
            $"vector_path={PhiloxBatch.Best}",
        };
        File.WriteAllLines(Path.Combine(dir, "kernel-cs.txt"), lines);
        Console.WriteLine(string.Join('\n', lines));
        return 0;
    }

    private static void StepAllYears(SimulationModel model, List<YearContext> contexts, EnterpriseState[] states, bool parallel)
    {
        var firms = model.Population.Enterprises.Length;
        var initialised = new bool[firms]; // a fresh batch: each agent initialised before its first step, as in a run
        foreach (var ctx in contexts)
        {
            if (!parallel)
            {
                var acc = new Accumulator(ctx.Trials);
                LocalBatchRunner.StepEnterprises(model, ctx, states, acc, 0, firms, initialised);
                acc.Flush();
                continue;
            }

            const int chunk = LocalBatchRunner.ChunkSize;
            Parallel.For(0, (firms + chunk - 1) / chunk, () => new Accumulator(ctx.Trials),
                (c, _, acc) =>
                {
                    LocalBatchRunner.StepEnterprises(model, ctx, states, acc, c * chunk, Math.Min(firms, (c + 1) * chunk), initialised);
                    return acc;
                },
                acc => acc.Flush());
        }
    }

    private static double Time(int repeats, Action work)
    {
        work(); // warm-up: JIT and first touch of the states
        var seconds = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            work();
            seconds.Add(clock.Elapsed.TotalSeconds);
        }

        seconds.Sort();
        return seconds[seconds.Count / 2];
    }

    /// <summary>Every profile field the kernel reads, cast as the kernel casts it (singles from doubles, years as offsets).</summary>
    private static void WriteProfiles(string dir, EnterpriseProfile[] firms)
    {
        var n = firms.Length;
        int[] Ints(Func<EnterpriseProfile, int> f) => firms.Select(f).ToArray();
        float[] Singles(Func<EnterpriseProfile, double> f) => firms.Select(p => (float)f(p)).ToArray();
        Npy.Write(Path.Combine(dir, "tier0.npy"), Ints(p => (int)p.InitialTier), n);
        Npy.Write(Path.Combine(dir, "rank.npy"), Ints(p => p.Rank), n);
        Npy.Write(Path.Combine(dir, "institution0.npy"), Ints(p => p.InitialInstitution), n);
        Npy.Write(Path.Combine(dir, "cert0.npy"), Ints(p => Math.Max(0, p.CertYear - 2000)), n);
        Npy.Write(Path.Combine(dir, "born0.npy"), Ints(p => Math.Max(0, p.BornYear - 1900)), n);
        Npy.Write(Path.Combine(dir, "high_tech.npy"), Ints(p => p.HighTech ? 1 : 0), n);
        Npy.Write(Path.Combine(dir, "revenue0.npy"), Singles(p => p.Revenue0), n);
        Npy.Write(Path.Combine(dir, "rd_intensity.npy"), Singles(p => p.RdIntensity), n);
        Npy.Write(Path.Combine(dir, "centred_quality.npy"), Singles(p => (2 * p.Quality) - 1), n);
        Npy.Write(Path.Combine(dir, "va_ratio.npy"), Singles(p => p.VaRatio), n);
        Npy.Write(Path.Combine(dir, "invest_ratio.npy"), Singles(p => p.InvestRatio), n);
    }

    /// <summary>The step rules as the kernel holds them (singles), the seed's Philox key and the run's shape, as JSON.</summary>
    private static void WriteRules(string dir, StepRules r, SimulationModel model, int trials)
    {
        static float[] Singles(IEnumerable<double> v) => v.Select(x => (float)x).ToArray();
        var (k0, k1) = Streams.Key(BenchModels.Seed);
        var rules = new Dictionary<string, object>
        {
            ["key"] = new[] { k0, k1 },
            ["trials"] = trials,
            ["first_year"] = model.FirstYear,
            ["last_year"] = model.LastYear,
            ["certificate_years"] = r.CertificateYears,
            ["exit_rate"] = Singles(r.ExitRate),
            ["hte_apply"] = Singles(r.HteApply),
            ["ptsme_listing_candidate"] = (float)r.PtsmeListingCandidate,
            ["ptsme_listing_eaglet"] = (float)r.PtsmeListingEaglet,
            ["institution_upgrade"] = Singles(r.InstitutionUpgrade),
            ["hte_pass_cap"] = (float)r.HtePassCap,
            ["eaglet_max_age"] = (float)r.EagletMaxAge,
            ["eaglet_max_revenue"] = (float)r.EagletMaxRevenue,
            ["rd_threshold_small"] = (float)r.RdThresholdSmall,
            ["rd_threshold_medium"] = (float)r.RdThresholdMedium,
            ["rd_threshold_large"] = (float)r.RdThresholdLarge,
            ["medium_revenue"] = (float)r.MediumRevenue,
            ["large_revenue"] = (float)r.LargeRevenue,
            ["exit_small_revenue"] = (float)r.ExitSmallRevenue,
            ["exit_large_revenue"] = (float)r.ExitLargeRevenue,
            ["sme_max_revenue"] = (float)r.SmeMaxRevenue,
            ["above_scale_revenue"] = (float)r.AboveScaleRevenue,
            ["metrics"] = Enum.GetNames<Metric>(),
            ["rates"] = Enum.GetNames<Rate>(),
            ["counts"] = Enum.GetNames<TrialCount>(),
        };
        File.WriteAllText(Path.Combine(dir, "rules.json"), JsonSerializer.Serialize(rules, new JsonSerializerOptions { WriteIndented = true }));
    }
}

/// <summary>Writes NumPy's .npy format (version 1.0, little-endian, C order) for float32, int32 and int64 arrays.</summary>
internal static class Npy
{
    public static void Write<T>(string path, T[] values, params int[] shape)
        where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the .npy files are written little-endian, as this machine's memory");
        }

        var descr = typeof(T) == typeof(float) ? "<f4" : typeof(T) == typeof(int) ? "<i4" : typeof(T) == typeof(long) ? "<i8"
            : throw new ArgumentException($"no .npy type for {typeof(T)}");
        if (shape.Aggregate(1L, (a, b) => a * b) != values.Length)
        {
            throw new ArgumentException("shape does not match the values");
        }

        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        var total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + ((64 - (total % 64)) % 64)) + "\n";
        using var file = File.Create(path);
        file.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        file.Write(BitConverter.GetBytes((ushort)header.Length));
        file.Write(Encoding.ASCII.GetBytes(header));
        file.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }
}

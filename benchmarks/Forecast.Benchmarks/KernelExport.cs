using System.Diagnostics;
using System.Globalization;
using System.Text;
using Forecast.Aggregation;
using Forecast.Model;
using Forecast.Random;
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
        var run = coordinator.RunYears(model.LastYear, ctx =>
        {
            var acc = new Accumulator(trials);
            StepEnterprises(model, ctx, states, acc, 0, firms.Length);
            var enterprises = acc.Flush();
            expected.Add((long[])enterprises.Values.Clone());
            contexts.Add(ctx);
            var merged = new PartialAggregate(trials);
            merged.Merge(enterprises);
            for (var i = 0; i < model.Population.Incubators.Length; i++)
            {
                var span = incubatorStates.AsSpan(i * trials, trials);
                if (ctx.Year == model.FirstYear)
                {
                    IncubatorAgent.Init(model.Population.Incubators[i], span, ctx);
                }

                IncubatorAgent.Step(i, span, ctx, rules, merged);
            }

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
        foreach (var ctx in contexts)
        {
            if (!parallel)
            {
                var acc = new Accumulator(ctx.Trials);
                StepEnterprises(model, ctx, states, acc, 0, firms);
                acc.Flush();
                continue;
            }

            const int chunk = 256;
            Parallel.For(0, (firms + chunk - 1) / chunk, () => new Accumulator(ctx.Trials),
                (c, _, acc) =>
                {
                    StepEnterprises(model, ctx, states, acc, c * chunk, Math.Min(firms, (c + 1) * chunk));
                    return acc;
                },
                acc => acc.Flush());
        }
    }

    private static void StepEnterprises(SimulationModel model, YearContext ctx, EnterpriseState[] states, Accumulator acc, int from, int to)
    {
        var firms = model.Population.Enterprises;
        var trials = ctx.Trials;
        for (var a = from; a < to; a++)
        {
            var span = states.AsSpan(a * trials, trials);
            if (ctx.Year == model.FirstYear)
            {
                EnterpriseAgent.Init(firms[a], span, ctx, model.Rules, acc);
            }

            EnterpriseAgent.Step(firms[a], (uint)a, span, ctx, model.Rules, acc);
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
        string F(double v) => ((float)v).ToString("R", CultureInfo.InvariantCulture);
        string L(IEnumerable<double> v) => "[" + string.Join(", ", v.Select(F)) + "]";
        var (k0, k1) = Streams.Key(BenchModels.Seed);
        var json = new StringBuilder("{\n")
            .Append(CultureInfo.InvariantCulture, $"  \"key\": [{k0}, {k1}],\n")
            .Append(CultureInfo.InvariantCulture, $"  \"trials\": {trials},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"first_year\": {model.FirstYear},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"last_year\": {model.LastYear},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"certificate_years\": {r.CertificateYears},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"exit_rate\": {L(r.ExitRate)},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"hte_apply\": {L(r.HteApply)},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"ptsme_listing_candidate\": {F(r.PtsmeListingCandidate)},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"ptsme_listing_eaglet\": {F(r.PtsmeListingEaglet)},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"institution_upgrade\": {L(r.InstitutionUpgrade)},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"hte_pass_cap\": {F(r.HtePassCap)},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"eaglet_max_age\": {F(r.EagletMaxAge)},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"eaglet_max_revenue\": {F(r.EagletMaxRevenue)},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"rd_threshold_small\": {F(r.RdThresholdSmall)},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"rd_threshold_medium\": {F(r.RdThresholdMedium)},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"rd_threshold_large\": {F(r.RdThresholdLarge)},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"medium_revenue\": {F(r.MediumRevenue)},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"large_revenue\": {F(r.LargeRevenue)},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"exit_small_revenue\": {F(r.ExitSmallRevenue)},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"exit_large_revenue\": {F(r.ExitLargeRevenue)},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"sme_max_revenue\": {F(r.SmeMaxRevenue)},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"above_scale_revenue\": {F(r.AboveScaleRevenue)},\n")
            .Append(CultureInfo.InvariantCulture, $"  \"metrics\": [{string.Join(", ", Enum.GetNames<Metric>().Select(m => $"\"{m}\""))}],\n")
            .Append(CultureInfo.InvariantCulture, $"  \"rates\": [{string.Join(", ", Enum.GetNames<Rate>().Select(m => $"\"{m}\""))}],\n")
            .Append(CultureInfo.InvariantCulture, $"  \"counts\": [{string.Join(", ", Enum.GetNames<TrialCount>().Select(m => $"\"{m}\""))}]\n")
            .Append("}\n");
        File.WriteAllText(Path.Combine(dir, "rules.json"), json.ToString());
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

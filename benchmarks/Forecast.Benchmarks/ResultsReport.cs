using System.Globalization;
using System.Text;
using System.Text.Json;
using Forecast.Simulation;
using Forecast.Running;

namespace Forecast.Benchmarks;

/// <summary>
/// Writes RESULTS.md from BenchmarkDotNet's exports (results/*-report-brief.json for the figures,
/// *-report-github.md for the tables) and the key=value files run.sh and e2e.sh leave:
/// <c>report --artifacts DIR --out FILE [--e2e FILE] [--machine FILE] [--mode M] [--started UNIX]</c>.
/// Every ratio is taken within one BenchmarkDotNet run (methods of one class, same process launch
/// settings), from the medians of the measured iterations (sturdier than means on this shared machine). A goal missing its figures is reported as NOT MEASURED.
/// </summary>
public static class ResultsReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The widest instruction set the kernels use on this machine (the report runs where the benchmarks ran).</summary>
    private static string VectorPathName => Forecast.Random.PhiloxBatch.Best switch
    {
        Forecast.Random.VectorPath.Avx512 => "AVX-512",
        Forecast.Random.VectorPath.Avx2 => "AVX2",
        _ => "scalar",
    };

    private const string Avx2Prefix = "avx2:";

    public static int Run(string[] args)
    {
        var options = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        if (!options.TryGetValue("artifacts", out var artifacts) || !options.TryGetValue("out", out var outPath))
        {
            Console.Error.WriteLine("usage: report --artifacts DIR --out FILE [--e2e FILE] [--numpy FILE] [--machine FILE] [--mode M] [--started UNIX]");
            return 2;
        }

        var rows = LoadRows(Path.Combine(artifacts, "results"));
        // run.sh repeats the kernel class with AVX-512 switched off (DOTNET_EnableAVX512=0) on machines that have it.
        rows.AddRange(LoadRows(Path.Combine(artifacts, "avx2", "results")).Select(r => r with { Type = Avx2Prefix + r.Type }));
        var e2e = options.TryGetValue("e2e", out var e2ePath) ? KeyValues(e2ePath) : [];
        var machine = options.TryGetValue("machine", out var machinePath) ? KeyValues(machinePath) : [];
        var numpy = options.TryGetValue("numpy", out var numpyPath) && File.Exists(numpyPath) ? KeyValues(numpyPath) : [];
        var mode = options.GetValueOrDefault("mode", BenchMode.Full);
        var started = options.TryGetValue("started", out var s) ? long.Parse(s, Inv) : (long?)null;

        var text = Write(rows, e2e, numpy, machine, mode, started, Path.Combine(artifacts, "results"));
        File.WriteAllText(outPath, text);
        Console.WriteLine(text);
        return 0;
    }

    private sealed record Row(string Type, string Method, string Title, IReadOnlyDictionary<string, object> Params, double Time, double StdDev, double? Allocated);

    private static List<Row> LoadRows(string dir)
    {
        var rows = new List<Row>();
        if (!Directory.Exists(dir))
        {
            return rows;
        }

        foreach (var file in Directory.GetFiles(dir, "*-report-brief.json").Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var b in doc.RootElement.GetProperty("Benchmarks").EnumerateArray())
            {
                if (!b.TryGetProperty("Statistics", out var stats) || stats.ValueKind != JsonValueKind.Object)
                {
                    continue; // a benchmark that failed has no statistics
                }

                var parameters = new Dictionary<string, object>();
                foreach (var pair in (b.GetProperty("Parameters").GetString() ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries))
                {
                    var kv = pair.Split('=', 2);
                    parameters[kv[0]] = kv.Length > 1 ? kv[1] : "";
                }

                double? allocated = b.TryGetProperty("Memory", out var memory) && memory.ValueKind == JsonValueKind.Object
                    && memory.TryGetProperty("BytesAllocatedPerOperation", out var bytes) && bytes.ValueKind == JsonValueKind.Number
                    ? bytes.GetDouble() : null;
                if (allocated == 0 && memory.TryGetProperty("Gen0Collections", out var gen0) && gen0.GetInt32() > 0)
                {
                    allocated = null; // collections without allocation: BenchmarkDotNet lost the reading (its table shows "-")
                }
                rows.Add(new Row(
                    b.GetProperty("Type").GetString()!,
                    b.GetProperty("Method").GetString()!,
                    (b.GetProperty("MethodTitle").GetString() ?? "").Trim('\''),
                    parameters,
                    stats.GetProperty("Median").GetDouble(),
                    stats.GetProperty("StandardDeviation").GetDouble(),
                    allocated));
            }
        }

        return rows;
    }

    private static Dictionary<string, string> KeyValues(string path)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return d;
        }

        foreach (var line in File.ReadAllLines(path))
        {
            var i = line.IndexOf('=');
            if (i > 0 && !line.StartsWith('#'))
            {
                d[line[..i].Trim()] = line[(i + 1)..].Trim();
            }
        }

        return d;
    }

    /// <summary>A key=value file as the report shows it: one fenced block, in the file's order.</summary>
    private static void KeyValueBlock(StringBuilder sb, Dictionary<string, string> values)
    {
        sb.AppendLine("```");
        foreach (var (k, v) in values)
        {
            sb.AppendLine($"{k}={v}");
        }

        sb.AppendLine("```");
    }

    private static string Write(List<Row> rows, Dictionary<string, string> e2e, Dictionary<string, string> numpy, Dictionary<string, string> machine,
        string mode, long? started, string resultsDir)
    {
        Row? Find(string type, string method, params (string Key, string Value)[] ps) => rows.FirstOrDefault(r =>
            r.Type == type && r.Method == method && ps.All(p => r.Params.TryGetValue(p.Key, out var v) && (string)v == p.Value));
        IEnumerable<string> ParamValues(string type, string key) => rows.Where(r => r.Type == type && r.Params.ContainsKey(key))
            .Select(r => (string)r.Params[key]).Distinct().OrderBy(v => int.Parse(v, Inv));

        var goals = new List<string[]>();
        void Goal(string item, string measured, string goal, bool? met, string? note = null) =>
            goals.Add([item, measured, goal, met is null ? "NOT MEASURED" : met.Value ? "MET" : "NOT MET", note ?? ""]);
        void Info(string item, string measured, string note = "") => goals.Add([item, measured, "-", "-", note]);

        // 1. Reduction.
        var reduction = nameof(ReductionBenchmarks);
        var reductionTrials = ParamValues(reduction, "Trials").ToList();
        if (reductionTrials.Count == 0)
        {
            Goal("1 Reduction: PartialAggregate.MergeAll bandwidth / TensorPrimitives.Sum", "-", ">= 0.80x", null);
        }

        foreach (var t in reductionTrials)
        {
            var baseRow = Find(reduction, "SumSameBytes", ("Trials", t));
            var merge = Find(reduction, "MergeAll", ("Trials", t));
            var pairwise = Find(reduction, "Merge", ("Trials", t));
            var four = Find(reduction, "AddFourPerPass", ("Trials", t));
            var bytes = ReductionBenchmarks.SourceBytes(new Dictionary<string, object> { ["Trials"] = t });
            string Gbs(Row? r) => r is null ? "-" : F(bytes / r.Time, 1) + " GB/s";
            var count = ReductionBenchmarks.Partials(int.Parse(t, Inv));
            Goal($"1 Reduction, {count:N0} partials of {int.Parse(t, Inv):N0} trials: MergeAll bandwidth / Sum bandwidth",
                baseRow is null || merge is null ? "-" : $"{F(baseRow.Time / merge.Time, 2)}x ({Gbs(merge)} vs {Gbs(baseRow)})",
                ">= 0.80x", baseRow is null || merge is null ? null : baseRow.Time / merge.Time >= 0.8);
            if (baseRow is not null && pairwise is not null)
            {
                Info($"1 Reduction, {int.Parse(t, Inv):N0} trials: pairwise Merge, one partial per pass",
                    $"{F(baseRow.Time / pairwise.Time, 2)}x ({Gbs(pairwise)})", "for comparison");
            }

            if (baseRow is not null && four is not null)
            {
                Info($"1 Reduction, {int.Parse(t, Inv):N0} trials: hand vector loop, 4 partials per pass",
                    $"{F(baseRow.Time / four.Time, 2)}x ({Gbs(four)})", "for comparison; not used by the engines");
            }
        }

        // 2. Fused accumulation.
        {
            var alone = Find(nameof(FusedAccumulationBenchmarks), "SimulateAlone");
            var fused = Find(nameof(FusedAccumulationBenchmarks), "Fused");
            var discard = Find(nameof(FusedAccumulationBenchmarks), "Discard");
            Goal("2 Fused accumulation: Step with AccumulatorSink / with FoldSink (simulate alone; 1 year, 1,000 trials, 1 thread)",
                alone is null || fused is null ? "-" : $"{F(fused.Time / alone.Time, 2)}x ({Ms(fused.Time)} vs {Ms(alone.Time)})",
                "<= 1.10x", alone is null || fused is null ? null : fused.Time / alone.Time <= 1.10,
                "FoldSink computes every contribution and xor-folds it into registers; nothing is stored per trial");
            if (discard is not null && fused is not null)
            {
                Info("2 Fused accumulation: Step with AccumulatorSink / with DiscardSink",
                    $"{F(fused.Time / discard.Time, 2)}x ({Ms(fused.Time)} vs {Ms(discard.Time)})",
                    "for comparison: with DiscardSink the JIT drops the contributions' own arithmetic (money rounding, count packing)");
            }
        }

        // 3. Merge.
        var mergeTrials = ParamValues(nameof(MergeBenchmarks), "Trials").ToList();
        if (mergeTrials.Count == 0)
        {
            Goal("3 Merge: PartialAggregate.Merge bandwidth / Array.Copy", "-", ">= 0.75x", null);
        }

        foreach (var t in mergeTrials)
        {
            var copy = Find(nameof(MergeBenchmarks), "CopySameBytes", ("Trials", t));
            var merge = Find(nameof(MergeBenchmarks), "Merge", ("Trials", t));
            Goal($"3 Merge, partial of {int.Parse(t, Inv):N0} trials: Merge bandwidth / Array.Copy bandwidth",
                copy is null || merge is null ? "-" : $"{F(copy.Time / merge.Time, 2)}x ({Us(merge.Time)} vs {Us(copy.Time)})",
                ">= 0.75x", copy is null || merge is null ? null : copy.Time / merge.Time >= 0.75);
        }

        // 6 first: the run time item 4's share needs.
        var scaling = nameof(ScalingBenchmarks);
        var scalingRows = rows.Where(r => r.Type == scaling && r.Method == "OneYear").ToList();
        double PerAty(Row r) => r.Time / ScalingBenchmarks.AgentTrialYearsPerOp(r.Params);
        var smallest = scalingRows
            .OrderBy(r => int.Parse((string)r.Params["PopulationScale"], Inv))
            .ThenBy(r => int.Parse((string)r.Params["Trials"], Inv))
            .FirstOrDefault();
        var agents1 = BenchModels.Agents(1);
        var years = BenchModels.Get(1).Years;
        var run1x = scalingRows.Where(r => (string)r.Params["PopulationScale"] == "1")
            .OrderByDescending(r => int.Parse((string)r.Params["Trials"], Inv)).FirstOrDefault();
        double? runNs = run1x is null ? null : PerAty(run1x) * agents1 * 10_000 * years;

        // 4. Finalise.
        {
            var sort = Find(nameof(FinaliseBenchmarks), "SortBased");
            var sel = Find(nameof(FinaliseBenchmarks), "Summarise");
            Goal("4 Finalise 10,000 trials (P5..P95, P1..P99, mean, sd, histogram, targets, joint): sort-based time / Finaliser.Statistics time",
                sort is null || sel is null ? "-" : $"{F(sort.Time / sel.Time, 1)}x faster ({Ms(sel.Time)} vs {Ms(sort.Time)})",
                ">= 20x", sort is null || sel is null ? null : sort.Time / sel.Time >= 20);
            var shares = new List<string>();
            if (sel is not null && runNs is not null)
            {
                shares.Add($"{Pct(sel.Time / (runNs.Value + sel.Time))} of a 10,000-trial run estimated from item 6 "
                    + $"({F(PerAty(run1x!), 2)} ns/agent-trial-year x {agents1:N0} agents x 10,000 x {years} years = {F(runNs.Value / 1e9, 2)} s)");
            }

            if (sel is not null && e2e.TryGetValue("local_wall", out var lw) && e2e.GetValueOrDefault("trials") == "10000")
            {
                shares.Add($"{Pct(sel.Time / 1e9 / double.Parse(lw, Inv))} of the measured `--engine local` wall time ({lw} s, item 7)");
            }

            Info("4 Finalise: share of a run", shares.Count == 0 ? "-" : string.Join("; ", shares));
        }

        // 5. Kernel: per agent-trial-year from the actual population (see KernelBenchmarks), on the
        // widest path and, where run.sh repeated the class with AVX-512 off, on AVX2 too.
        foreach (var (prefix, path) in new[] { ("", VectorPathName), (Avx2Prefix, "AVX2, AVX-512 switched off") })
        {
            var full = Find(prefix + nameof(KernelBenchmarks), "FullModel");
            var bare = Find(prefix + nameof(KernelBenchmarks), "BareFourTier");
            var bareScalar = Find(prefix + nameof(KernelBenchmarks), "BareFourTierScalar");
            if (prefix.Length > 0 && full is null)
            {
                continue; // not repeated: this machine has no AVX-512, so the first pass was AVX2
            }

            var ops = KernelBenchmarks.AgentTrialYearsPerOp(new Dictionary<string, object>());
            Goal($"5 Kernel ({path}): LocalBatchRunner.RunBatch, {KernelBenchmarks.Agents:N0} agents x {KernelBenchmarks.Trials:N0} trials x {KernelBenchmarks.Years} years, 2 threads, / the bare four-tier kernel",
                full is null || bare is null ? "-" : $"{F(full.Time / bare.Time, 2)}x ({F(full.Time / ops, 2)} vs {F(bare.Time / ops, 2)} ns/agent-trial-year)",
                "<= 1.5x", full is null || bare is null ? null : full.Time / bare.Time <= 1.5);
            if (bare is not null)
            {
                Info($"5 Kernel baseline ({path}): bare four-tier kernel (1 byte of state)", $"{F(bare.Time / ops, 2)} ns/agent-trial-year"
                    + (bareScalar is null ? "" : $"; scalar path {F(bareScalar.Time / ops, 2)} ns"));
            }
        }

        // 5b. Orleans' own cost per call beside the work a call carries (the grain path's floor).
        {
            var steps = Find(nameof(GrainCallBenchmarks), "AgentSteps");
            var inFlight = Find(nameof(GrainCallBenchmarks), "PingAll");
            var oneByOne = Find(nameof(GrainCallBenchmarks), "PingOneByOne");
            var calls = GrainCallBenchmarks.CallsPerOp(new Dictionary<string, object>());
            Info($"5b Grain call floor: a do-nothing grain call ({GrainCallBenchmarks.Calls:N0} in flight) / one agent step of {GrainCallBenchmarks.Trials:N0} trials called directly",
                steps is null || inFlight is null ? "-" : $"{F(inFlight.Time / steps.Time, 2)}x ({F(inFlight.Time / calls / 1e3, 1)} us vs {F(steps.Time / calls / 1e3, 1)} us a call)"
                    + (oneByOne is null ? "" : $"; one at a time {F(oneByOne.Time / steps.Time, 2)}x ({F(oneByOne.Time / calls / 1e3, 1)} us)"),
                "the grain path's floor: one such call per awake agent, year and batch, beside the step it carries");
        }

        // 6. Scaling.
        if (scalingRows.Count == 0 || smallest is null)
        {
            Goal("6 Scaling: linear cost, bounded memory", "-", "linear, bounded", null);
        }
        else
        {
            var perAty0 = PerAty(smallest);
            var worst = scalingRows.Max(r => PerAty(r) / perAty0);
            var worstRow = scalingRows.MaxBy(r => PerAty(r) / perAty0)!;
            Goal("6 Scaling: ns/agent-trial-year of every configuration / the smallest's (1 year)",
                $"at most {F(worst, 2)}x (worst: {Config(worstRow)}; smallest {F(perAty0, 2)} ns)",
                "<= 1.25x (linear)", worst <= 1.25);

            // Memory: allocated per batch at the most trials, against 1,000 trials, per population.
            var memoryNotes = new List<string>();
            bool? bounded = true;
            foreach (var group in scalingRows.GroupBy(r => (string)r.Params["PopulationScale"]).OrderBy(g => int.Parse(g.Key, Inv)))
            {
                var least = group.MinBy(r => int.Parse((string)r.Params["Trials"], Inv))!;
                var most = group.MaxBy(r => int.Parse((string)r.Params["Trials"], Inv))!;
                if (least.Allocated is null || most.Allocated is null)
                {
                    bounded = null;
                    continue;
                }

                var a0 = least.Allocated.Value / ScalingBenchmarks.Batches(least.Params);
                var a1 = most.Allocated.Value / ScalingBenchmarks.Batches(most.Params);
                memoryNotes.Add($"{group.Key}x: {Mb(a1)} per batch at {int.Parse((string)most.Params["Trials"], Inv):N0} trials"
                    + (least == most ? "" : $" vs {Mb(a0)} at {int.Parse((string)least.Params["Trials"], Inv):N0}"));
                if (least != most && a1 > 1.10 * a0)
                {
                    bounded = false;
                }
            }

            var single = scalingRows.Select(r => (string)r.Params["Trials"]).Distinct().Count() < 2;
            Info("6 Scaling: bytes allocated per 1,000-trial batch as trials grow (MemoryDiagnoser)",
                string.Join("; ", memoryNotes) + (single ? "" : bounded == true ? " (within 1.10x)" : " (more than 1.10x)"),
                "state buffers are native and reused between batches, so what remains is per-batch bookkeeping (district draws, accumulators, the batch's table)");
        }

        if (e2e.TryGetValue("local_rss_kb", out var rssBig) && e2e.TryGetValue("local_small_rss_kb", out var rssSmall)
            && e2e.TryGetValue("local_small_trials", out var smallTrials))
        {
            var big = double.Parse(rssBig, Inv) * 1024;
            var text = $"{Mb(double.Parse(rssSmall, Inv) * 1024)} at {int.Parse(smallTrials, Inv):N0} trials, {Mb(big)} at {int.Parse(e2e["trials"], Inv):N0}";
            if (e2e.TryGetValue("local_large_rss_kb", out var rssLarge) && e2e.TryGetValue("local_large_trials", out var largeTrials))
            {
                var large = double.Parse(rssLarge, Inv) * 1024;
                var agentTrialBytes = (double)KernelBenchmarks.Agents * (int.Parse(largeTrials, Inv) - int.Parse(e2e["trials"], Inv)) * 8;
                var share = (large - big) / agentTrialBytes;
                Goal("6 Scaling: peak resident memory of `forecast run --engine local` (5 years) as trials grow 10x",
                    $"{text}, {Mb(large)} at {int.Parse(largeTrials, Inv):N0}: +{Mb(large - big)}, {F(100 * share, 1)}% of the {Mb(agentTrialBytes)} an agent x trial store would add",
                    "<= 5% (no agent x trial storage)", share <= 0.05,
                    "from e2e.sh (/usr/bin/time max RSS); what grows is the per-trial results table (18 indicators x 5 years x 8 bytes a trial) and its finalisation");
            }
            else
            {
                Info("6 Scaling: peak resident memory of `forecast run --engine local` (5 years)", text, "from e2e.sh (/usr/bin/time max RSS)");
            }
        }

        // 7. End to end.
        {
            var trials = e2e.GetValueOrDefault("trials");
            var ow = e2e.TryGetValue("orleans_wall", out var o) ? double.Parse(o, Inv) : (double?)null;
            var lw = e2e.TryGetValue("local_wall", out var l) ? double.Parse(l, Inv) : (double?)null;
            var at10k = trials == "10000";
            var wallGoal = VectorPathName == "AVX-512" ? 3.0 : 5.0;
            Goal($"7 End to end: `forecast run --trials {trials ?? "?"}` (embedded silo), process start to exit, median of {e2e.GetValueOrDefault("runs", "?")}",
                ow is null ? "-" : $"{F(ow.Value, 2)} s" + (lw is null ? "" : $" (`--engine local`: {F(lw.Value, 2)} s)"),
                $"<= {F(wallGoal, 0)} s at 10,000 trials ({VectorPathName})", ow is null ? null : at10k ? ow <= wallGoal : null,
                ow is not null && !at10k ? $"ran {trials} trials (quick mode); the goal is for 10,000" : null);
            var oc = e2e.TryGetValue("orleans_cpu", out var ocs) ? double.Parse(ocs, Inv) : (double?)null;
            var lc = e2e.TryGetValue("local_cpu", out var lcs) ? double.Parse(lcs, Inv) : (double?)null;
            Goal("7 End to end: CPU time (user + sys) of the grain path / the pure (`--engine local`) path, same work",
                oc is null || lc is null ? "-" : $"{F(oc.Value / lc.Value, 2)}x ({F(oc.Value, 1)} vs {F(lc.Value, 1)} CPU-s)",
                "<= 1.25x", oc is null || lc is null ? null : oc / lc <= 1.25,
                oc is not null && !at10k ? $"at {trials} trials silo start-up weighs more than at 10,000" : null);
            var orss = e2e.TryGetValue("orleans_rss_kb", out var ors) ? double.Parse(ors, Inv) / 1024 / 1024 : (double?)null;
            Goal("7 End to end: peak resident memory of the embedded run",
                orss is null ? "-" : $"{F(orss.Value, 2)} GiB", "<= 1 GB", orss is null ? null : orss * 1.073741824 <= 1.0);
            Info("7 End to end: wall-time throughput of the grain path / the pure path",
                ow is null || lw is null ? "-" : $"{F(lw.Value / ow.Value, 2)}x");
            if (e2e.TryGetValue("study_orleans_wall", out var sow) && e2e.TryGetValue("study_local_wall", out var slw))
            {
                var (so, sl) = (double.Parse(sow, Inv), double.Parse(slw, Inv));
                var srss = e2e.TryGetValue("study_orleans_rss_kb", out var sr) ? $", peak {F(double.Parse(sr, Inv) / 1024 / 1024, 2)} GiB" : "";
                Goal("7 End to end: `forecast sensitivity --trials 2000` over every lever (19 runs), process start to exit, one run",
                    $"{F(so, 1)} s embedded silo{srss}; {F(sl, 1)} s `--engine local`", "<= 30 s", so <= 30,
                    sl <= 30 ? "met on the local engine" : null);
            }
        }

        // 8. The same kernel in numpy (benchmarks/numpy/compare.sh), judged like for like: numpy is single-threaded.
        if (numpy.TryGetValue("cs_speedup_1thread", out var s1) && numpy.TryGetValue("cs_speedup_parallel", out var sp))
        {
            var single = double.Parse(s1, Inv);
            Goal("8 numpy: the enterprise kernel in numpy (same inputs; every per-trial metric sum checked equal) / the C# kernel, one thread each, ns/agent-trial-year",
                $"{F(single, 1)}x faster ({numpy["numpy_ns"]} vs {numpy["cs_1thread_ns"]} ns); C# on all {numpy.GetValueOrDefault("cs_threads", "?")} cores: "
                + $"{F(double.Parse(sp, Inv), 1)}x ({numpy["cs_parallel_ns"]} ns)",
                ">= 20x faster", single >= 20, $"numpy {numpy.GetValueOrDefault("numpy_version", "?")}");
        }
        else
        {
            Goal("8 numpy: the enterprise kernel in numpy / the C# kernel", "-", ">= 20x faster", null,
                mode == BenchMode.Quick ? "not run in quick mode" : machine.GetValueOrDefault("numpy_status", "not run"));
        }

        var sb = new StringBuilder();
        sb.AppendLine("# Benchmark results");
        sb.AppendLine();
        sb.AppendLine("Generated by `benchmarks/run.sh" + (mode == BenchMode.Quick ? " --quick" : mode == BenchMode.Long ? " --long" : "") + "`; do not edit by hand.");
        sb.AppendLine();
        sb.AppendLine($"- Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        sb.AppendLine($"- Mode: {mode} ({ModeText(mode)})");
        sb.AppendLine($"- Machine: {machine.GetValueOrDefault("cpu", "?")}, {machine.GetValueOrDefault("cores", Environment.ProcessorCount.ToString(Inv))} cores, "
            + $"{machine.GetValueOrDefault("memory", "?")} memory; {machine.GetValueOrDefault("os", Environment.OSVersion.ToString())}");
        sb.AppendLine($"- Vector path: {VectorPathName}" + (VectorPathName == "AVX-512" ? "" : " (this machine has no AVX-512; issue 3's goals were set on one that has it, where the kernels step twice the trials per instruction)"));
        sb.AppendLine($"- .NET: SDK {machine.GetValueOrDefault("dotnet", "?")}, runtime {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}; "
            + "server GC, non-concurrent (as the CLI); BenchmarkDotNet 0.15.8");
        if (machine.TryGetValue("commit", out var commit))
        {
            sb.AppendLine($"- Code: commit {commit}" + (machine.TryGetValue("dirty", out var dirty) && dirty != "0" ? $" plus {dirty} uncommitted change(s) under src/ and client/ (measured as built)" : ""));
        }

        if (started is not null)
        {
            sb.AppendLine($"- run.sh took {Duration(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - started.Value)} up to writing this file"
                + (machine.TryGetValue("bench_seconds", out var bs) ? $" (BenchmarkDotNet {Duration(long.Parse(bs, Inv))}" : "")
                + (machine.TryGetValue("e2e_seconds", out var es) ? $", e2e.sh {Duration(long.Parse(es, Inv))})" : machine.ContainsKey("bench_seconds") ? ")" : ""));
        }

        if (machine.TryGetValue("load_start", out var load0))
        {
            sb.AppendLine($"- Load average (1, 5, 15 min) at the start: {load0}; at the end: {machine.GetValueOrDefault("load_end", "?")} "
                + "(2 cores; the benchmarks themselves load up to 2, so a start value well above 0 means other work shared the machine)");
        }

        sb.AppendLine();
        sb.AppendLine("The machine is shared and noisy (5-10%, at times 2x; see `../shared/PERF-NOTES.md`): each figure below is the "
            + "median of a benchmark's measured iterations and each ratio is taken between methods of one BenchmarkDotNet run; compare ratios, not absolute times across runs. "
            + "A goal that is NOT MET is reported as measured; run.sh fails only when something crashes.");
        sb.AppendLine();
        sb.AppendLine("## Goals");
        sb.AppendLine();
        sb.AppendLine("| item | measured | goal | status | note |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var g in goals)
        {
            sb.AppendLine($"| {g[0]} | {g[1]} | {g[2]} | {g[3]} | {g[4]} |");
        }

        sb.AppendLine();
        sb.AppendLine("## Scaling detail (item 6)");
        sb.AppendLine();
        if (scalingRows.Count > 0 && smallest is not null)
        {
            sb.AppendLine("| population | agents | trials | median time | ns/agent-trial-year | vs smallest | allocated/op | allocated per batch | bytes per agent-trial |");
            sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in scalingRows.OrderBy(r => int.Parse((string)r.Params["PopulationScale"], Inv)).ThenBy(r => int.Parse((string)r.Params["Trials"], Inv)))
            {
                var scale = int.Parse((string)r.Params["PopulationScale"], Inv);
                var trials = int.Parse((string)r.Params["Trials"], Inv);
                var agents = BenchModels.Agents(scale);
                sb.AppendLine($"| {scale}x | {agents:N0} | {trials:N0} | {Ms(r.Time)} | {F(PerAty(r), 2)} | {F(PerAty(r) / PerAty(smallest), 2)}x | "
                    + $"{(r.Allocated is null ? "-" : Mb(r.Allocated.Value))} | {(r.Allocated is null ? "-" : Mb(r.Allocated.Value / ScalingBenchmarks.Batches(r.Params)))} | "
                    + $"{(r.Allocated is null ? "-" : F(r.Allocated.Value / ((double)agents * trials), 2))} |");
            }

            sb.AppendLine();
            sb.AppendLine($"One simulated year (2021) per operation, in batches of {RunPlan.DefaultBatchSize:N0} trials. Allocated bytes are what "
                + "MemoryDiagnoser counts per operation (all GC allocations, not the peak; \"-\" where it lost the reading): a batch's states "
                + "(8 bytes per agent and trial) live in native buffers reused between batches, which it does not count, so what is live at once is "
                + "one batch per eight cores, whatever the number of trials, and what is allocated is bookkeeping. Each batch's set-up (initialising states, the district's per-trial draws) is paid once per simulated year here, "
                + "so ns/agent-trial-year is above item 5's five-year figure; the point of this table is how it changes with trials and population.");
        }
        else
        {
            sb.AppendLine("Not measured.");
        }

        sb.AppendLine();
        sb.AppendLine("## End to end (item 7)");
        sb.AppendLine();
        if (e2e.Count > 0)
        {
            KeyValueBlock(sb, e2e);
            sb.AppendLine();
            sb.AppendLine("Wall time from process start to exit of the Release build (`dotnet client/Forecast.Cli/bin/Release/net10.0/forecast.dll run ...`, "
                + "run from the repository root, output to a temporary folder), measured with " + e2e.GetValueOrDefault("tool", "?")
                + "; each figure is the " + (e2e.GetValueOrDefault("runs", "1") == "1" ? "only run" : $"median of {e2e["runs"]} runs") + ". "
                + "CPU = user + sys of the whole process (median). Throughput ratio = local wall / grain wall; CPU ratio = grain CPU / local CPU (same trials).");
        }
        else
        {
            sb.AppendLine("Not measured.");
        }

        sb.AppendLine();
        sb.AppendLine("## numpy comparison (item 8)");
        sb.AppendLine();
        if (numpy.Count > 0)
        {
            KeyValueBlock(sb, numpy);
            sb.AppendLine();
            sb.AppendLine($"From `benchmarks/numpy/compare.sh`: `Forecast.Benchmarks export-kernel` runs one {(int.TryParse(numpy.GetValueOrDefault("trials"), Inv, out var nt) ? nt.ToString("N0", Inv) : "?")}-trial batch of the baseline "
                + $"({numpy.GetValueOrDefault("years", "?")}) as the local engine does, saves each year's per-trial rates and counts with the enterprises' per-trial metric sums, "
                + $"and times the C# enterprise steps on them (median of {numpy.GetValueOrDefault("cs_repeats", "?")}; one thread, then every core). "
                + $"`enterprise_kernel.py` steps the same enterprises through the same years in numpy (whole arrays of {numpy.GetValueOrDefault("numpy_chunk", "?")} agents x the trials per operation, "
                + "the same single-precision expressions and Philox4x32-10 uniforms, dormant agents skipped as the engines do), stops unless every metric's per-trial sum equals the C# one in every year, "
                + $"then times itself (median of {numpy.GetValueOrDefault("numpy_repeats", "?")}). Only the enterprise kernel is compared (the district layer and incubators are not ported). "
                + "glibc's malloc is tuned so numpy's temporaries are reused rather than mapped afresh for every operation.");
        }
        else
        {
            sb.AppendLine("Not measured.");
        }

        sb.AppendLine();
        sb.AppendLine("## BenchmarkDotNet tables");
        sb.AppendLine();
        sb.AppendLine("As exported to `benchmarks/BenchmarkDotNet.Artifacts/results/*-report-github.md` (not committed).");
        var tables = Directory.Exists(resultsDir) ? Directory.GetFiles(resultsDir, "*-report-github.md") : [];
        Array.Sort(tables, StringComparer.Ordinal);
        foreach (var file in tables)
        {
            var name = Path.GetFileName(file).Replace("-report-github.md", "").Replace("Forecast.Benchmarks.", "");
            sb.AppendLine();
            sb.AppendLine($"### {name}");
            sb.AppendLine();
            var lines = File.ReadAllLines(file);

            // Keep the job line and the table; the environment block is the same for every class.
            var inBlock = false;
            foreach (var line in lines)
            {
                if (line.StartsWith("```", StringComparison.Ordinal))
                {
                    inBlock = !inBlock;
                    continue;
                }

                if (inBlock)
                {
                    if (line.StartsWith("Job=", StringComparison.Ordinal) || line.StartsWith("IterationCount=", StringComparison.Ordinal)
                        || line.StartsWith("InvocationCount=", StringComparison.Ordinal) || line.StartsWith("UnrollFactor=", StringComparison.Ordinal))
                    {
                        sb.AppendLine($"`{line.Trim()}`  ");
                    }

                    continue;
                }

                sb.AppendLine(line);
            }
        }

        return sb.ToString();
    }

    private static string ModeText(string mode) => mode switch
    {
        BenchMode.Quick => "BenchmarkDotNet ShortRun job: 1 launch, 3 warm-up and 3 measured iterations; the kernel and fused classes 1 warm-up and 3 iterations, the scaling class 1 warm-up and 2 iterations (Monitoring strategy: one invocation each); smallest params; e2e at 1,000 trials, one run",
        BenchMode.Long => "BenchmarkDotNet default job; 100,000 trials added to the scaling class",
        _ => "1 launch, 3 warm-up and 10 measured iterations per benchmark, not BenchmarkDotNet's default stopping rule, to keep run.sh "
            + "under ~20 minutes; the kernel and fused classes 2 warm-up and 6 iterations, the scaling class 1 warm-up and 2 iterations of one invocation each (Monitoring strategy); e2e at 10,000 trials, median of 5 runs",
    };

    private static string Config(Row r) =>
        $"{r.Params["PopulationScale"]}x population, {int.Parse((string)r.Params["Trials"], Inv):N0} trials";

    private static string F(double v, int digits) => v.ToString("F" + digits.ToString(Inv), Inv);

    private static string Pct(double v) => (100 * v).ToString(v < 0.001 ? "0.000" : "0.0", Inv) + "%";

    private static string Ms(double ns) => ns >= 1e9 ? F(ns / 1e9, 2) + " s" : F(ns / 1e6, ns >= 1e8 ? 0 : 2) + " ms";

    private static string Us(double ns) => F(ns / 1e3, 2) + " us";

    private static string Mb(double bytes) => bytes >= 1e9 ? F(bytes / 1e9, 2) + " GB" : F(bytes / 1e6, 1) + " MB";

    private static string Duration(long seconds) => seconds >= 60 ? $"{seconds / 60} min {seconds % 60} s" : $"{seconds} s";
}

using BenchmarkDotNet.Running;
using Forecast.Benchmarks;

// `report ...` regenerates RESULTS.md from BenchmarkDotNet's exports (see ResultsReport);
// `export-kernel DIR` writes the numpy comparison's inputs (see KernelExport);
// anything else goes to BenchmarkDotNet, with `--mode quick|full|long` picking the run length.
if (args.Length > 0 && args[0] == "report")
{
    return ResultsReport.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "export-kernel")
{
    return KernelExport.Run(args[1..]);
}

var (mode, rest) = BenchMode.Extract(args);
Environment.SetEnvironmentVariable(BenchMode.Variable, mode); // inherited by the benchmark processes
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest, BenchConfig.Create(mode));

// Exit non-zero only when something crashed (a benchmark threw or did not build), never on a figure.
var failed = summaries
    .Where(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success) || s.BenchmarksCases.Length > s.Reports.Length)
    .Select(s => s.Title)
    .ToList();
foreach (var title in failed)
{
    Console.Error.WriteLine($"benchmarks: {title} did not complete");
}

return failed.Count == 0 ? 0 : 1;

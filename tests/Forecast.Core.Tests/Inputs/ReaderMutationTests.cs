using System.Diagnostics;
using System.Text;
using Forecast.Inputs;
using Forecast.Model;
using Xunit.Abstractions;

namespace Forecast.Core.Tests.Inputs;

/// <summary>
/// A seeded mutation test of the readers: 10,000 mutants of the shipped input files (bits flipped, bytes
/// replaced, YAML and number tokens inserted, ranges deleted or doubled, lines swapped, files cut short),
/// each read as the program reads it (strict UTF-8, then the loader). A mutant may load or be refused
/// with an <see cref="InputException"/>; any other exception is a crash, and a read that does not
/// finish is a hang. The seed and the mutant's number reproduce any failure.
/// </summary>
public sealed class ReaderMutationTests(ITestOutputHelper output)
{
    private const ulong Seed = 20220218;

    private static readonly byte[][] Tokens = new[]
    {
        "\n", ":", ": ", "- ", "[", "]", "{", "}", ",", "&a ", "*a", "!!binary ", "!x ", "\"", "'", "#", "\t", "  ", ".nan", ".inf", "-.inf",
        "1e999", "-1e308", "99999999999999999999999", "-0", "0x1F", "~", "null", "true", "<<: *a\n", "? ", "|\n", ">\n", "%YAML 1.1\n",
        "---\n", "...\n", "\\u0000", "é", "中", "\r", "\r\n", "%", "@", "`", "&", "*", "!",
    }.Select(Encoding.UTF8.GetBytes).Concat([[0x00], [0x01], [0x1B], [0x7F], [0xC3], [0xFF], [0xFE, 0xFF], [0xEF, 0xBB, 0xBF]]).ToArray();

    [Fact]
    public void Ten_thousand_mutants_of_the_shipped_files_are_read_or_refused_never_crash_never_hang()
    {
        var seeds = TestModels.Seeds;
        var intact = ModelInputs.Read(seeds);
        var scenarios = Directory.GetFiles(Path.Combine(seeds, "scenarios"), "*.yaml").Order(StringComparer.Ordinal).ToArray();

        // What is mutated, how many times, and how a mutant is read (the other files as shipped).
        var plan = new List<(string File, int Count, Action<string> Read)>
        {
            (Path.Combine(seeds, ModelInputs.BaselineFile), 4_000, t => ParametersLoader.Load(intact.WithoutCalibration() with { BaselineYaml = t })),
            (Path.Combine(seeds, ModelInputs.TargetsFile), 1_500, t => ParametersLoader.Load(intact.WithoutCalibration() with { TargetsYaml = t })),
            (Path.Combine(seeds, ModelInputs.CalibrationFile), 400, t => ParametersLoader.Load(intact with { CalibrationYaml = t })),
            (Path.Combine(seeds, ModelInputs.PosteriorFile), 300, t => ParametersLoader.Load(intact with { PosteriorCsv = t })),
        };
        plan.AddRange(scenarios.Select(f => (f, 3_800 / scenarios.Length, (Action<string>)(t => ParametersLoader.Load(intact.WithoutCalibration() with { ScenarioYaml = t })))));
        var total = plan.Sum(p => p.Count);
        Assert.True(total >= 10_000, $"{total} mutants");

        var jobs = plan.SelectMany(p => Enumerable.Range(0, p.Count).Select(k => (p.File, Index: k, p.Read, Bytes: File.ReadAllBytes(p.File)))).ToList();
        var crashes = new System.Collections.Concurrent.ConcurrentBag<string>();
        var perFile = new System.Collections.Concurrent.ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var (refused, loaded, slowest) = (0, 0, 0L);
        var clock = Stopwatch.StartNew();
        Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, job =>
        {
            var name = $"{Path.GetFileName(job.File)} #{job.Index}";
            var mutant = Mutate(job.Bytes, new System.Random(StableSeed(Path.GetFileName(job.File), job.Index)));
            var started = Stopwatch.GetTimestamp();
            var read = Task.Run(() =>
            {
                try
                {
                    job.Read(InputFile.Decode(job.File, mutant));
                    Interlocked.Increment(ref loaded);
                }
                catch (InputException e) when (!string.IsNullOrWhiteSpace(e.Problem))
                {
                    Interlocked.Increment(ref refused);
                }
                catch (Exception e)
                {
                    crashes.Add($"{name}: {e.GetType().Name}: {e.Message}");
                }
            });
            if (!read.Wait(TimeSpan.FromSeconds(30)))
            {
                crashes.Add($"{name}: did not finish in 30 s");
            }

            var ticks = Stopwatch.GetTimestamp() - started;
            InterlockedMax(ref slowest, ticks);
            perFile.AddOrUpdate(Path.GetFileName(job.File), ticks, (_, t) => t + ticks);
        });

        output.WriteLine($"{total:N0} mutants in {clock.Elapsed.TotalSeconds:0.0} s: {loaded:N0} loaded, {refused:N0} refused with a message, {crashes.Count} crashed; slowest read {TimeSpan.FromTicks(slowest * TimeSpan.TicksPerSecond / Stopwatch.Frequency).TotalMilliseconds:0} ms");
        output.WriteLine("reading time by file: " + string.Join(", ", perFile.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key} {f.Value / (double)Stopwatch.Frequency:0.0} s")));
        Assert.True(crashes.IsEmpty, string.Join("\n", crashes.Take(20)));
        Assert.True(refused > total / 2, "most mutants should be refused: are the mutations reaching the readers?");
        Assert.True(loaded > 0, "some mutants (in comments or descriptions) should still load");
    }

    private static byte[] Mutate(byte[] original, System.Random random)
    {
        var bytes = new List<byte>(original);
        var operations = 1 + random.Next(3);
        for (var i = 0; i < operations && bytes.Count > 0; i++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(8))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2 or 3:
                    bytes.InsertRange(at, Tokens[random.Next(Tokens.Length)]);
                    break;
                case 4:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(64)));
                    break;
                case 5:
                    var length = Math.Min(bytes.Count - at, 1 + random.Next(256));
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
                case 6:
                    var lines = Encoding.UTF8.GetString([.. bytes]).Split('\n');
                    var (a, b) = (random.Next(lines.Length), random.Next(lines.Length));
                    (lines[a], lines[b]) = (lines[b], lines[a]);
                    bytes = [.. Encoding.UTF8.GetBytes(string.Join('\n', lines))];
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>The mutant's own seed from the test's seed, the file's name and the mutant's number (FNV-1a: the same on every run).</summary>
    private static int StableSeed(string file, int index)
    {
        var h = 14695981039346656037UL ^ Seed;
        foreach (var b in Encoding.UTF8.GetBytes($"{file}#{index}"))
        {
            h = (h ^ b) * 1099511628211UL;
        }

        return (int)(h ^ (h >> 32));
    }

    private static void InterlockedMax(ref long target, long value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }
}

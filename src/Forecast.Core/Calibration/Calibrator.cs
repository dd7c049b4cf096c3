using System.Globalization;
using System.Text;
using Forecast.Model;
using Forecast.Random;
using Forecast.Running;
using Forecast.Simulation;
using Forecast.Statistics;
using MathNet.Numerics.LinearAlgebra;

namespace Forecast.Calibration;

/// <summary>One round of the sampler: its tolerance (infinite for round 0, the prior), how many proposals it simulated and accepted, and the weights' effective sample size.</summary>
public sealed record CalibrationRound(int Round, double Tolerance, int Proposed, int Accepted, double EffectiveSampleSize);

/// <summary>
/// A 2021 fact against the simulation: the prior predictive and the posterior predictive (the
/// ensemble's own 2021, on fresh random numbers). A fact binds when the posterior predictive 90%
/// band is much narrower than the prior's: the fact is what pinned it.
/// </summary>
public sealed record FactCheck(
    string Id, double Observed, double PriorP5, double PriorP95, double PosteriorMean, double PosteriorP5, double PosteriorP95)
{
    public double RelativeError => (PosteriorMean - Observed) / Observed;

    public bool Inside90 => Observed >= PosteriorP5 && Observed <= PosteriorP95;

    /// <summary>Posterior predictive band width over the prior's.</summary>
    public double Narrowing => (PosteriorP95 - PosteriorP5) / Math.Max(1e-12, PriorP95 - PriorP5);

    public bool Binds => Narrowing < 0.5;
}

/// <summary>What the ensemble learned about one input: its prior and posterior medians, and the posterior sd over the prior sd (1: nothing learned).</summary>
public sealed record InputCheck(string Id, double PriorMedian, double PosteriorMedian, double SdRatio);

public sealed record CalibrationReport(
    Ensemble Ensemble, IReadOnlyList<CalibrationRound> Rounds, IReadOnlyList<FactCheck> Facts, IReadOnlyList<InputCheck> Inputs,
    ulong Seed, int Particles, int PredictiveTrials)
{
    /// <summary>The posterior predictive reproduces every fact: mean within 2% and the fact inside P5-P95.</summary>
    public bool Reproduces2021 => Facts.All(f => Math.Abs(f.RelativeError) <= 0.02 && f.Inside90);

    /// <summary>Whether the entropy tilt matched every fact's replicate mean (false: the facts lie outside what the sets can reach together).</summary>
    public bool TiltConverged { get; init; } = true;
}

/// <summary>
/// Calibration as inference: approximate Bayesian computation by sequential Monte Carlo with
/// Markov chain moves (Del Moral, Doucet and Jasra 2012, "An adaptive sequential Monte Carlo method
/// for approximate Bayesian computation", Statistics and Computing 22:1009-1020). A particle is one
/// set of the uncertain inputs the calibration year depends on; its distance is the root mean square
/// of (simulated 2021 - fact) / scale over the calibration facts, from one simulated trial. Each
/// round lowers the tolerance to a quantile of the particles' distances, resamples the particles
/// within it, and moves each by random-walk Metropolis-Hastings steps that keep the ABC posterior at
/// that tolerance (a move is accepted when its own simulation is within the tolerance and by the
/// prior ratio). Weights stay equal, so the effective sample size does not collapse in many
/// dimensions as importance weights do. The last round's particles are then corrected for the
/// tolerance by local-linear regression adjustment (Beaumont, Zhang and Balding 2002, Genetics
/// 162:2025-2035): the inputs regressed on the simulated facts, with Epanechnikov weights on the
/// distance, and moved to the observed facts. What bias is left the weights absorb: exponentially
/// tilted (entropy balancing) so each fact's mean over replicate simulations of the sets is the
/// fact. The sampler works
/// where every truncated prior is a standard normal, so moves never leave a prior's range and the
/// prior density is N(0, I). Every draw is keyed by the seed: the same seed gives the same ensemble.
/// </summary>
public static class Calibrator
{
    public const string Method =
        "ABC-SMC with Metropolis-Hastings moves (Del Moral, Doucet and Jasra 2012, Statistics and Computing 22:1009-1020) "
        + "in the priors' standard-normal space, rejuvenated by further moves at the final tolerance until 90% of particles have moved, then local-linear regression adjustment (Beaumont, Zhang and Balding 2002, Genetics 162:2025-2035) "
        + "with Epanechnikov weights, then exponential tilting of the weights to the facts' means on replicate simulations (entropy balancing, Hainmueller 2012, Political Analysis 20:25-46); distance: root mean square over the calibration facts of (simulated - fact) / (tolerance x fact, or sd)";

    public sealed record Options(int Particles = 2000, int MaxRounds = 40, double TargetTolerance = 0.8, double Quantile = 0.6,
        int MovesPerRound = 3, double MinAcceptance = 0.02, int PredictiveTrials = 4000, int Replicates = 8,
        int MaxFinalMoves = 80, double MovedShare = 0.9);

    /// <summary>Rejuvenation move m is keyed as round FinalMoveRound + m, clear of the sampler's rounds.</summary>
    private const int FinalMoveRound = 1_000;

    public static CalibrationReport Fit(SimulationModel model, ulong seed, Options options, IProgress<string>? progress = null,
        CancellationToken cancellation = default)
    {
        model = model.With(model.Parameters.With(posterior: null));
        var p = model.Parameters;
        var dims = Enumerable.Range(0, UncertainInputs.Count)
            .Where(i => UncertainInputs.ActsInCalibrationYear((UncertainInput)i) && !p.Priors[i].IsFixed).ToArray();
        var priors = dims.Select(i => p.Priors[i]).ToArray();
        var n = options.Particles;
        var simulations = 0;
        double[] Simulate(double[][] proposals, out double[][] simulated) =>
            Distances(model, seed, simulations++, proposals, dims, priors, out simulated, cancellation);

        // Round 0: the prior. Each particle keeps its simulated facts (for the regression adjustment).
        var z = Enumerable.Range(0, n).Select(k => StandardDraw(seed, 0, k, dims.Length)).ToArray();
        var dist = Simulate(z, out var priorPredictive);
        var facts = Transpose(priorPredictive);
        var tolerance = double.PositiveInfinity;
        var rounds = new List<CalibrationRound> { new(0, tolerance, n, n, n) };
        progress?.Report(Describe(rounds[^1]));
        var scale = 2.38 / Math.Sqrt(dims.Length); // the random walk's step, tuned by the acceptance rate below

        // One MH move of every particle: a random-walk proposal, kept when its own simulation is
        // within the tolerance and by the prior ratio (keyed by round and move). Returns how many moved.
        int Sweep(int round, int move, Matrix<double> lower, bool[]? moved)
        {
            var proposals = Enumerable.Range(0, n).Select(k => Step(seed, round, move, k, z[k], lower)).ToArray();
            var d = Simulate(proposals, out var simulated);
            var proposedFacts = Transpose(simulated);
            var accepted = 0;
            for (var k = 0; k < n; k++)
            {
                var u = new KeyedUniforms(seed, (uint)k, Streams.Calibration, (uint)((round * 64) + move + 32)).Next();
                if (d[k] <= tolerance && u < Math.Exp(-0.5 * (SquaredNorm(proposals[k]) - SquaredNorm(z[k]))))
                {
                    (z[k], dist[k], facts[k]) = (proposals[k], d[k], proposedFacts[k]);
                    accepted++;
                    if (moved is not null)
                    {
                        moved[k] = true;
                    }
                }
            }

            return accepted;
        }

        for (var round = 1; round <= options.MaxRounds && tolerance > options.TargetTolerance; round++)
        {
            cancellation.ThrowIfCancellationRequested();
            tolerance = Math.Max(options.TargetTolerance, Quantile(dist, options.Quantile));
            (z, dist, facts) = Resample(seed, round, z, dist, facts, tolerance, n);
            var lower = Kernel(z, scale);
            var accepted = 0;
            for (var move = 0; move < options.MovesPerRound; move++)
            {
                accepted += Sweep(round, move, lower, null);
            }

            var rate = (double)accepted / (n * options.MovesPerRound);
            scale = Tuned(scale, rate);
            rounds.Add(new CalibrationRound(round, tolerance, n * options.MovesPerRound, accepted, CopiesEss(z)));
            progress?.Report(Describe(rounds[^1]) + string.Create(CultureInfo.InvariantCulture, $", {Distinct(z)} distinct sets"));
            if (rate < options.MinAcceptance)
            {
                break; // the chains barely move at this tolerance: stop here
            }
        }

        // Rejuvenation: more moves at the final tolerance (the same MH kernel, so the same target)
        // until most particles have left the copies resampling made of them.
        {
            var lower = Kernel(z, scale);
            var moved = new bool[n];
            var proposed = 0;
            var accepted = 0;
            var recent = 0;
            for (var move = 0; move < options.MaxFinalMoves && moved.Count(m => m) < options.MovedShare * n; move++)
            {
                cancellation.ThrowIfCancellationRequested();
                if (move > 0 && move % 10 == 0)
                {
                    // Tune the step every ten moves, as between rounds.
                    scale = Tuned(scale, recent / (10.0 * n));
                    lower = Kernel(z, scale);
                    recent = 0;
                }

                var movedNow = Sweep(FinalMoveRound + move, 0, lower, moved);
                accepted += movedNow;
                recent += movedNow;
                proposed += n;
            }

            rounds.Add(new CalibrationRound(rounds.Count, tolerance, proposed, accepted, CopiesEss(z)));
            progress?.Report("rejuvenation: " + Describe(rounds[^1]) + string.Create(CultureInfo.InvariantCulture,
                $", {moved.Count(m => m)} of {n} particles moved, {Distinct(z)} distinct sets"));
        }

        var (adjusted, weights) = RegressionAdjust(z, facts, dist, tolerance, p.CalibrationFacts);
        z = adjusted;
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"tilting the weights on {options.Replicates} replicate simulations per set"));
        var replicated = ReplicateErrors(model, seed, z, dims, priors, options.Replicates, cancellation);
        var tilt = Tilt(weights, replicated);
        weights = tilt.Weights;
        var ensemble = Merged(
            dims.Select(i => UncertainInputs.Id((UncertainInput)i)).ToArray(),
            weights,
            z.Select(row => row.Select((x, j) => priors[j].FromStandard(x)).ToArray()).ToArray());
        var checks = PredictiveCheck(model, ensemble, seed, options.PredictiveTrials, priorPredictive, cancellation);
        var inputs = dims.Select((i, j) =>
        {
            var values = ensemble.Values.Select(v => v[j]).ToArray();
            var zs = z.Select(row => row[j]).ToArray();
            return new InputCheck(UncertainInputs.Id((UncertainInput)i), priors[j].Median, WeightedMedian(values, weights), WeightedSd(zs, weights));
        }).ToList();
        return new CalibrationReport(ensemble, rounds, checks, inputs, seed, n, options.PredictiveTrials) { TiltConverged = tilt.Converged };
    }

    /// <summary>N particles drawn (systematic resampling, keyed) from those within the tolerance, with their distances and simulated facts.</summary>
    private static (double[][] Z, double[] D, double[][] Facts) Resample(ulong seed, int round, double[][] z, double[] d, double[][] facts,
        double tolerance, int n)
    {
        var alive = Enumerable.Range(0, z.Length).Where(k => d[k] <= tolerance).ToArray();
        var u = new KeyedUniforms(seed, 0, Streams.Calibration, (uint)((round * 64) + 63)).Next();
        var pz = new double[n][];
        var pd = new double[n];
        var pf = new double[n][];
        for (var k = 0; k < n; k++)
        {
            var pick = alive[Math.Min(alive.Length - 1, (int)((k + u) * alive.Length / n))];
            (pz[k], pd[k], pf[k]) = ((double[])z[pick].Clone(), d[pick], facts[pick]);
        }

        return (pz, pd, pf);
    }

    /// <summary>
    /// Local-linear regression adjustment: each particle's inputs regressed (weighted least squares,
    /// Epanechnikov weights 1 - (d / h)^2 with h the largest distance) on its standardised errors,
    /// then moved by the fitted slope from its simulated facts to the observed ones.
    /// </summary>
    private static (double[][] Z, double[] Weights) RegressionAdjust(double[][] z, double[][] facts, double[] dist, double tolerance,
        CalibrationFact[] observed)
    {
        var h = Math.Max(dist.Max(), 1e-12) * 1.0001;
        var weights = dist.Select(d => 1 - ((d / h) * (d / h))).ToArray();
        var x = Matrix<double>.Build.Dense(z.Length, observed.Length + 1, (k, f) => f == 0 ? 1 : observed[f - 1].Error(facts[k][f - 1]));
        var y = Matrix<double>.Build.DenseOfRowArrays(z);
        var w = Matrix<double>.Build.DiagonalOfDiagonalArray(weights);
        var xtw = x.Transpose() * w;
        var slope = (xtw * x).Solve(xtw * y); // (F + 1) x d
        var adjusted = new double[z.Length][];
        for (var k = 0; k < z.Length; k++)
        {
            var shift = x.Row(k).SubVector(1, observed.Length) * slope.SubMatrix(1, observed.Length, 0, y.ColumnCount);
            adjusted[k] = z[k].Select((v, j) => v - shift[j]).ToArray();
        }

        return (adjusted, weights);
    }

    /// <summary>
    /// Each set's mean standardised error over <paramref name="replicates"/> fresh simulations of
    /// the calibration year ([set][fact]); several replicates so the tilt below fits the sets, not one draw's noise.
    /// </summary>
    private static double[][] ReplicateErrors(SimulationModel model, ulong seed, double[][] z, int[] dims, Prior[] priors, int replicates,
        CancellationToken cancellation)
    {
        var repeated = z.SelectMany(row => Enumerable.Repeat(row, replicates)).ToArray();
        Distances(model, seed, 2_000, repeated, dims, priors, out var simulated, cancellation);
        var facts = model.Parameters.CalibrationFacts;
        return Enumerable.Range(0, z.Length).Select(k => facts.Select((f, i) =>
        {
            var sum = 0.0;
            for (var r = 0; r < replicates; r++)
            {
                sum += f.Error(simulated[i][(k * replicates) + r]);
            }

            return sum / replicates;
        }).ToArray()).ToArray();
    }

    /// <summary>
    /// Exponential tilting of the weights (minimum relative entropy to them subject to moment
    /// constraints: entropy balancing, Hainmueller 2012, Political Analysis 20:25-46): w_k exp(lambda . e_k),
    /// with lambda found by Newton's method on the convex dual so the weighted mean error of every
    /// fact is zero. The regression adjustment removes the tolerance's bias to first order; the tilt
    /// removes what is left, moving as little weight as it can. When no tilt reaches every fact (a
    /// fact outside what the sets' errors span), the weights are returned normalised and unconverged.
    /// </summary>
    internal static (double[] Weights, bool Converged) Tilt(double[] prior, double[][] errors, int maxIterations = 100)
    {
        var f = errors[0].Length;
        var lambda = Vector<double>.Build.Dense(f);
        var logPrior = prior.Select(w => Math.Log(w)).ToArray();
        double[] Weights(Vector<double> l)
        {
            var log = errors.Select((e, k) => logPrior[k] + (l * Vector<double>.Build.DenseOfArray(e))).ToArray();
            var max = log.Max();
            var w = log.Select(x => Math.Exp(x - max)).ToArray();
            var sum = w.Sum();
            return w.Select(x => x / sum).ToArray();
        }

        double Dual(Vector<double> l)
        {
            var log = errors.Select((e, k) => logPrior[k] + (l * Vector<double>.Build.DenseOfArray(e))).ToArray();
            var max = log.Max();
            return max + Math.Log(log.Sum(x => Math.Exp(x - max)));
        }

        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var w = Weights(lambda);
            var mean = Vector<double>.Build.Dense(f);
            for (var k = 0; k < w.Length; k++)
            {
                mean += w[k] * Vector<double>.Build.DenseOfArray(errors[k]);
            }

            if (mean.AbsoluteMaximum() < 1e-9)
            {
                return (w, true);
            }

            var hessian = Matrix<double>.Build.Dense(f, f);
            for (var k = 0; k < w.Length; k++)
            {
                var d = Vector<double>.Build.DenseOfArray(errors[k]) - mean;
                hessian += w[k] * d.OuterProduct(d);
            }

            hessian += Matrix<double>.Build.DenseIdentity(f) * 1e-12;
            var step = hessian.Solve(mean);
            var current = Dual(lambda);
            var t = 1.0;
            while (t > 1e-8 && Dual(lambda - (t * step)) > current - (1e-4 * t * (mean * step)))
            {
                t /= 2; // backtracking: the dual must fall
            }

            lambda -= t * step;
        }

        var sum = prior.Sum();
        return (prior.Select(w => w / sum).ToArray(), false); // no tilt reaches every fact: keep the weights, say so
    }

    /// <summary>[fact][particle] to [particle][fact].</summary>
    private static double[][] Transpose(double[][] byFact) =>
        Enumerable.Range(0, byFact[0].Length).Select(k => byFact.Select(f => f[k]).ToArray()).ToArray();

    /// <summary>A random-walk step of particle k: z + L e, e standard normal, keyed by (round, move, k).</summary>
    private static double[] Step(ulong seed, int round, int move, int k, double[] z, Matrix<double> lower)
    {
        var u = new KeyedUniforms(seed, (uint)k, Streams.Calibration, (uint)((round * 64) + move));
        var e = Vector<double>.Build.Dense(lower.RowCount, _ => MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, u.Next()));
        var step = lower * e;
        return z.Select((x, j) => x + step[j]).ToArray();
    }

    /// <summary>The Cholesky factor of scale^2 x the particles' covariance (with a floor, so a collapsed direction still moves).</summary>
    private static Matrix<double> Kernel(double[][] z, double scale)
    {
        var d = z[0].Length;
        var mean = new double[d];
        foreach (var row in z)
        {
            for (var j = 0; j < d; j++)
            {
                mean[j] += row[j] / z.Length;
            }
        }

        var cov = Matrix<double>.Build.Dense(d, d);
        foreach (var row in z)
        {
            for (var a = 0; a < d; a++)
            {
                var da = row[a] - mean[a];
                for (var b = 0; b <= a; b++)
                {
                    cov[a, b] += da * (row[b] - mean[b]) / (z.Length - 1);
                }
            }
        }

        for (var a = 0; a < d; a++)
        {
            cov[a, a] = (scale * scale * cov[a, a]) + 1e-6;
            for (var b = 0; b < a; b++)
            {
                cov[a, b] *= scale * scale;
                cov[b, a] = cov[a, b];
            }
        }

        return cov.Cholesky().Factor;
    }

    private static double SquaredNorm(double[] z) => z.Sum(x => x * x);

    /// <summary>The random walk's step after a stretch of moves: smaller when few proposals were accepted, larger when many were.</summary>
    private static double Tuned(double scale, double acceptance) => scale * (acceptance < 0.15 ? 0.7 : acceptance > 0.35 ? 1.3 : 1);

    private static int Distinct(double[][] z) => z.Select(row => row[0]).Distinct().Count();

    /// <summary>Kish's effective sample size of equally weighted particles counted by their distinct sets: (sum c)^2 / sum c^2 over each set's copies c.</summary>
    private static double CopiesEss(double[][] z)
    {
        var copies = z.GroupBy(row => row[0]).Select(g => (double)g.Count()).ToArray();
        return Math.Pow(copies.Sum(), 2) / copies.Sum(c => c * c);
    }

    /// <summary>The ensemble with identical sets merged (their weights summed), so its size and effective sample size count distinct sets.</summary>
    private static Ensemble Merged(string[] ids, double[] weights, double[][] values)
    {
        var order = new List<int>();
        var merged = new Dictionary<string, int>(StringComparer.Ordinal);
        var w = new List<double>();
        for (var k = 0; k < values.Length; k++)
        {
            var key = string.Join(',', values[k].Select(v => BitConverter.DoubleToInt64Bits(v)));
            if (merged.TryGetValue(key, out var at))
            {
                w[at] += weights[k];
            }
            else
            {
                merged[key] = w.Count;
                order.Add(k);
                w.Add(weights[k]);
            }
        }

        return new Ensemble(ids, w, order.Select(k => values[k]).ToArray());
    }

    /// <summary>Each proposal's distance, from one simulated trial of the calibration year (trial numbers of this round, keyed by the seed).</summary>
    private static double[] Distances(SimulationModel model, ulong seed, int round, double[][] proposals, int[] dims, Prior[] priors,
        out double[][] simulated, CancellationToken cancellation)
    {
        var p = model.Parameters;
        // Inputs the year does not depend on, and fixed ones, take their prior medians (they do not act).
        var medians = p.Priors.Concat(p.ElasticityPriors).Select(prior => prior.Median).ToArray();
        var sets = new double[proposals.Length][];
        for (var k = 0; k < proposals.Length; k++)
        {
            var set = (double[])medians.Clone();
            for (var j = 0; j < dims.Length; j++)
            {
                set[dims[j]] = priors[j].FromStandard(proposals[k][j]);
            }

            sets[k] = set;
        }

        var explicitModel = model.With(new WorldSource.Explicit(sets));
        var table = Simulate2021(explicitModel, RoundSeed(seed, round), 0, proposals.Length, cancellation);
        simulated = p.CalibrationFacts.Select(f => table.Series(f.Indicator, model.FirstYear).ToArray()).ToArray();
        var facts = p.CalibrationFacts;
        var d = new double[proposals.Length];
        for (var k = 0; k < d.Length; k++)
        {
            double sum = 0;
            for (var f = 0; f < facts.Length; f++)
            {
                var e = facts[f].Error(simulated[f][k]);
                sum += e * e;
            }

            d[k] = Math.Sqrt(sum / facts.Length);
        }

        return d;
    }

    /// <summary>Trials [first, first + count) of the calibration year alone, on the local engine, batch by batch.</summary>
    public static TrialTable Simulate2021(SimulationModel model, ulong seed, int first, int count, CancellationToken cancellation = default)
    {
        var batches = new List<TrialTable>();
        for (var start = first; start < first + count; start += RunPlan.DefaultBatchSize)
        {
            var size = Math.Min(RunPlan.DefaultBatchSize, first + count - start);
            batches.Add(LocalBatchRunner.RunBatch(model, seed, start, size, model.FirstYear, null, cancellation).Table);
        }

        return TrialTable.Concatenate(batches);
    }

    /// <summary>The ensemble's own 2021 on fresh random numbers, against every fact and the prior predictive band.</summary>
    private static List<FactCheck> PredictiveCheck(SimulationModel model, Ensemble ensemble, ulong seed, int trials, double[][] priorPredictive,
        CancellationToken cancellation)
    {
        var calibrated = model.With(model.Parameters.With(ensemble)).With(new WorldSource.Calibrated());
        var table = Simulate2021(calibrated, RoundSeed(seed, 1_000), 0, trials, cancellation);
        var scratch = new double[Math.Max(trials, priorPredictive.Max(x => x.Length))];
        return model.Parameters.CalibrationFacts.Select((f, i) =>
        {
            var series = table.Series(f.Indicator, model.FirstYear);
            var summary = Summaries.Summarise(series, scratch);
            var prior = Summaries.Summarise(priorPredictive[i], scratch);
            return new FactCheck(f.Id, f.Observed, prior.P5, prior.P95, summary.Mean, summary.P5, summary.P95);
        }).ToList();
    }

    /// <summary>A standard normal vector for proposal k of a round, keyed by the seed.</summary>
    private static double[] StandardDraw(ulong seed, int round, int k, int dims)
    {
        var u = new KeyedUniforms(seed, (uint)k, Streams.Calibration, (uint)round);
        return Enumerable.Range(0, dims).Select(_ => MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, u.Next())).ToArray();
    }

    private static double Quantile(double[] values, double p) => Selection.R7Quantile(values, Math.Clamp(p, 0, 1), new double[values.Length]);

    private static double WeightedMedian(double[] values, double[] weights)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var half = weights.Sum() / 2;
        var acc = 0.0;
        foreach (var i in order)
        {
            acc += weights[i];
            if (acc >= half)
            {
                return values[i];
            }
        }

        return values[order[^1]];
    }

    private static double WeightedSd(double[] values, double[] weights)
    {
        var sum = weights.Sum();
        var mean = values.Zip(weights).Sum(x => x.First * x.Second) / sum;
        return Math.Sqrt(values.Zip(weights).Sum(x => x.Second * (x.First - mean) * (x.First - mean)) / sum);
    }

    private static ulong RoundSeed(ulong seed, int round) => seed ^ (0x9E3779B97F4A7C15UL * (ulong)(round + 1));

    private static string Describe(CalibrationRound r) => string.Create(CultureInfo.InvariantCulture,
        $"round {r.Round}: tolerance {r.Tolerance:0.###}, accepted {r.Accepted} of {r.Proposed} proposals, ESS {r.EffectiveSampleSize:0}");

    /// <summary>calibration.yaml: what the ensemble is, how it was made, what it reproduces and what bound it.</summary>
    public static string ToYaml(CalibrationReport r, DateOnly date, string baselineDigest)
    {
        static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.AppendLine("# Written by `forecast calibrate`; do not edit by hand. Validated against seeds/schema/calibration.schema.json.");
        sb.AppendLine("# The ensemble (posterior.csv) conditions the uncertain inputs the 2021 simulation depends on on the 2021 facts;");
        sb.AppendLine("# a forecast draws one weighted set per trial, and every other input from its prior.");
        sb.AppendLine($"calibrated-on: \"{date:yyyy-MM-dd}\"");
        sb.AppendLine($"method: \"{Method}\"");
        sb.AppendLine($"baseline-digest: \"{baselineDigest}\"");
        sb.AppendLine($"seed: {r.Seed}");
        sb.AppendLine($"particles: {r.Particles}");
        sb.AppendLine("# rounds: the last is rejuvenation (more moves at the final tolerance); effective-sample-size counts distinct sets (copies from resampling merged)");
        sb.AppendLine("rounds:");
        foreach (var round in r.Rounds)
        {
            sb.AppendLine($"  - {{round: {round.Round}, tolerance: {(double.IsFinite(round.Tolerance) ? D(round.Tolerance) : "null")}, proposed: {round.Proposed}, accepted: {round.Accepted}, effective-sample-size: {D(round.EffectiveSampleSize)}}}");
        }

        sb.AppendLine($"ensemble: {{file: posterior.csv, sets: {r.Ensemble.Sets}, effective-sample-size: {D(r.Ensemble.EffectiveSampleSize)}, tilt-converged: {(r.TiltConverged ? "true" : "false")}}}");
        sb.AppendLine($"predictive: {{trials: {r.PredictiveTrials}, reproduces-2021: {(r.Reproduces2021 ? "true" : "false")}}}");
        sb.AppendLine("facts:");
        foreach (var f in r.Facts)
        {
            sb.AppendLine($"  {f.Id}: {{observed: {D(f.Observed)}, prior-p5: {D(f.PriorP5)}, prior-p95: {D(f.PriorP95)}, posterior-mean: {D(f.PosteriorMean)}, "
                + $"posterior-p5: {D(f.PosteriorP5)}, posterior-p95: {D(f.PosteriorP95)}, relative-error: {D(f.RelativeError)}, inside-p5-p95: {(f.Inside90 ? "true" : "false")}, binds: {(f.Binds ? "true" : "false")}}}");
        }

        sb.AppendLine("inputs:");
        foreach (var i in r.Inputs)
        {
            sb.AppendLine($"  {i.Id}: {{prior-median: {D(i.PriorMedian)}, posterior-median: {D(i.PosteriorMedian)}, sd-ratio: {D(i.SdRatio)}}}");
        }

        return sb.ToString();
    }
}

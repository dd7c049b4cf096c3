namespace Forecast.Statistics;

/// <summary>A box's limit on one input: lo &lt;= x &lt;= hi (an end left at the data's own extreme is not a limit).</summary>
public sealed record BoxLimit(string Input, double Lo, double Hi, double DataLo, double DataHi, double PValue = double.NaN);

/// <summary>
/// A box of the peeling trajectory: the share of all cases of interest inside it (coverage), the
/// share of its trials that are cases (density), the share of all trials inside (mass), and its limits.
/// </summary>
public sealed record PrimBox(int Step, double Coverage, double Density, double Mass, int Trials, IReadOnlyList<BoxLimit> Limits);

/// <summary>
/// The Patient Rule Induction Method (Friedman and Fisher 1999, "Bump hunting in high-dimensional
/// data", Statistics and Computing 9:123-143), peeling only, as the EMA Workbench's scenario discovery
/// uses it: from the box holding every trial, remove repeatedly the alpha share of the trials at the low
/// or high end of one input, whichever leaves the highest density of cases, until the box holds fewer
/// than <c>minMass</c> of the trials or no peel raises the density. Ties go to the lower input index,
/// then low before high, so the trajectory depends on the data alone.
/// </summary>
public static class Prim
{
    public const double DefaultAlpha = 0.05;
    public const double DefaultMinMass = 0.05;
    public const double Significance = 0.05;

    /// <summary>
    /// <paramref name="box"/> with each limit's quasi-p-value (as the EMA Workbench computes it): the
    /// one-sided binomial chance of at least the box's cases among its trials if the limit did nothing,
    /// i.e. at the density of the box without that limit. Then pruned to the limits with p below
    /// <see cref="Significance"/>, its coverage, density and mass recomputed.
    /// </summary>
    public static PrimBox Pruned(PrimBox box, IReadOnlyList<string> ids, IReadOnlyList<double[]> x, bool[] cases)
    {
        var n = cases.Length;
        var totalCases = cases.Count(c => c);
        var column = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i, StringComparer.Ordinal);
        var index = box.Limits.Select(l => column[l.Input]).ToArray();
        bool Inside(int trial, int skip)
        {
            for (var j = 0; j < index.Length; j++)
            {
                var v = x[index[j]][trial];
                if (j != skip && (v < box.Limits[j].Lo || v > box.Limits[j].Hi))
                {
                    return false;
                }
            }

            return true;
        }

        var limits = box.Limits.Select((l, j) =>
        {
            int n1 = 0, k1 = 0, n2 = 0, k2 = 0;
            for (var t = 0; t < n; t++)
            {
                if (!Inside(t, j))
                {
                    continue;
                }

                n1++;
                k1 += cases[t] ? 1 : 0;
                var v = x[index[j]][t];
                if (v >= l.Lo && v <= l.Hi)
                {
                    n2++;
                    k2 += cases[t] ? 1 : 0;
                }
            }

            var p = n1 == 0 || k2 == 0 ? 1 : 1 - MathNet.Numerics.Distributions.Binomial.CDF((double)k1 / n1, n2, k2 - 1);
            return l with { PValue = Math.Clamp(p, 0, 1) };
        }).ToList();
        var kept = limits.Where(l => l.PValue < Significance).OrderBy(l => l.PValue).ThenBy(l => l.Input, StringComparer.Ordinal).ToList();
        var keptColumns = kept.Select(l => x[column[l.Input]]).ToArray();
        int inside = 0, hits = 0;
        for (var t = 0; t < n; t++)
        {
            if (kept.Select((l, j) => keptColumns[j][t] is var v && v >= l.Lo && v <= l.Hi).All(b => b))
            {
                inside++;
                hits += cases[t] ? 1 : 0;
            }
        }

        return new PrimBox(box.Step, totalCases == 0 ? 0 : (double)hits / totalCases, inside == 0 ? 0 : (double)hits / inside, (double)inside / n, inside, kept);
    }

    public static IReadOnlyList<PrimBox> Peel(IReadOnlyList<string> ids, IReadOnlyList<double[]> x, bool[] cases,
        double alpha = DefaultAlpha, double minMass = DefaultMinMass)
    {
        var n = cases.Length;
        if (ids.Count != x.Count || x.Any(c => c.Length != n))
        {
            throw new ArgumentException("every input needs one value per trial");
        }

        var totalCases = cases.Count(c => c);
        var dataLo = x.Select(c => c.Min()).ToArray();
        var dataHi = x.Select(c => c.Max()).ToArray();
        var lo = (double[])dataLo.Clone();
        var hi = (double[])dataHi.Clone();
        var inside = Enumerable.Range(0, n).ToList();
        var boxes = new List<PrimBox> { Box(0) };
        var scratch = new double[n];
        var minTrials = Math.Max(1, (int)Math.Ceiling(minMass * n));
        while (totalCases > 0 && inside.Count >= 2)
        {
            var count = inside.Count;
            var density = Density(inside);
            (int Input, bool High, double Cut, double Density, int Left)? best = null;
            for (var d = 0; d < x.Count; d++)
            {
                if (dataLo[d] == dataHi[d])
                {
                    continue;
                }

                var column = x[d];
                var values = scratch.AsSpan(0, count);
                for (var k = 0; k < count; k++)
                {
                    values[k] = column[inside[k]];
                }

                values.Sort();
                var q = Math.Max(1, (int)Math.Floor(alpha * count));
                foreach (var high in new[] { false, true })
                {
                    // Remove the trials beyond the alpha quantile: strictly below the low cut, or strictly above the high cut.
                    var cut = high ? values[count - 1 - q] : values[q];
                    int left = 0, hits = 0;
                    foreach (var i in inside)
                    {
                        var v = column[i];
                        if (high ? v <= cut : v >= cut)
                        {
                            left++;
                            hits += cases[i] ? 1 : 0;
                        }
                    }

                    if (left == count || left < minTrials)
                    {
                        continue;
                    }

                    var dens = (double)hits / left;
                    if (best is null || dens > best.Value.Density)
                    {
                        best = (d, high, cut, dens, left);
                    }
                }
            }

            if (best is not { } peel || peel.Density <= density)
            {
                break;
            }

            if (peel.High)
            {
                hi[peel.Input] = peel.Cut;
            }
            else
            {
                lo[peel.Input] = peel.Cut;
            }

            var col = x[peel.Input];
            inside = inside.Where(i => col[i] >= lo[peel.Input] && col[i] <= hi[peel.Input]).ToList();
            boxes.Add(Box(boxes.Count));
        }

        return boxes;

        double Density(List<int> box) => box.Count == 0 ? 0 : (double)box.Count(i => cases[i]) / box.Count;

        PrimBox Box(int step)
        {
            var hits = inside.Count(i => cases[i]);
            var limits = Enumerable.Range(0, x.Count).Where(d => lo[d] > dataLo[d] || hi[d] < dataHi[d])
                .Select(d => new BoxLimit(ids[d], lo[d], hi[d], dataLo[d], dataHi[d])).ToList();
            return new PrimBox(step, totalCases == 0 ? 0 : (double)hits / totalCases, inside.Count == 0 ? 0 : (double)hits / inside.Count,
                (double)inside.Count / n, inside.Count, limits);
        }
    }
}

using Forecast.Inputs;
using Forecast.Random;
using MathNet.Numerics.Distributions;

namespace Forecast.Model;

/// <summary>
/// The fixed attributes of one enterprise (its state per trial lives elsewhere). <see cref="Rank"/>
/// orders the firms of one initial tier: a trial whose start-year stock of that tier is N has the
/// firms of rank below N, so the stocks are uncertain while the population is fixed. For an entrant
/// slot the rank is its place in the order slots open.
/// </summary>
public readonly record struct EnterpriseProfile(
    Tier InitialTier,
    byte InitialInstitution,
    short CertYear,
    short BornYear,
    int Rank,
    bool HighTech,
    double Revenue0,
    double RdIntensity,
    double VaRatio,
    double InvestRatio,
    double Quality);

/// <summary>The fixed attributes of one incubator slot. Unopened slots open as new incubators.</summary>
public readonly record struct IncubatorProfile(IncubatorLevel InitialLevel, double Area0);

/// <summary>
/// The synthetic district at the end of the start year: enterprises of each tier up to the top of
/// its stock's range (a trial activates the first N), latent entrant slots filled later by founded
/// firms and incubator graduates, and incubator slots. Deterministic in the population seed, the
/// ranges and the levers; independent of the Monte Carlo seed.
/// </summary>
public sealed class Population
{
    private Population(EnterpriseProfile[] enterprises, IncubatorProfile[] incubators, int[] capacity)
    {
        Enterprises = enterprises;
        Incubators = incubators;
        _capacity = capacity;
    }

    private readonly int[] _capacity;

    public EnterpriseProfile[] Enterprises { get; }

    public IncubatorProfile[] Incubators { get; }

    /// <summary>Firms synthesised for an initial tier (the most any trial can have), or entrant slots for <see cref="Tier.Latent"/>.</summary>
    public int Capacity(Tier tier) => _capacity[(int)tier];

    public static Population Synthesise(Parameters p, int entrantSlots, int incubatorSlots)
    {
        var (k0, k1) = Streams.Key(p.PopulationSeed);
        var enterprises = new List<EnterpriseProfile>();
        var start = p.StartYear;
        var capacity = new int[6];

        void AddFirms(Tier tier, int count)
        {
            capacity[(int)tier] = count;
            var ti = tier == Tier.Latent ? 1 : tier - Tier.Candidate; // entrants look like young Eaglet-type firms
            for (var n = 0; n < count; n++)
            {
                var id = (uint)enterprises.Count;
                Philox.Block(k0, k1, id, Streams.Population, 0, 0, out var r0, out var r1, out var r2, out var r3);
                Philox.Block(k0, k1, id, Streams.Population, 1, 0, out var r4, out var r5, out var r6, out var r7);
                Philox.Block(k0, k1, id, Streams.Population, 2, 0, out var r8, out _, out _, out _);
                var revenueTier = tier == Tier.Latent ? 0 : ti;
                var revenue = p.RevenueMedian[revenueTier] * Math.Exp(p.RevenueSigma * Normal.InvCDF(0, 1, Philox.ToUnit(r0)));
                if (tier == Tier.Eaglet)
                {
                    revenue = Math.Min(revenue, p.EagletMaxRevenue);
                }

                var rd = Lerp(p.RdIntensityLo[ti], p.RdIntensityHi[ti], Philox.ToUnit(r1));
                if (tier == Tier.Hte)
                {
                    // A certified firm met the criterion for its size; a margin keeps it there at ordinary intensity levels.
                    rd = Math.Max(rd, 1.2 * RdThreshold(p, revenue));
                }

                var highTech = Philox.ToUnit(r2) < (tier == Tier.Hte ? p.HighTechShareHte : p.HighTechShareOther);
                var age = tier is Tier.Eaglet
                    ? Math.Floor(Philox.ToUnit(r3) * (p.EagletMaxAge + 1))
                    : Math.Floor(Philox.ToUnit(r3) * (p.FirmAgeMax + 1));
                var institution = tier switch
                {
                    Tier.Hte => Pick(p.InstitutionMixHte, Philox.ToUnit(r4)),
                    Tier.Ptsme => Pick(p.InstitutionMixPtsme, Philox.ToUnit(r4)),
                    _ => 0,
                };
                var certYear = tier == Tier.Hte ? start - 2 + (int)Math.Floor(Philox.ToUnit(r5) * 3) : 0;
                enterprises.Add(new EnterpriseProfile(
                    tier,
                    (byte)institution,
                    (short)certYear,
                    (short)(tier == Tier.Latent ? 0 : start - (int)age),
                    n,
                    highTech,
                    revenue,
                    rd,
                    Lerp(p.VaRatioLo, p.VaRatioHi, Philox.ToUnit(r6)),
                    Lerp(p.InvestRatioLo, p.InvestRatioHi, Philox.ToUnit(r7)),
                    Philox.ToUnit(r8)));
            }
        }

        AddFirms(Tier.Hte, Top(p, UncertainInput.HteStock2020));
        AddFirms(Tier.Ptsme, Top(p, UncertainInput.PtsmeStock2020));
        AddFirms(Tier.Eaglet, Top(p, UncertainInput.EagletStock2020));
        AddFirms(Tier.Candidate, Top(p, UncertainInput.CandidateStock2020));
        AddFirms(Tier.Latent, entrantSlots);
        return new Population(enterprises.ToArray(), SynthesiseIncubators(p, k0, k1, incubatorSlots), capacity);
    }

    /// <summary>
    /// The most firms a trial can start with in a tier: the top of the baseline's range for the
    /// stock, whatever a scenario pins, so every scenario has the same firms under the same keys
    /// (common random numbers hold between scenarios).
    /// </summary>
    private static int Top(Parameters p, UncertainInput stock) => (int)Math.Round(p.BaselinePriors[(int)stock].Hi);

    private static IncubatorProfile[] SynthesiseIncubators(Parameters p, uint k0, uint k1, int slots)
    {
        if (p.Incubators2020 > slots)
        {
            throw new InputException("baseline.yaml", "assumptions.incubators-2020", null, $"{p.Incubators2020} incubators need more than the {slots} slots");
        }

        // Existing incubators share the start-year area in proportion to a level weight and a draw;
        // Area0 sums to 1 (a share), scaled per trial by incubator-area-2020.
        var levels = new IncubatorLevel[p.Incubators2020];
        var weights = new double[p.Incubators2020];
        for (var i = 0; i < levels.Length; i++)
        {
            levels[i] = i < p.NationalIncubators2020 ? IncubatorLevel.National
                : i < p.NationalIncubators2020 + p.ProvincialIncubators2020 ? IncubatorLevel.Provincial
                : IncubatorLevel.Municipal;
            Philox.Block(k0, k1, Streams.IncubatorBase + (uint)i, Streams.Population, 0, 0, out var r0, out _, out _, out _);
            weights[i] = (int)levels[i] * (0.5 + Philox.ToUnit(r0));
        }

        var total = weights.Sum();
        var incubators = new IncubatorProfile[slots];
        for (var i = 0; i < incubators.Length; i++)
        {
            incubators[i] = i < levels.Length
                ? new IncubatorProfile(levels[i], weights[i] / total)
                : new IncubatorProfile(IncubatorLevel.Unopened, 0);
        }

        return incubators;
    }

    private static double RdThreshold(Parameters p, double revenue) =>
        revenue <= p.MediumRevenue ? p.RdThresholdSmall : revenue <= p.LargeRevenue ? p.RdThresholdMedium : p.RdThresholdLarge;

    private static double Lerp(double lo, double hi, double u) => lo + (hi - lo) * u;

    private static int Pick(double[] weights, double u)
    {
        var total = weights.Sum();
        var acc = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            acc += weights[i] / total;
            if (u < acc)
            {
                return i;
            }
        }

        return weights.Length - 1;
    }
}

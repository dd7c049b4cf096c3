using Forecast.Inputs;
using Forecast.Random;
using MathNet.Numerics.Distributions;

namespace Forecast.Model;

/// <summary>The fixed attributes of one enterprise (its state per trial lives elsewhere).</summary>
public readonly record struct EnterpriseProfile(
    Tier InitialTier,
    byte InitialInstitution,
    short CertYear,
    short BornYear,
    int EntrantRank,
    bool HighTech,
    double Revenue0,
    double RdIntensity,
    double VaRatio,
    double InvestRatio,
    double Quality);

/// <summary>The fixed attributes of one incubator slot. Unopened slots open as new incubators.</summary>
public readonly record struct IncubatorProfile(IncubatorLevel InitialLevel, double Area0);

/// <summary>District aggregates of the start year (2020), from the synthetic population.</summary>
public sealed record BaseYear(
    double Gdp,
    double OtherRd,
    double RestIndustryVa,
    long RdSpend,
    long HtVa,
    long AboveScaleVa,
    long HtInvest,
    int HteStock,
    int PtsmeStock,
    int ListedFirms,
    double RdIntensityScale);

/// <summary>
/// The synthetic district at the end of the start year: enterprises by tier (exactly the stocks
/// of the baseline), latent entrant slots filled later by incubator graduates, and incubator slots.
/// Deterministic in the population seed; independent of the Monte Carlo seed.
/// </summary>
public sealed class Population
{
    private Population(EnterpriseProfile[] enterprises, IncubatorProfile[] incubators, BaseYear baseYear)
    {
        Enterprises = enterprises;
        Incubators = incubators;
        Base = baseYear;
    }

    public EnterpriseProfile[] Enterprises { get; }

    public IncubatorProfile[] Incubators { get; }

    public BaseYear Base { get; }

    public int ActiveEnterprises => Enterprises.Length - EntrantCount;

    public int EntrantCount => Enterprises.Count(e => e.InitialTier == Tier.Latent);

    public static Population Synthesise(Parameters p)
    {
        var (k0, k1) = Streams.Key(p.PopulationSeed);
        var enterprises = new List<EnterpriseProfile>();
        var start = p.StartYear;

        void AddFirms(Tier tier, int count)
        {
            var ti = tier == Tier.Latent ? 1 : tier - Tier.Candidate; // entrants look like young Eaglet-type firms
            for (var n = 0; n < count; n++)
            {
                var id = (uint)enterprises.Count;
                Philox.Block(k0, k1, id, Streams.Population, 0, 0, out var r0, out var r1, out var r2, out var r3);
                Philox.Block(k0, k1, id, Streams.Population, 1, 0, out var r4, out var r5, out var r6, out var r7);
                var revenueTier = tier == Tier.Latent ? 0 : ti;
                var revenue = p.RevenueMedian[revenueTier] * Math.Exp(p.RevenueSigma * Normal.InvCDF(0, 1, Philox.ToUnit(r0)));
                if (tier == Tier.Eaglet)
                {
                    revenue = Math.Min(revenue, p.EagletMaxRevenue);
                }

                var rd = Lerp(p.RdIntensityLo[ti], p.RdIntensityHi[ti], Philox.ToUnit(r1));
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
                    tier == Tier.Latent ? n : -1,
                    highTech,
                    revenue,
                    rd,
                    Lerp(p.VaRatioLo, p.VaRatioHi, Philox.ToUnit(r6)),
                    Lerp(p.InvestRatioLo, p.InvestRatioHi, Philox.ToUnit(r7)),
                    Philox.ToUnit(r3 ^ r7)));
            }
        }

        AddFirms(Tier.Hte, p.HteStock2020);
        AddFirms(Tier.Ptsme, p.PtsmeStock2020);
        AddFirms(Tier.Eaglet, p.EagletStock2020);
        AddFirms(Tier.Candidate, p.CandidateStock2020);
        AddFirms(Tier.Latent, p.EntrantPool);

        var incubators = SynthesiseIncubators(p, k0, k1);
        var (profiles, baseYear) = BaseYearOf(p, enterprises.ToArray());
        return new Population(profiles, incubators, baseYear);
    }

    private static IncubatorProfile[] SynthesiseIncubators(Parameters p, uint k0, uint k1)
    {
        if (p.Incubators2020 > p.IncubatorSlots)
        {
            throw new InputException("baseline.yaml", "assumptions.incubator-slots", null,
                $"must be at least incubators-2020 ({p.Incubators2020})");
        }

        // Existing incubators share the start-year area in proportion to a level weight and a draw.
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
        var incubators = new IncubatorProfile[p.IncubatorSlots];
        for (var i = 0; i < incubators.Length; i++)
        {
            incubators[i] = i < levels.Length
                ? new IncubatorProfile(levels[i], p.IncubatorArea2020 * weights[i] / total)
                : new IncubatorProfile(IncubatorLevel.Unopened, 0);
        }

        return incubators;
    }

    /// <summary>
    /// Scales R&D intensities so enterprises' start-year R&D is their share of R&D/GDP, and derives
    /// the non-enterprise R&D and the rest of industry's value added from the baseline ratios.
    /// </summary>
    private static (EnterpriseProfile[], BaseYear) BaseYearOf(Parameters p, EnterpriseProfile[] firms)
    {
        var gdpMillions = p.Gdp2020 * 1000;
        var totalRd = p.RdGdp2020 / 100 * gdpMillions;
        double rawRd = 0;
        foreach (var f in firms.Where(f => f.InitialTier != Tier.Latent))
        {
            rawRd += f.Revenue0 * f.RdIntensity;
        }

        var scale = p.EnterpriseShareOfRd * totalRd / rawRd;
        for (var i = 0; i < firms.Length; i++)
        {
            firms[i] = firms[i] with { RdIntensity = firms[i].RdIntensity * scale };
        }

        long rd = 0, htVa = 0, aboveVa = 0, htInvest = 0;
        int hte = 0, ptsme = 0, listed = 0;
        foreach (var f in firms.Where(f => f.InitialTier != Tier.Latent))
        {
            rd += Fixed.MillionYuan(f.Revenue0 * f.RdIntensity);
            if (f.Revenue0 >= p.AboveScaleRevenue)
            {
                var va = Fixed.MillionYuan(f.Revenue0 * f.VaRatio);
                aboveVa += va;
                htVa += f.HighTech ? va : 0;
            }

            htInvest += f.HighTech ? Fixed.MillionYuan(f.Revenue0 * f.InvestRatio) : 0;
            hte += f.InitialTier == Tier.Hte ? 1 : 0;
            listed += f.InitialTier >= Tier.Ptsme ? 1 : 0;
            ptsme += f.InitialTier == Tier.Ptsme || (f.InitialTier == Tier.Hte && f.Revenue0 <= p.SmeMaxRevenue) ? 1 : 0;
        }

        var restVa = Fixed.ToMillionYuan(htVa) / p.HtVaShare2020 - Fixed.ToMillionYuan(aboveVa);
        if (restVa < 0)
        {
            throw new InputException("baseline.yaml", "assumptions.ht-va-share-2020", null,
                $"a share of {p.HtVaShare2020} is below the synthetic population's own high-tech share of value added");
        }

        return (firms, new BaseYear(p.Gdp2020, (1 - p.EnterpriseShareOfRd) * totalRd, restVa,
            rd, htVa, aboveVa, htInvest, hte, ptsme, listed, scale));
    }

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

using Forecast.Model;

namespace Forecast.Simulation;

/// <summary>
/// The per-step constants agents need, held for the whole run: public rules and the per-tier rates
/// whose levels vary by trial (the year context carries those levels).
/// </summary>
public sealed class StepRules
{
    public StepRules(Parameters p)
    {
        ExitRate = (double[])p.ExitRate.Clone();
        HteApply = (double[])p.HteApply.Clone();
        PtsmeListingCandidate = p.PtsmeListingCandidate;
        PtsmeListingEaglet = p.PtsmeListingEaglet;
        HtePassCap = p.HtePassCap;
        InstitutionUpgrade = (double[])p.InstitutionUpgrade.Clone();
        CertificateYears = p.CertificateYears;
        AboveScaleRevenue = p.AboveScaleRevenue;
        SmeMaxRevenue = p.SmeMaxRevenue;
        EagletMaxAge = p.EagletMaxAge;
        EagletMaxRevenue = p.EagletMaxRevenue;
        RdThresholdSmall = p.RdThresholdSmall;
        RdThresholdMedium = p.RdThresholdMedium;
        RdThresholdLarge = p.RdThresholdLarge;
        MediumRevenue = p.MediumRevenue;
        LargeRevenue = p.LargeRevenue;
        ExitSmallRevenue = p.ExitSmallRevenue;
        ExitLargeRevenue = p.ExitLargeRevenue;
        GraduationRate = (double[])p.GraduationRate.Clone();
    }

    /// <summary>By tier - Candidate; multiplied per trial by the exit level and the macro response.</summary>
    public double[] ExitRate { get; }

    /// <summary>By tier - Candidate; multiplied per trial by the application level, shock and levers.</summary>
    public double[] HteApply { get; }

    public double PtsmeListingCandidate { get; }
    public double PtsmeListingEaglet { get; }

    /// <summary>The ceiling of the first-time HTE pass rate after levers.</summary>
    public double HtePassCap { get; }

    /// <summary>By institution level 0..3: founding a municipal centre, then provincial recognitions.</summary>
    public double[] InstitutionUpgrade { get; }

    public int CertificateYears { get; }
    public double AboveScaleRevenue { get; }
    public double SmeMaxRevenue { get; }
    public double EagletMaxAge { get; }
    public double EagletMaxRevenue { get; }
    public double RdThresholdSmall { get; }
    public double RdThresholdMedium { get; }
    public double RdThresholdLarge { get; }
    public double MediumRevenue { get; }
    public double LargeRevenue { get; }

    /// <summary>Revenue below which a firm exits at (1 + slope) times its rate, and above which at (1 - slope / 2).</summary>
    public double ExitSmallRevenue { get; }
    public double ExitLargeRevenue { get; }

    /// <summary>By incubator level; multiplied per trial by the graduation level.</summary>
    public double[] GraduationRate { get; }

    /// <summary>The HTE R&D/revenue criterion for a firm of this revenue (M yuan).</summary>
    public double RdThreshold(double revenue) =>
        revenue <= MediumRevenue ? RdThresholdSmall : revenue <= LargeRevenue ? RdThresholdMedium : RdThresholdLarge;

    /// <summary>The exit-rate factor of a firm of this revenue, for a trial's size slope.</summary>
    public double ExitSizeFactor(double revenue, double slope) =>
        revenue < ExitSmallRevenue ? 1 + slope : revenue > ExitLargeRevenue ? 1 - (0.5 * slope) : 1;
}

using Forecast.Model;

namespace Forecast.Simulation;

/// <summary>
/// The per-step constants agents need, precomputed once per model from <see cref="Parameters"/>
/// (rates already multiplied by their calibrated scales).
/// </summary>
public sealed class StepRules
{
    public StepRules(Parameters p)
    {
        var c = p.Calibrated;
        FirmGrowthBeta = p.FirmGrowthBeta;
        FirmNoise = p.FirmGrowthSd * Math.Sqrt(3); // uniform on [-a, a] has sd a / sqrt(3)
        HteGrowthPremium = p.HteGrowthPremium;
        ExitRate = (double[])p.ExitRate.Clone();
        HteApply = p.HteApply.Select(r => r * c.HteApplyScale).ToArray();
        HtePassRate = p.HtePassRate;
        HtePassIneligible = p.HtePassIneligible;
        HteRenewalLoss = p.HteRenewalLoss;
        PtsmeListingCandidate = p.PtsmeListingCandidate * c.PtsmeListingScale;
        PtsmeListingEaglet = p.PtsmeListingEaglet * c.PtsmeListingScale;
        EagletListing = p.EagletListingYoung * c.EagletListingScale;
        // Founding a municipal centre (level 0 -> 1) and provincial recognitions (1 -> 2 -> 3 -> 4) are fitted apart.
        InstitutionUpgrade = p.InstitutionUpgrade.Select((r, level) => r * (level == 0 ? c.MunicipalCentreScale : c.RdInstitutionScale)).ToArray();
        InstitutionHteFactor = p.InstitutionHteFactor;
        QualitySpread = p.QualitySpread;
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
        M2PerTenant = p.M2PerTenant;
        GraduationRate = (double[])p.GraduationRate.Clone();
        IncubatorUpgradeRate = p.IncubatorUpgradeRate;
        IncubatorExpansionRate = c.IncubatorExpansionRate;
        NewAreaNoise = p.IncubatorAreaSd * Math.Sqrt(3);
        NewIncubatorProvincialShare = p.NewIncubatorProvincialShare;
    }

    public double FirmGrowthBeta { get; }
    public double FirmNoise { get; }
    public double HteGrowthPremium { get; }
    public double[] ExitRate { get; }
    public double[] HteApply { get; }
    public double HtePassRate { get; }
    public double HtePassIneligible { get; }
    public double HteRenewalLoss { get; }
    public double PtsmeListingCandidate { get; }
    public double PtsmeListingEaglet { get; }
    public double EagletListing { get; }
    public double[] InstitutionUpgrade { get; }
    public double InstitutionHteFactor { get; }
    public double QualitySpread { get; }
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
    public double M2PerTenant { get; }
    public double[] GraduationRate { get; }
    public double IncubatorUpgradeRate { get; }
    public double IncubatorExpansionRate { get; }
    public double NewAreaNoise { get; }
    public double NewIncubatorProvincialShare { get; }

    /// <summary>The HTE R&D/revenue criterion for a firm of this revenue (M yuan).</summary>
    public double RdThreshold(double revenue) =>
        revenue <= MediumRevenue ? RdThresholdSmall : revenue <= LargeRevenue ? RdThresholdMedium : RdThresholdLarge;
}

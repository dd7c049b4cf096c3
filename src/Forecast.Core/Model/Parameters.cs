namespace Forecast.Model;

/// <summary>Tiers of an enterprise. Stored as a byte in per-trial state.</summary>
public enum Tier : byte
{
    Latent = 0,
    Exited = 1,
    Candidate = 2,
    Eaglet = 3,
    Ptsme = 4,
    Hte = 5,
}

/// <summary>Incubator levels; 0 = a slot not opened yet.</summary>
public enum IncubatorLevel : byte
{
    Unopened = 0,
    Municipal = 1,
    Provincial = 2,
    National = 3,
}

/// <summary>A target: an indicator in a year must be at least a threshold.</summary>
public sealed record TargetDefinition(string Id, Indicator Indicator, int Year, double Threshold, string Source);

/// <summary>
/// Every number of the model, read from seeds/ (baseline, calibration) and overlaid by a scenario.
/// Built once by <see cref="ParametersLoader"/>; treat as immutable. Arrays indexed by tier use
/// <c>tier - Tier.Candidate</c> (candidate, Eaglet, PTSME, HTE).
/// </summary>
public sealed class Parameters
{
    public string ScenarioName = "baseline";
    public int StartYear;
    public int CalibrationYear;
    public int LastYear;
    public ulong PopulationSeed;

    // Stocks at the end of the start year.
    public int HteStock2020, PtsmeStock2020, EagletStock2020, CandidateStock2020, EntrantPool;
    public double NewFirmsPerYear;
    public int IncubatorSlots, Incubators2020, NationalIncubators2020, ProvincialIncubators2020;
    public double IncubatorArea2020;

    // Synthetic firm attributes.
    public double[] RevenueMedian = new double[4];
    public double RevenueSigma;
    public double[] RdIntensityLo = new double[4], RdIntensityHi = new double[4];
    public double VaRatioLo, VaRatioHi, InvestRatioLo, InvestRatioHi;
    public double HighTechShareHte, HighTechShareOther, FirmAgeMax;
    public double[] InstitutionMixHte = new double[5], InstitutionMixPtsme = new double[5];
    public double EnterpriseShareOfRd, HtVaShare2020;

    // Macro.
    public double Gdp2020, Gdp2021, RdGdp2020;
    public double GdpGrowthMean, GdpGrowthTrialSd, GdpGrowthYearSd, OtherIndustryBeta;
    public double FirmGrowthBeta, FirmGrowthSd, HteGrowthPremium, RdIntensityTrend;
    public double InvestmentTrend, InvestmentShockSd, ExitGdpSensitivity;

    // Public rules.
    public double AboveScaleRevenue, SmeMaxRevenue, EagletMaxAge, EagletMaxRevenue;
    public int CertificateYears;
    public double RdThresholdSmall, RdThresholdMedium, RdThresholdLarge, MediumRevenue, LargeRevenue;

    // Tier dynamics.
    public double[] ExitRate = new double[4];
    public double[] HteApply = new double[4]; // HTE entry has no further application: index 3 unused.
    public double HtePassRate, HtePassIneligible, HteRenewalLoss;
    public double PtsmeListingCandidate, PtsmeListingEaglet, EagletListingYoung;
    public double[] InstitutionUpgrade = new double[4];
    public double InstitutionHteFactor, QualitySpread;

    // Incubators and district budgets.
    public double M2PerTenant, IncubatorUpgradeRate, IncubatorAreaSd, NewIncubatorProvincialShare;
    public double[] GraduationRate = new double[4]; // by IncubatorLevel; index 0 unused.
    public double NewHte2020, HteRewardBudget;

    /// <summary>Every fact of the baseline by id (value only), for calibration and reports.</summary>
    public Dictionary<string, double> Facts = new(StringComparer.Ordinal);

    // Calibrated (seeds/calibration.yaml).
    public CalibratedValues Calibrated = CalibratedValues.Default;

    // Levers and targets.
    public LeverDefinition[] Levers = [];
    public double[] LeverValues = [];
    public TargetDefinition[] Targets = [];
    public Dictionary<string, double> TargetFactors = new(StringComparer.Ordinal);

    public int Years => LastYear - StartYear;

    public Parameters With(CalibratedValues calibrated)
    {
        var copy = (Parameters)MemberwiseClone();
        copy.Calibrated = calibrated;
        return copy;
    }
}

/// <summary>The rates fitted by <c>forecast calibrate</c> to the 2021 facts.</summary>
public sealed record CalibratedValues(
    double HteApplyScale,
    double PtsmeListingScale,
    double EagletListingScale,
    double RdInstitutionScale,
    double IncubatorBirthScale,
    double IncubatorExpansionRate,
    double MunicipalCentreScale)
{
    public static readonly CalibratedValues Default = new(1.0, 1.0, 1.0, 1.0, 1.0, 0.04, 1.0);

    public static readonly string[] Ids =
    [
        "hte-apply-scale", "ptsme-listing-scale", "eaglet-listing-scale",
        "rd-institution-scale", "incubator-birth-scale", "incubator-expansion-rate", "municipal-centre-scale",
    ];

    public double this[int i] => i switch
    {
        0 => HteApplyScale,
        1 => PtsmeListingScale,
        2 => EagletListingScale,
        3 => RdInstitutionScale,
        4 => IncubatorBirthScale,
        5 => IncubatorExpansionRate,
        6 => MunicipalCentreScale,
        _ => throw new ArgumentOutOfRangeException(nameof(i)),
    };

    public static CalibratedValues From(IReadOnlyList<double> v) => new(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
}

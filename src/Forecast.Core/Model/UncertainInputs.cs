namespace Forecast.Model;

/// <summary>
/// The model's uncertain inputs. Each trial draws one value of each (from its prior in
/// seeds/baseline.yaml, or from the calibrated ensemble), so a trial is one coherent world. Lever
/// elasticities follow these, one per lever, in lever order.
/// </summary>
public enum UncertainInput
{
    // Stocks at the end of the start year (the population is synthesised at the top of each range;
    // a trial activates the first N of each tier).
    HteStock2020,
    PtsmeStock2020,
    EagletStock2020,
    CandidateStock2020,

    // Levels of the synthetic firms' attributes (multipliers on the drawn population).
    RevenueLevel,
    RdIntensityLevel,
    FirmRdTrend,

    // Entry and exit.
    NewFirmsPerYear,
    ExitLevel,
    ExitSizeSlope,
    ExitGdpSensitivity,

    // Firm growth.
    FirmGrowthBeta,
    FirmGrowthSd,
    HteGrowthPremium,

    // Tier dynamics.
    HteApplyLevel,
    HtePassRate,
    HtePassIneligible,
    HteRenewalLoss,
    PtsmeListingLevel,
    EagletListingLevel,
    PtsmeRevocationRate,
    RdInstitutionLevel,
    MunicipalCentreLevel,
    RdInstitutionHteFactor,
    QualitySpread,

    // Common yearly shocks (quota and policy cycles): their sizes.
    RecognitionShockSd,
    ListingShockSd,

    // Incubators.
    IncubatorArea2020,
    IncubatorBirthLevel,
    IncubatorExpansionRate,
    IncubatorM2PerTenant,
    GraduationLevel,
    IncubatorUpgradeRate,
    IncubatorAreaSd,
    NewIncubatorProvincialShare,

    // Macro: GDP.
    GdpGrowth2021,
    GdpGrowthMean,
    GdpGrowthYearSd,
    DownturnProbability,
    DownturnDepth,

    // The district beyond the synthetic firms (large firms, public R&D): top-down components.
    IndustryGrowthBeta,
    VaCoverage,
    HtShareRest2020,
    HtShareDrift,
    HtShareYearSd,
    RdCoverage,
    RdGrowthMean,
    RdGrowthYearSd,
    RdGdpResponse,
    HtInvestCoverage,
    HtInvestGrowthMean,
    HtInvestYearSd,
    HtInvestGdpResponse,

    // The 2021 draws of the common yearly shocks, standardised: calibration learns them from 2021.
    RecognitionShock2021,
    ListingShock2021,
}

public static class UncertainInputs
{
    public const int Count = (int)UncertainInput.ListingShock2021 + 1;

    private static readonly string[] Ids =
    [
        "hte-stock-2020", "ptsme-stock-2020", "eaglet-stock-2020", "candidate-stock-2020",
        "revenue-level", "rd-intensity-level", "firm-rd-trend",
        "new-firms-per-year", "exit-level", "exit-size-slope", "exit-gdp-sensitivity",
        "firm-growth-beta", "firm-growth-sd", "hte-growth-premium",
        "hte-apply-level", "hte-pass-rate", "hte-pass-ineligible", "hte-renewal-loss",
        "ptsme-listing-level", "eaglet-listing-level", "ptsme-revocation-rate",
        "rd-institution-level", "municipal-centre-level", "rd-institution-hte-factor", "quality-spread",
        "recognition-shock-sd", "listing-shock-sd",
        "incubator-area-2020", "incubator-birth-level", "incubator-expansion-rate", "incubator-m2-per-tenant", "graduation-level",
        "incubator-upgrade-rate", "incubator-area-sd", "new-incubator-provincial-share",
        "gdp-growth-2021", "gdp-growth-mean", "gdp-growth-year-sd", "downturn-probability", "downturn-depth",
        "industry-growth-beta", "va-coverage", "ht-share-rest-2020", "ht-share-drift", "ht-share-year-sd",
        "rd-coverage", "rd-growth-mean", "rd-growth-year-sd", "rd-gdp-response",
        "ht-invest-coverage", "ht-invest-growth-mean", "ht-invest-year-sd", "ht-invest-gdp-response",
        "recognition-shock-2021", "listing-shock-2021",
    ];

    /// <summary>Inputs whose prior is defined here, not in the seeds: standardised shocks, N(0, 1).</summary>
    public static bool IsStandardShock(UncertainInput input) =>
        input is UncertainInput.RecognitionShock2021 or UncertainInput.ListingShock2021;

    public static string Id(UncertainInput input) => Ids[(int)input];

    public static bool TryParse(string id, out UncertainInput input)
    {
        var i = Array.IndexOf(Ids, id);
        input = (UncertainInput)Math.Max(0, i);
        return i >= 0;
    }

    public static IEnumerable<string> AllIds => Ids;

    /// <summary>
    /// Inputs the calibration year's simulation depends on, so 2021's facts can speak for them; the
    /// others (2022-2025 macro trends, the top-down investment path) keep their priors.
    /// </summary>
    public static bool ActsInCalibrationYear(UncertainInput input) => input is not (
        UncertainInput.GdpGrowthMean or UncertainInput.GdpGrowthYearSd or UncertainInput.DownturnProbability
        or UncertainInput.DownturnDepth or UncertainInput.RdCoverage or UncertainInput.RdGrowthMean or UncertainInput.RdGrowthYearSd
        or UncertainInput.RdGdpResponse or UncertainInput.HtInvestCoverage or UncertainInput.HtInvestGrowthMean
        or UncertainInput.HtInvestYearSd or UncertainInput.HtInvestGdpResponse);

    /// <summary>The id of a lever's elasticity as an uncertain input.</summary>
    public static string ElasticityId(string leverId) => $"elasticity:{leverId}";
}

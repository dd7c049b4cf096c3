namespace Forecast.Model;

/// <summary>
/// What agents add into a partial aggregate while they step: integer counts, and money or area
/// as 64-bit fixed point (<see cref="Fixed"/>). Integers merge bit-identically in any order.
/// </summary>
public enum Metric
{
    NewHte,
    NewPtsme,
    NewEaglet,
    NewRdInst,
    NewMunicipalRdCentres,
    HteRenewed,
    HteLost,
    Exits,
    HteStock,
    PtsmeStock,
    EagletStock,
    CandidateStock,
    ListedFirms,
    Births,
    PtsmeRevoked,
    EagletAgedOut,
    NewIncubators,
    IncubatorCount,
    IncubatorArea,
    NewIncubatorArea,
    Graduates,
    RdSpend,
    AboveScaleVa,
    HtVa,
    HtInvest,

    // The start year as the trial's agents were initialised (added in the first year only):
    // the base the 2025 multiples and the top-down components are measured against.
    BaseHteStock,
    BasePtsmeStock,
    BaseRdSpend,
    BaseAboveScaleVa,
    BaseHtVa,
    BaseHtInvest,
}

public static class Metrics
{
    public const int Count = (int)Metric.BaseHtInvest + 1;

    /// <summary>
    /// Metrics 0 .. StagedCounts-1 (NewHte .. EagletAgedOut) are counts an enterprise adds at most once
    /// per trial and year; the kernels stage them as bytes, four to a 32-bit word (see
    /// <see cref="Aggregation.Accumulator"/>).
    /// </summary>
    public const int StagedCounts = (int)Metric.EagletAgedOut + 1;
}

/// <summary>Fixed-point conversions: money in thousand yuan, area in m2, both as <see cref="long"/>.</summary>
public static class Fixed
{
    /// <summary>Million yuan (double) to thousand yuan, rounding half up; inputs are non-negative (the 64-bit reference kernel's rounding).</summary>
    public static long MillionYuan(double millions) => (long)(millions * 1e3 + 0.5);

    public static double ToMillionYuan(long thousands) => thousands / 1e3;

    public static long SquareMetres(double m2) => (long)(m2 + 0.5);
}

/// <summary>The indicators a forecast reports, per trial and year, derived from merged metrics.</summary>
public enum Indicator
{
    NewHte,
    NewPtsme,
    NewEaglet,
    NewRdInst,
    NewMunicipalRdCentres,
    NewIncubators,
    IncubatorCount,
    IncubatorArea,
    HteStock,
    PtsmeStock,
    HteStockMultiple,
    PtsmeStockMultiple,
    EagletStock,
    CandidateStock,
    Births,
    PtsmeRevoked,
    RdGdp,
    HtVaShare,
    HtInvestGrowth,
    Gdp,
    PolicyCost,
}

public static class Indicators
{
    public const int Count = (int)Indicator.PolicyCost + 1;

    private static readonly (string Id, string Unit)[] Table =
    [
        ("new-hte", "firms"),
        ("new-ptsme", "firms"),
        ("new-eaglet", "firms"),
        ("new-rd-inst", "institutions"),
        ("new-municipal-rd-centres", "institutions"),
        ("new-incubators", "incubators"),
        ("incubator-count", "incubators"),
        ("incubator-area", "m2"),
        ("hte-stock", "firms"),
        ("ptsme-stock", "firms"),
        ("hte-stock-multiple", "times end-2020"),
        ("ptsme-stock-multiple", "times end-2020"),
        ("eaglet-stock", "firms"),
        ("candidate-stock", "firms"),
        ("births", "firms"),
        ("ptsme-revoked", "firms"),
        ("rd-gdp", "percent"),
        ("ht-va-share", "percent"),
        ("ht-invest-growth", "percent"),
        ("gdp", "bn yuan"),
        ("policy-cost", "M yuan"),
    ];

    public static string Id(Indicator indicator) => Table[(int)indicator].Id;

    public static string Unit(Indicator indicator) => Table[(int)indicator].Unit;

    public static bool TryParse(string id, out Indicator indicator)
    {
        for (var i = 0; i < Table.Length; i++)
        {
            if (Table[i].Id == id)
            {
                indicator = (Indicator)i;
                return true;
            }
        }

        indicator = default;
        return false;
    }

    public static IEnumerable<string> AllIds => Table.Select(t => t.Id);
}

namespace Forecast.Model;

/// <summary>Where a lever acts in the model. Each channel multiplies one rate.</summary>
public enum Channel
{
    HteApply,
    HtePass,
    PtsmeListing,
    RdIntensity,
    Investment,
    RdInstitution,
    IncubatorBirths,
    IncubatorNewArea,
}

public static class Channels
{
    public const int Count = (int)Channel.IncubatorNewArea + 1;
}

/// <summary>How the coordinator couples a lever to last year's district totals.</summary>
public enum Coupling
{
    /// <summary>The value acts as set.</summary>
    None,

    /// <summary>A per-firm reward prorated to the budget: min(v, budget / last year's new HTE).</summary>
    RewardBudget,

    /// <summary>A volume shared by listed firms: v x listed firms at the start / listed firms last year.</summary>
    PerListedFirm,
}

/// <summary>The quantity a lever's yearly cost is proportional to.</summary>
public enum CostBase
{
    One,
    NewHte,
    EnterpriseRd,
    NewIncubators,
    NewIncubatorArea,
    PipelineFirms,
}

/// <summary>
/// A policy lever. Its effect on its channel is the multiplier of <see cref="LeverEffects"/> for the
/// ratio v / v0 of the scenario's value to the baseline's, with an elasticity e drawn once per trial,
/// uniformly in [ElasticityLo, ElasticityHi]. Levers act from the year after calibration (2021 ran
/// on observed policy). Cost in M yuan a year: CostFactor x (TimesValue ? v : 1) x the cost base.
/// </summary>
public sealed record LeverDefinition(
    string Id,
    int Index,
    string Description,
    string Unit,
    double Baseline,
    double Min,
    double Max,
    Channel Channel,
    double ElasticityLo,
    double ElasticityHi,
    double CostFactor,
    CostBase CostBase,
    bool CostTimesValue,
    Coupling Coupling)
{
    public static Coupling ParseCoupling(string? s) => s switch
    {
        null or "none" => Coupling.None,
        "reward-budget" => Coupling.RewardBudget,
        "per-listed-firm" => Coupling.PerListedFirm,
        _ => throw new ArgumentException($"unknown coupling '{s}'"),
    };

    public static Channel ParseChannel(string s) => s switch
    {
        "hte-apply" => Channel.HteApply,
        "hte-pass" => Channel.HtePass,
        "ptsme-listing" => Channel.PtsmeListing,
        "rd-intensity" => Channel.RdIntensity,
        "investment" => Channel.Investment,
        "rd-institution" => Channel.RdInstitution,
        "incubator-births" => Channel.IncubatorBirths,
        "incubator-new-area" => Channel.IncubatorNewArea,
        _ => throw new ArgumentException($"unknown channel '{s}'"),
    };

    public static CostBase ParseCostBase(string s) => s switch
    {
        "one" => CostBase.One,
        "new-hte" => CostBase.NewHte,
        "enterprise-rd" => CostBase.EnterpriseRd,
        "new-incubators" => CostBase.NewIncubators,
        "new-incubator-area" => CostBase.NewIncubatorArea,
        "pipeline-firms" => CostBase.PipelineFirms,
        _ => throw new ArgumentException($"unknown cost base '{s}'"),
    };
}

/// <summary>
/// How a lever's value becomes an effect: 1 + e x h(r - 1) for the ratio r = v / v0, with h(x) = x for
/// a cut (effects shrink in proportion) and h(x) = ln(1 + x) for a rise: diminishing returns, smooth
/// at r = 1 (a small change acts as in proportion). No evidence fixes the curvature; the logarithm is
/// an assumption stated here. Elasticities are in [0, 1] (checked on loading), so it is never below 0.
/// </summary>
public static class LeverEffects
{
    public static double Multiplier(double elasticity, double ratio)
    {
        var x = ratio - 1;
        return 1 + (elasticity * (x <= 0 ? x : Math.Log(1 + x)));
    }
}

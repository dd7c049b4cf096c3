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
/// A policy lever. Its effect on its channel is the multiplier 1 + e (v / v0 - 1), where v is
/// the scenario's value, v0 the baseline value and e an elasticity drawn once per trial,
/// uniformly in [ElasticityLo, ElasticityHi]. Cost in M yuan a year:
/// CostFactor x (TimesValue ? v : 1) x the cost base.
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

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
public sealed record TargetDefinition(string Id, Indicator Indicator, int Year, double Threshold, string Source, string? Counting = null, string? Owner = null);

/// <summary>
/// A 2021 fact the calibration conditions on: the simulated indicator of the calibration year
/// against <see cref="Observed"/>, on the scale of a relative tolerance times the fact, or of an
/// absolute sd.
/// </summary>
public sealed record CalibrationFact(string Id, Indicator Indicator, double Observed, double Tolerance, double Sd)
{
    public bool Relative => Tolerance > 0;

    /// <summary>A simulated value's standardised distance from the fact.</summary>
    public double Error(double simulated) => (simulated - Observed) / (Relative ? Tolerance * Math.Abs(Observed) : Sd);
}

/// <summary>
/// Every number of the model, read from seeds/ and overlaid by a scenario. Built once by
/// <see cref="ParametersLoader"/>; treat as immutable. Arrays indexed by tier use
/// <c>tier - Tier.Candidate</c> (candidate, Eaglet, PTSME, HTE). What is uncertain is in
/// <see cref="Priors"/> (one per <see cref="UncertainInput"/>) and <see cref="ElasticityPriors"/>;
/// the rest is held: public rules, facts, and the shapes of the synthetic population.
/// </summary>
public sealed class Parameters
{
    public string ScenarioName = "baseline";
    public DateOnly InformationDate;
    public int StartYear;
    public int CalibrationYear;
    public int LastYear;
    public ulong PopulationSeed;

    /// <summary>Priors of the uncertain inputs after the scenario (a pinned input has a fixed prior).</summary>
    public Prior[] Priors = new Prior[UncertainInputs.Count];

    /// <summary>Inputs the scenario pinned or gave a new prior: the calibrated ensemble does not speak for them.</summary>
    public bool[] SetByScenario = new bool[UncertainInputs.Count];

    /// <summary>The baseline's priors, before a scenario pins or replaces any (the population is sized by them).</summary>
    public Prior[] BaselinePriors = new Prior[UncertainInputs.Count];

    /// <summary>
    /// The growth exits and R&D respond to: the baseline's median of gdp-growth-mean, whatever the
    /// scenario says (a low-growth scenario must raise exits, not move the reference with it).
    /// </summary>
    public double ReferenceGrowth;

    /// <summary>The calibrated ensemble (seeds/posterior.csv), or null before the first calibration.</summary>
    public Ensemble? Posterior;

    // Synthetic firm attributes (held shapes).
    public double[] RevenueMedian = new double[4];
    public double RevenueSigma;
    public double[] RdIntensityLo = new double[4], RdIntensityHi = new double[4];
    public double VaRatioLo, VaRatioHi, InvestRatioLo, InvestRatioHi;
    public double HighTechShareHte, HighTechShareOther, FirmAgeMax;
    public double[] InstitutionMixHte = new double[5], InstitutionMixPtsme = new double[5];

    // Facts.
    public double Gdp2020, RdGdp2020;

    /// <summary>2021's observed high-tech investment growth (percent), or null where 2021 is forecast (a backtest).</summary>
    public double? HtInvestGrowth2021;

    // Public rules.
    public double AboveScaleRevenue, SmeMaxRevenue, EagletMaxAge, EagletMaxRevenue;
    public int CertificateYears;
    public double RdThresholdSmall, RdThresholdMedium, RdThresholdLarge, MediumRevenue, LargeRevenue;

    // Held per-tier rates; their common levels are uncertain inputs.
    public double[] ExitRate = new double[4];
    public double ExitSmallRevenue, ExitLargeRevenue;
    public double[] HteApply = new double[4]; // HTE entry has no further application: index 3 unused.
    public double PtsmeListingCandidate, PtsmeListingEaglet, EagletListingYoung, HtePassCap;
    public double[] InstitutionUpgrade = new double[4];
    public double[] GraduationRate = new double[4]; // by IncubatorLevel; index 0 unused.

    // Incubators at the start, slots for entrants and incubators, and the district's reward budget.
    public int Incubators2020, NationalIncubators2020, ProvincialIncubators2020;
    public int EntrantSlots, IncubatorSlots;
    public double HteRewardBudget;

    /// <summary>Every fact of the baseline by id (value only), for calibration and reports.</summary>
    public Dictionary<string, double> Facts = new(StringComparer.Ordinal);

    /// <summary>When each fact was published.</summary>
    public Dictionary<string, DateOnly> FactPublished = new(StringComparer.Ordinal);

    /// <summary>The facts the simulation itself reads (start values and public rules), in the order read.</summary>
    public List<string> FactsRead = [];

    /// <summary>The 2021 facts calibration conditions on.</summary>
    public CalibrationFact[] CalibrationFacts = [];

    // Levers and targets.
    public LeverDefinition[] Levers = [];
    public double[] LeverValues = [];

    /// <summary>The first year each lever's scenario value acts (the years before run on the baseline value).</summary>
    public int[] LeverFrom = [];
    public Prior[] ElasticityPriors = [];
    public TargetDefinition[] Targets = [];

    public int Years => LastYear - StartYear;

    /// <summary>The first year a lever can act: the year after calibration (2021 ran on observed policy).</summary>
    public int FirstPolicyYear => CalibrationYear + 1;

    /// <summary>Lever <paramref name="index"/>'s value in <paramref name="year"/>: the baseline's before its first year, the scenario's from it.</summary>
    public double LeverValueIn(int index, int year) =>
        year < LeverFrom[index] ? Levers[index].Baseline : LeverValues[index];

    public Prior Prior(UncertainInput input) => Priors[(int)input];

    /// <summary>The same parameters with another ensemble (calibration rounds, or none).</summary>
    public Parameters With(Ensemble? posterior)
    {
        var copy = (Parameters)MemberwiseClone();
        copy.Posterior = posterior;
        return copy;
    }
}

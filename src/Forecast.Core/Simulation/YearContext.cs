namespace Forecast.Simulation;

/// <summary>
/// The per-trial rates agents read in a year: the trial's world (its uncertain inputs), the year's
/// common shocks, the policy levers (from the year after calibration) and the couplings to last
/// year's district totals, all folded into one number per trial each.
/// </summary>
public enum Rate
{
    /// <summary>Revenue growth common to every firm: firm-growth-beta x nominal GDP growth.</summary>
    FirmGrowth,
    HtePremium,
    FirmNoise,

    /// <summary>Exit-rate multiplier: exit level x the response to growth below the reference.</summary>
    Exit,
    ExitSizeSlope,
    HteApply,

    /// <summary>The first-time HTE pass rate (before the R&D criterion), lever effect included.</summary>
    HtePass,
    PassIneligible,
    RenewalKeep,
    PtsmeListing,

    /// <summary>The yearly probability that an eligible young firm is named an Eaglet.</summary>
    EagletListing,
    Revocation,
    RdIntensity,

    /// <summary>The trial's R&D intensity level alone (the start year's, before trend and levers).</summary>
    RdLevel,
    Investment,
    RdInstitution,
    MunicipalFounding,
    HteInstitutionFactor,
    QualitySpread,

    /// <summary>Multiplies a firm's 2020 revenue when its state is initialised.</summary>
    RevenueLevel,

    NewAreaMean,
    IncubatorExpansion,
    GraduationLevel,
    IncubatorUpgrade,
    M2PerTenant,
    NewAreaNoise,
    ProvincialShare,
    IncubatorAreaLevel,
}

/// <summary>Per-trial counts of a year: open entrant and incubator slots, and the trial's start-year stocks.</summary>
public enum TrialCount
{
    ActiveEntrants,
    OpenIncubators,
    InitialHte,
    InitialPtsme,
    InitialEaglet,
    InitialCandidate,
}

/// <summary>
/// The coupled district state the coordinator hands every agent for one year of one batch of
/// trials: every <see cref="Rate"/> and <see cref="TrialCount"/> per trial, kind-major (all trials
/// of a rate together), so a vector kernel loads a rate for eight trials at once.
/// </summary>
public sealed class YearContext
{
    public const int RateCount = (int)Rate.IncubatorAreaLevel + 1;
    public const int CountCount = (int)TrialCount.InitialCandidate + 1;

    private readonly int[] _max = new int[CountCount];
    private float[]? _singles;

    public YearContext(ulong seed, int year, int firstTrial, int trials, double[] rates, int[] counts)
    {
        if (rates.Length != RateCount * trials || counts.Length != CountCount * trials)
        {
            throw new ArgumentException($"a year context of {trials} trials needs {RateCount * trials} rates and {CountCount * trials} counts");
        }

        (Seed, Year, FirstTrial, Trials, Rates, Counts) = (seed, year, firstTrial, trials, rates, counts);
        Array.Fill(_max, -1);
    }

    public ulong Seed { get; }

    public int Year { get; }

    public int FirstTrial { get; }

    public int Trials { get; }

    /// <summary>Every rate per trial: rate r of trial t at r x Trials + t.</summary>
    public double[] Rates { get; }

    /// <summary>Every count per trial: count c of trial t at c x Trials + t.</summary>
    public int[] Counts { get; }

    /// <summary>Trials per block of <see cref="Singles"/>.</summary>
    public const int SingleBlock = 16;

    /// <summary>
    /// <see cref="Rates"/> rounded to single precision, what the 32-bit kernels read, in blocks of
    /// <see cref="SingleBlock"/> trials (rate r of trial t at <see cref="SingleIndex"/>), so a kernel
    /// reads every rate of its trials at fixed offsets from one address; the last block is padded with
    /// zeros. Made once, on first use, after the coordinator has set every rate (a benign race: every
    /// thread makes the same values).
    /// </summary>
    public float[] Singles
    {
        get
        {
            var singles = Volatile.Read(ref _singles);
            if (singles is null)
            {
                singles = new float[RateCount * ((Trials + SingleBlock - 1) / SingleBlock) * SingleBlock];
                for (var r = 0; r < RateCount; r++)
                {
                    for (var t = 0; t < Trials; t++)
                    {
                        singles[SingleIndex((Rate)r, t)] = (float)Rates[(r * Trials) + t];
                    }
                }

                Volatile.Write(ref _singles, singles);
            }

            return singles;
        }
    }

    /// <summary>Where rate <paramref name="rate"/> of trial <paramref name="t"/> is in <see cref="Singles"/>.</summary>
    public static int SingleIndex(Rate rate, int t) => ((t / SingleBlock) * RateCount * SingleBlock) + ((int)rate * SingleBlock) + (t % SingleBlock);

    public static YearContext Allocate(ulong seed, int year, int firstTrial, int trials) =>
        new(seed, year, firstTrial, trials, new double[RateCount * trials], new int[CountCount * trials]);

    public Span<double> this[Rate rate] => Rates.AsSpan((int)rate * Trials, Trials);

    public Span<int> this[TrialCount count] => Counts.AsSpan((int)count * Trials, Trials);

    /// <summary>The largest value of a count over the batch's trials (agents ranked at or above it are absent from every trial).</summary>
    public int Max(TrialCount count)
    {
        var i = (int)count;
        if (Volatile.Read(ref _max[i]) < 0)
        {
            var max = 0;
            foreach (var v in this[count])
            {
                max = Math.Max(max, v);
            }

            Volatile.Write(ref _max[i], max); // a benign race: every thread computes the same value
        }

        return _max[i];
    }
}

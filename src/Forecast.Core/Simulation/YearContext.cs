namespace Forecast.Simulation;

/// <summary>
/// The coupled district state the coordinator hands every agent for one year of one batch of
/// trials: macro draws and policy multipliers per trial, and how many entrant and incubator
/// slots are open. Arrays are indexed by trial within the batch.
/// </summary>
public sealed record YearContext(
    ulong Seed,
    int Year,
    int FirstTrial,
    int Trials,
    double[] GdpGrowth,
    double[] ExitMultiplier,
    double[] HteApply,
    double[] HtePass,
    double[] PtsmeListing,
    double[] RdIntensity,
    double[] Investment,
    double[] RdInstitution,
    double[] NewAreaMean,
    int[] ActiveEntrants,
    int[] OpenIncubators)
{
    private int _maxActiveEntrants = -1;

    /// <summary>The most entrant slots open in any trial (entrants ranked at or above it sleep in every trial).</summary>
    public int MaxActiveEntrants
    {
        get
        {
            if (_maxActiveEntrants < 0)
            {
                _maxActiveEntrants = ActiveEntrants.Length == 0 ? 0 : ActiveEntrants.Max(); // benign race: same value
            }

            return _maxActiveEntrants;
        }
    }

    public static YearContext Allocate(ulong seed, int year, int firstTrial, int trials) => new(
        seed, year, firstTrial, trials,
        new double[trials], new double[trials], new double[trials], new double[trials], new double[trials],
        new double[trials], new double[trials], new double[trials], new double[trials],
        new int[trials], new int[trials]);
}

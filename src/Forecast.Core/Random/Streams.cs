namespace Forecast.Random;

/// <summary>
/// The layout of the Philox counter space. Every draw of a run is Philox4x32-10 keyed by the
/// run's seed at counter (trial, agent, year, stream), so a trial's numbers depend on nothing but
/// (seed, agent, trial, year): not on batch size, thread, silo or the order agents step in.
/// </summary>
public static class Streams
{
    /// <summary>Enterprises use their index 0..N-1 as agent id.</summary>
    public const uint EnterpriseBase = 0;

    /// <summary>Incubator slot i uses agent id IncubatorBase + i.</summary>
    public const uint IncubatorBase = 0x4000_0000;

    /// <summary>Yearly common shocks of a trial (GDP, downturns, recognition, listing, top-down components): counter = (trial, Shocks, year, 0..).</summary>
    public const uint Shocks = 0xFFFF_FF01;

    /// <summary>Synthetic population draws: key = population seed, counter = (agent, attribute, 0, 0).</summary>
    public const uint Population = 0xFFFF_FF02;

    /// <summary>A trial's uncertain inputs: counter = (trial, World, input key, 0), the key a hash of the input's id.</summary>
    public const uint World = 0xFFFF_FF03;

    /// <summary>The input key that picks a trial's set of the calibrated ensemble.</summary>
    public const uint EnsembleSet = 0;

    /// <summary>Poisson counts of the district (entrants, incubator openings): counter = (trial, Counts, year, kind), then a stream.</summary>
    public const uint Counts = 0xFFFF_FF04;

    /// <summary>Calibration's proposals and perturbations: counter = (proposal, Calibration, round, block).</summary>
    public const uint Calibration = 0xFFFF_FF05;

    /// <summary>Bootstrap resamples of a run's trials for driver intervals: counter = (resample, Sensitivity, trials, block).</summary>
    public const uint Sensitivity = 0xFFFF_FF06;

    public static (uint K0, uint K1) Key(ulong seed) => ((uint)seed, (uint)(seed >> 32));
}

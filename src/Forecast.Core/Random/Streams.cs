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

    /// <summary>District macro draws (GDP, investment shock, incubator openings).</summary>
    public const uint Macro = 0xFFFF_FF00;

    /// <summary>Per-trial lever elasticities and the trial's persistent shock (year 0).</summary>
    public const uint Trial = 0xFFFF_FF01;

    /// <summary>Synthetic population draws: key = population seed, counter = (agent, attribute, 0, 0).</summary>
    public const uint Population = 0xFFFF_FF02;

    public static (uint K0, uint K1) Key(ulong seed) => ((uint)seed, (uint)(seed >> 32));
}

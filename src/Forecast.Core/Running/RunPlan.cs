using System.Globalization;

namespace Forecast.Running;

/// <summary>
/// How a run is shaped: its seed, how many trials, and how many are stepped together. Without a
/// <see cref="Precision"/> the run does exactly <see cref="Trials"/> trials. With one it is adaptive:
/// batches go on until every target's and every year's joint probability has a 95% Wilson
/// half-width of at most <see cref="Precision"/> (<see cref="AdaptiveStopping"/>), or until
/// <see cref="Trials"/> trials are done. Results never depend on <see cref="BatchSize"/>: a trial's
/// numbers depend only on (seed, trial).
/// </summary>
public sealed record RunPlan(ulong Seed, int Trials, int BatchSize = RunPlan.DefaultBatchSize, double? Precision = null)
{
    public const int DefaultBatchSize = 1000;
    public const int MaxTrials = 10_000_000;
    public const int MaxBatchSize = 100_000;

    /// <summary>True when the run stops on <see cref="Precision"/> (or at <see cref="Trials"/>, its cap).</summary>
    public bool Adaptive => Precision is not null;

    /// <summary>The plan itself, once every member is in range; else a <see cref="PlanOutOfRangeException"/> naming the member.</summary>
    public RunPlan Validated()
    {
        if (Trials is < 1 or > MaxTrials)
        {
            throw new PlanOutOfRangeException(nameof(Trials), Trials, string.Create(CultureInfo.InvariantCulture, $"1..{MaxTrials}"));
        }

        if (BatchSize is < 1 or > MaxBatchSize)
        {
            throw new PlanOutOfRangeException(nameof(BatchSize), BatchSize, string.Create(CultureInfo.InvariantCulture, $"1..{MaxBatchSize}"));
        }

        if (Precision is { } p)
        {
            AdaptiveStopping.Validate(p);
        }

        return this;
    }
}

/// <summary>A run plan member out of range: which member, its value and what is allowed.</summary>
public sealed class PlanOutOfRangeException(string member, object value, string allowed)
    : ArgumentOutOfRangeException(member, value, allowed)
{
    public string Member => ParamName!;

    public string Allowed { get; } = allowed;

    public override string Message =>
        string.Create(CultureInfo.InvariantCulture, $"{Member}: {ActualValue} is not allowed; use {Allowed}");
}

using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Forecast.Grains;

/// <summary>
/// Places shard k of a run on the k-th active silo (silos in address order, k modulo their count).
/// With one shard per silo, every silo hosts one shard, its agents (placed next to the shard that
/// first calls them) and its partial pool, so exactly one partial per silo and year reaches the
/// coordinator. The key of a shard grain is "{runId}/{k}".
/// </summary>
[GenerateSerializer, Immutable, Alias("forecast.silo-index-placement")]
public sealed class SiloIndexPlacement : PlacementStrategy
{
    internal static readonly SiloIndexPlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloIndexPlacementAttribute() : PlacementAttribute(SiloIndexPlacement.Instance);

public sealed class SiloIndexPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target).Order().ToArray();
        var key = target.GrainIdentity.Key.ToString()!;
        var slash = key.LastIndexOf('/');
        var index = slash >= 0 && int.TryParse(key.AsSpan(slash + 1), out var k) ? k : 0;
        return Task.FromResult(silos[index % silos.Length]);
    }
}

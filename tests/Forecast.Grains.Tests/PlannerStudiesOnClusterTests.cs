using Forecast.Engines;
using Forecast.Hosting;
using Forecast.Inputs;
using Forecast.Reports;
using Forecast.Running;
using Forecast.Studies;

namespace Forecast.Grains.Tests;

/// <summary>
/// A planner study on a two-silo cluster (three shards) writes the same bytes as on the local engine
/// (every study is runs of variants, and a sweep point is a plain run: PlannerStudyTests).
/// </summary>
public sealed class PlannerStudiesOnClusterTests(TwoSiloClusterFixture fixture) : IClassFixture<TwoSiloClusterFixture>
{
    private static readonly RunPlan Plan = new(11, 40, 16);

    private static IReadOnlyDictionary<string, byte[]> Files(IReadOnlyList<string> paths) =>
        paths.ToDictionary(p => Path.GetFileName(p)!, File.ReadAllBytes);

    private static string Dir() => Directory.CreateTempSubdirectory("forecast-planner-").FullName;

    [Fact]
    public async Task A_sensitivity_study_is_the_same_bytes_on_the_cluster_and_the_local_engine()
    {
        var inputs = ModelInputs.Read(ModelInputs.LocateSeeds());
        await using var cluster = OrleansEngine.Over(fixture.Cluster.Client, "test cluster", new Placement(Shards: 3));
        await using var local = new LocalEngine();

        var onCluster = await SensitivityStudy.Run(cluster, inputs, Plan, ["coaching-coverage"], null, default);
        var onLocal = await SensitivityStudy.Run(local, inputs, Plan, ["coaching-coverage"], null, default);

        Assert.Equal(Files(StudyFiles.WriteSensitivity(Dir(), onLocal)), Files(StudyFiles.WriteSensitivity(Dir(), onCluster)));
        Assert.Contains(onLocal.Rows, r => r.Delta.Mean != 0);
    }
}

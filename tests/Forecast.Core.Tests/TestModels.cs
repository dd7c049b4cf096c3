using Forecast.Inputs;
using Forecast.Model;
using Forecast.Simulation;

namespace Forecast.Core.Tests;

/// <summary>The committed seeds, loaded once per test run; tests copy and adjust parameters.</summary>
public static class TestModels
{
    private static readonly Lazy<string> SeedsDir = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Forecast.sln")))
            {
                return Path.Combine(dir.FullName, "seeds");
            }
        }

        throw new InvalidOperationException("cannot find the repository root (Forecast.sln)");
    });

    private static readonly Lazy<SimulationModel> BaselineModel = new(() => SimulationModel.Build(Inputs()));

    public static string Seeds => SeedsDir.Value;

    public static ModelInputs Inputs(string? scenario = null) =>
        ModelInputs.Read(Seeds, scenario is null ? null : Path.Combine(Seeds, scenario));

    public static SimulationModel Baseline => BaselineModel.Value;

    public static Parameters Parameters() => ParametersLoader.Load(Inputs());
}

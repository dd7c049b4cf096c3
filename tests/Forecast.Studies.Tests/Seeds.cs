using Forecast.Inputs;

namespace Forecast.Studies.Tests;

/// <summary>The committed seeds folder and its scenarios.</summary>
public static class Seeds
{
    public static string Dir { get; } = ModelInputs.LocateSeeds();

    public static ModelInputs Inputs(string scenario = "baseline") => ModelInputs.Read(Dir, Path.Combine(Dir, "scenarios", $"{scenario}.yaml"));
}

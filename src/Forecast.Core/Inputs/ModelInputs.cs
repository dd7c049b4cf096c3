namespace Forecast.Inputs;

/// <summary>
/// The text of every input file of a run. A run travels between hosts as these texts, so every
/// silo builds the same model from the same bytes.
/// </summary>
public sealed record ModelInputs(
    string BaselineName,
    string BaselineYaml,
    string TargetsName,
    string TargetsYaml,
    string? CalibrationName,
    string? CalibrationYaml,
    string? PosteriorName,
    string? PosteriorCsv,
    string ScenarioName,
    string ScenarioYaml)
{
    public const string BaselineFile = "baseline.yaml";
    public const string TargetsFile = "targets.yaml";
    public const string CalibrationFile = "calibration.yaml";
    public const string PosteriorFile = "posterior.csv";
    public const string DefaultScenario = "scenarios/baseline.yaml";

    /// <summary>
    /// Reads the seeds folder and a scenario file (default: seeds/scenarios/baseline.yaml). Without
    /// calibration.yaml the run draws every input from its prior (before the first `forecast calibrate`).
    /// </summary>
    public static ModelInputs Read(string seedsDir, string? scenarioPath = null)
    {
        var calibration = Path.Combine(seedsDir, CalibrationFile);
        var posterior = Path.Combine(seedsDir, PosteriorFile);
        scenarioPath ??= Path.Combine(seedsDir, DefaultScenario);
        return new ModelInputs(
            Path.Combine(seedsDir, BaselineFile), InputFile.ReadText(Path.Combine(seedsDir, BaselineFile)),
            Path.Combine(seedsDir, TargetsFile), InputFile.ReadText(Path.Combine(seedsDir, TargetsFile)),
            File.Exists(calibration) ? calibration : null,
            File.Exists(calibration) ? InputFile.ReadText(calibration) : null,
            File.Exists(posterior) ? posterior : null,
            File.Exists(posterior) ? InputFile.ReadText(posterior, InputFile.MaxCsvBytes) : null,
            scenarioPath, InputFile.ReadText(scenarioPath));
    }

    /// <summary>The same inputs without the calibrated ensemble: every input from its prior.</summary>
    public ModelInputs WithoutCalibration() => this with { CalibrationName = null, CalibrationYaml = null, PosteriorName = null, PosteriorCsv = null };

    /// <summary>Finds the seeds folder: FORECAST_SEEDS, else ./seeds or a seeds/ above the program.</summary>
    public static string LocateSeeds()
    {
        var env = Environment.GetEnvironmentVariable("FORECAST_SEEDS");
        if (!string.IsNullOrEmpty(env))
        {
            return env;
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "seeds");
                if (File.Exists(Path.Combine(candidate, BaselineFile)))
                {
                    return candidate;
                }
            }
        }

        throw new InputException("seeds", null, null, "cannot find the seeds folder (with baseline.yaml); set FORECAST_SEEDS");
    }
}

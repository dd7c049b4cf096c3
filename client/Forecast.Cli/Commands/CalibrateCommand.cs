using System.CommandLine;
using Forecast.Calibration;
using Forecast.Inputs;
using Forecast.Reports;
using Forecast.Simulation;
using Spectre.Console;
using static Forecast.Cli.SharedOptions;

namespace Forecast.Cli.Commands;

/// <summary>`forecast calibrate`: fit the model's rates to the 2021 facts and write seeds/calibration.yaml.</summary>
public static class CalibrateCommand
{
    public const int MaxTrials = 100_000;

    private static readonly Option<bool> DryRun = new("--dry-run") { Description = "fit and print, but do not write seeds/calibration.yaml" };

    private static readonly Option<int> CalibrationTrials = new("--trials")
    {
        Description = $"trials of 2021 per iteration (1..{MaxTrials:N0})",
        DefaultValueFactory = _ => 1000,
    };

    public static Command Create()
    {
        var command = new Command("calibrate", "Fit the model's rates to the 2021 facts (new HTE, PTSME, Eaglets, incubators, R&D institutions, incubator area) and write seeds/calibration.yaml.")
        {
            CalibrationTrials, Seed, Seeds, DryRun,
        };
        command.SetAction((parse, cancel) => ExitCodes.Guarded(() =>
        {
            var seeds = SeedsDir(parse);
            var trials = parse.GetValue(CalibrationTrials);
            if (trials is < 1 or > MaxTrials)
            {
                throw new InputException("command line", "--trials", null, $"{trials} is not allowed; use 1..{MaxTrials}");
            }

            var report = Calibrator.Fit(SimulationModel.Build(ModelInputs.Read(seeds)), parse.GetValue(Seed), trials);
            ConsoleReport.Calibration(report);
            if (report.MaxRelativeError > 0.02)
            {
                AnsiConsole.MarkupLine("[red]calibration did not reach 2%; seeds/calibration.yaml left as it was[/]");
                return Task.FromResult(ExitCodes.Failed);
            }

            if (!parse.GetValue(DryRun))
            {
                var path = Path.Combine(seeds, ModelInputs.CalibrationFile);
                File.WriteAllText(path + ".tmp", Calibrator.ToYaml(report, DateOnly.FromDateTime(DateTime.UtcNow)));
                File.Move(path + ".tmp", path, overwrite: true);
                AnsiConsole.MarkupLineInterpolated($"wrote [bold]{path}[/]");
            }

            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }
}

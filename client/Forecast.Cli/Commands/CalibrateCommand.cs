using System.CommandLine;
using System.Globalization;
using Forecast.Calibration;
using Forecast.Inputs;
using Forecast.Model;
using Forecast.Reports;
using Forecast.Simulation;
using Spectre.Console;
using static Forecast.Cli.SharedOptions;

namespace Forecast.Cli.Commands;

/// <summary>`forecast calibrate`: condition the uncertain inputs on the 2021 facts (ABC-SMC) and write seeds/calibration.yaml and seeds/posterior.csv.</summary>
public static class CalibrateCommand
{
    public const int MaxParticles = 100_000;

    private static readonly Option<bool> DryRun = new("--dry-run") { Description = "fit and print, but do not write seeds/calibration.yaml or seeds/posterior.csv" };

    private static readonly Option<int> Particles = new("--particles")
    {
        Description = $"parameter sets in the ensemble (1,000..{MaxParticles:N0})",
        DefaultValueFactory = _ => 1500,
    };

    private static readonly Option<ulong> CalibrationSeed = new("--seed")
    {
        Description = "seed of the sampler (its proposals and simulations)",
        DefaultValueFactory = _ => 20211231,
    };

    public static Command Create()
    {
        var command = new Command("calibrate",
            "Condition the uncertain inputs on the 2021 facts by approximate Bayesian computation (ABC-SMC) and write the weighted ensemble a forecast draws from.")
        {
            Particles, CalibrationSeed, Seeds, DryRun,
        };
        command.SetAction((parse, cancel) => ExitCodes.Guarded(() =>
        {
            var seeds = SeedsDir(parse);
            var particles = parse.GetValue(Particles);
            if (particles is < 1000 or > MaxParticles)
            {
                throw new InputException("command line", "--particles", null, $"{particles} is not allowed; use 1000..{MaxParticles} (an ensemble of at least 1,000 sets)");
            }

            var inputs = ModelInputs.Read(seeds).WithoutCalibration();
            var model = SimulationModel.Build(inputs);
            var report = Calibrator.Fit(model, parse.GetValue(CalibrationSeed), new Calibrator.Options(particles),
                new InlineProgressLine(), cancel);
            ConsoleReport.Calibration(report);
            if (report.Ensemble.Sets < 1000)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]only {report.Ensemble.Sets} distinct parameter sets (at least 1,000 are needed); raise --particles. The seeds were left as they were[/]");
                return Task.FromResult(ExitCodes.Failed);
            }

            if (!report.Reproduces2021)
            {
                AnsiConsole.MarkupLine("[red]the ensemble does not reproduce 2021 (a mean off by more than 2%, or a fact outside P5-P95); the seeds were left as they were[/]");
                return Task.FromResult(ExitCodes.Failed);
            }

            if (!parse.GetValue(DryRun))
            {
                var digest = ParametersLoader.Digest(YamlInput.Parse(inputs.BaselineYaml, inputs.BaselineName, "baseline"));
                var files = OutputFolder.Commit(seeds, new Dictionary<string, string>
                {
                    [ModelInputs.PosteriorFile] = report.Ensemble.ToCsv(),
                    [ModelInputs.CalibrationFile] = Calibrator.ToYaml(report, DateOnly.FromDateTime(DateTime.UtcNow), digest),
                });
                AnsiConsole.MarkupLineInterpolated($"wrote [bold]{string.Join(", ", files)}[/]");
            }

            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    /// <summary>Each round's line as it ends.</summary>
    private sealed class InlineProgressLine : IProgress<string>
    {
        public void Report(string value) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"calibrate: {value}"));
    }
}

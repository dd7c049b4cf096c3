using System.CommandLine;
using Forecast.Cli;
using Forecast.Cli.Commands;

var root = new RootCommand("Forecast: will Xiaoshan meet its science-and-technology targets? Monte Carlo on Microsoft Orleans.")
{
    RunCommand.Create(), CompareCommand.Create(), LeversCommand.Create(), SensitivityCommand.Create(), SeekCommand.Create(), SweepCommand.Create(),
    ExplainCommand.Create(), RisksCommand.Create(), ReportCommand.Create(), ExportCommand.Create(), ServeCommand.Create(), CalibrateCommand.Create(), ScoreCommand.Create(), BacktestCommand.Create(), RunsCommand.Create(),
};
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine($"forecast: {error.Message}");
    }

    Console.Error.WriteLine("Try 'forecast --help'.");
    return ExitCodes.BadInput;
}

return await parse.InvokeAsync();

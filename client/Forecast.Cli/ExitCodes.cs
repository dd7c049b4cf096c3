using Forecast.Engines;
using Forecast.Hosting;
using Forecast.Inputs;
using Forecast.Reports;
using Forecast.Running;

namespace Forecast.Cli;

/// <summary>Exit codes: 0 ok, 1 a failure, 2 bad input (nothing run, nothing written), 3 a goal no allowed setting reaches (results written).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
    public const int Unreachable = 3;

    /// <summary>Runs a command's body, turning every kind of bad input into one line and exit code 2.</summary>
    public static async Task<int> Guarded(Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (InputException e)
        {
            return Refuse(e.Message);
        }
        catch (RunTooLargeException e)
        {
            return Refuse($"command line: --trials: {e.Message}");
        }
        catch (OutputFolderException e)
        {
            return Refuse($"{e.Folder}: --out: {e.Message}");
        }
        catch (EngineUnavailableException e)
        {
            return Refuse($"{e.Where}: --connect: {e.Problem}");
        }
        catch (UnknownRunException e)
        {
            return Refuse($"command line: ID: no run {e.RunId:D} in this cluster (see 'forecast runs list')");
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("forecast: cancelled");
            return Failed;
        }
        catch (Exception e) when (e is RunFailedException or EngineLostException)
        {
            Console.Error.WriteLine($"forecast: {e.Message}");
            return Failed;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"forecast: failed: {e.Message}");
            Console.Error.WriteLine(e);
            return Failed;
        }
    }

    private static int Refuse(string message)
    {
        Console.Error.WriteLine($"forecast: {message}");
        return BadInput;
    }
}

using System.Net;

namespace Forecast.Web;

/// <summary>
/// Where the page listens and what it may do: the seeds folder its scenarios come from, the folder
/// each job writes into, the token every request must carry (null: none asked, loopback only), and
/// the largest run a page may ask for.
/// </summary>
public sealed record WebSettings(string SeedsDir, string OutDir, IPAddress Address, int Port, string? Token, int MaxTrials = 200_000)
{
    /// <summary>The default port of `forecast serve`.</summary>
    public const int DefaultPort = 5080;

    /// <summary>Null when the settings are safe to serve; else what is wrong and which option fixes it.</summary>
    public (string Option, string Problem)? Check()
    {
        if (Port is < 0 or > 65535)
        {
            return ("--port", $"{Port} is not a port; use 1..65535 (0: any free port)");
        }

        if (!IPAddress.IsLoopback(Address) && string.IsNullOrEmpty(Token))
        {
            return ("--token", $"needed when serving on {Address}, which is not a loopback address (anyone who can reach it could run the engine)");
        }

        if (Token is { Length: < 16 })
        {
            return ("--token", "too short; use at least 16 characters (for example: openssl rand -hex 16)");
        }

        return null;
    }
}

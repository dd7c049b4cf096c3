using System.Text;

namespace Forecast.Reports;

/// <summary>An output folder that cannot be created or written.</summary>
public sealed class OutputFolderException(string folder, string problem) : IOException(problem)
{
    public string Folder { get; } = folder;
}

/// <summary>
/// Where result files go. Files are written to temporary names in the folder and renamed into place
/// together, so a failure never leaves a half-written file.
/// </summary>
public static class OutputFolder
{
    /// <summary>Creates the folder if needed and proves it writable, before any long work starts.</summary>
    public static void EnsureWritable(string dir)
    {
        try
        {
            // probe the folder, or the nearest folder above it that exists (created only when results are written,
            // so a command refused later leaves nothing behind)
            var existing = Path.GetFullPath(dir);
            while (!Directory.Exists(existing))
            {
                if (File.Exists(existing))
                {
                    throw new IOException($"'{existing}' is a file");
                }

                existing = Path.GetDirectoryName(existing) ?? throw new IOException("no folder above it exists");
            }

            var probe = Path.Combine(existing, $".forecast-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new OutputFolderException(dir, $"the output folder cannot be written ({e.Message}); choose a writable folder");
        }
    }

    /// <summary>Writes every file (name to UTF-8 text, no BOM) and returns their paths.</summary>
    public static IReadOnlyList<string> Commit(string dir, IReadOnlyDictionary<string, string> files)
    {
        var temps = new List<(string Temp, string Final)>();
        try
        {
            Directory.CreateDirectory(dir);
            foreach (var (name, text) in files)
            {
                var final = Path.Combine(dir, name);
                var temp = Path.Combine(dir, $".{name}.{Environment.ProcessId}.tmp");
                File.WriteAllText(temp, text, new UTF8Encoding(false));
                temps.Add((temp, final));
            }

            foreach (var (temp, final) in temps)
            {
                File.Move(temp, final, overwrite: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            foreach (var (temp, _) in temps)
            {
                File.Delete(temp);
            }

            throw new OutputFolderException(dir, $"cannot write results ({e.Message})");
        }

        return temps.Select(t => t.Final).ToList();
    }
}

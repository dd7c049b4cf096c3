using System.Globalization;
using System.Text;

namespace Forecast.Inputs;

/// <summary>
/// Reads an input file as text, refusing what is not one: a folder, a missing path, something that does
/// not finish reading in time (a pipe or a device), a file over its size limit, text that is not UTF-8
/// (UTF-16 or UTF-32 with or without a byte-order mark, GBK, Latin-1), and control characters. A UTF-8
/// byte-order mark is allowed and dropped. Every refusal is an <see cref="InputException"/> naming the
/// file (and the line where there is one).
/// </summary>
public static class InputFile
{
    /// <summary>The largest YAML or JSON input: 4 MiB (the shipped baseline is 34 KB).</summary>
    public const int MaxTextBytes = 4 << 20;

    /// <summary>The largest CSV input (posterior.csv): 64 MiB (the shipped one is 1.1 MB).</summary>
    public const int MaxCsvBytes = 64 << 20;

    /// <summary>How long reading a file may take before it is taken for a pipe or a device.</summary>
    public static readonly TimeSpan ReadDeadline = TimeSpan.FromSeconds(1);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string ReadText(string path, int maxBytes = MaxTextBytes)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InputException("command line", null, null, "an input file's path is empty; give a file");
        }

        if (Directory.Exists(path))
        {
            throw new InputException(path, null, null, "is a folder; give a file");
        }

        if (!File.Exists(path))
        {
            throw new InputException(path, null, null, "file not found");
        }

        // A regular file has a length; one of length 0 may also be a named pipe (opening it waits for a
        // writer) or a device (which may never end): that is read on a thread of its own, given up in time.
        var length = new FileInfo(path).Length;
        if (length > maxBytes)
        {
            throw TooLarge(path, maxBytes);
        }

        if (length > 0)
        {
            return Decode(path, ReadBytes(path, maxBytes));
        }

        byte[]? bytes = null;
        Exception? failure = null;
        var reader = new Thread(() =>
        {
            try
            {
                bytes = ReadBytes(path, maxBytes);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true, Name = "input file reader" };
        reader.Start();
        if (!reader.Join(ReadDeadline))
        {
            throw new InputException(path, null, null, string.Create(CultureInfo.InvariantCulture,
                $"reading it did not finish within {ReadDeadline.TotalSeconds:0.#} s; give a regular file (not a pipe or a device)"));
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return Decode(path, bytes!);
    }

    /// <summary>Text of <paramref name="bytes"/> if it is UTF-8 without control characters; else why not, with the line.</summary>
    public static string Decode(string path, ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])
            || bytes.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            throw new InputException(path, null, 1, "is UTF-16 or UTF-32 (it starts with a byte-order mark); save it as UTF-8");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        var nul = bytes.IndexOf((byte)0);
        if (nul >= 0)
        {
            throw new InputException(path, null, LineAt(bytes, nul), "contains NUL bytes (UTF-16 without a byte-order mark, or a binary file?); save it as UTF-8 text");
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            var at = Math.Clamp(e.Index, 0, Math.Max(0, bytes.Length - 1));
            throw new InputException(path, null, LineAt(bytes, at), string.Create(CultureInfo.InvariantCulture,
                $"is not UTF-8 (byte 0x{bytes[at]:X2}: GBK, Latin-1 or another encoding?); save it as UTF-8"));
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c < 0x20 && c is not ('\t' or '\n' or '\r')) || c == 0x7F || (c >= 0x80 && c < 0xA0) || c is '\uFFFE' or '\uFFFF')
            {
                var line = 1 + text.AsSpan(0, i).Count('\n');
                throw new InputException(path, null, line, string.Create(CultureInfo.InvariantCulture,
                    $"control character U+{(int)c:X4} is not allowed in an input file"));
            }
        }

        return text;
    }

    private static byte[] ReadBytes(string path, int maxBytes)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            var buffer = new MemoryStream();
            var chunk = new byte[1 << 16];
            int n;
            while ((n = stream.Read(chunk)) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > maxBytes)
                {
                    throw TooLarge(path, maxBytes);
                }
            }

            return buffer.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException(path, null, null, e is FileNotFoundException or DirectoryNotFoundException
                ? "file not found"
                : $"cannot read the file ({e.Message})");
        }
    }

    private static InputException TooLarge(string path, int maxBytes) =>
        new(path, null, null, string.Create(CultureInfo.InvariantCulture, $"is larger than the {maxBytes / (1 << 20)} MiB an input file may be"));

    private static int LineAt(ReadOnlySpan<byte> bytes, int index) => 1 + bytes[..index].Count((byte)'\n');
}

namespace Forecast.Random;

/// <summary>
/// Per-thread scratch for the Philox words of one agent's step (four per trial or pair of trials).
/// A step is synchronous and steps never nest, so one buffer per thread serves every agent kind.
/// </summary>
internal static class WordScratch
{
    [ThreadStatic]
    private static uint[]? _words;

    /// <summary>A buffer of at least <paramref name="length"/> words, valid until this thread's next call.</summary>
    public static uint[] Get(int length)
    {
        if (_words is null || _words.Length < length)
        {
            _words = new uint[length];
        }

        return _words;
    }
}

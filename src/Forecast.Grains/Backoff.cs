namespace Forecast.Grains;

/// <summary>Retries of what a silo dying can break (a grain call, a state write): up to <see cref="MaxAttempts"/>, waiting min(5, n) s after the n-th failure.</summary>
internal static class Backoff
{
    public const int MaxAttempts = 20;

    /// <summary>
    /// Runs <paramref name="attempt"/> until it succeeds. A failure <paramref name="retryable"/> accepts
    /// is told to <paramref name="failed"/> (with its attempt number) and retried; the last one is thrown.
    /// </summary>
    public static async Task<T> Retry<T>(Func<Task<T>> attempt, Func<Exception, bool> retryable, Action<int, Exception> failed,
        CancellationToken cancellation = default)
    {
        for (var n = 1; ; n++)
        {
            try
            {
                return await attempt();
            }
            catch (Exception e) when (n < MaxAttempts && retryable(e) && !cancellation.IsCancellationRequested)
            {
                failed(n, e);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, n)), cancellation);
            }
        }
    }

    /// <summary><see cref="Retry{T}"/> for work without a result.</summary>
    public static Task Retry(Func<Task> attempt, Func<Exception, bool> retryable, Action<int, Exception> failed, CancellationToken cancellation = default) =>
        Retry(async () =>
        {
            await attempt();
            return true;
        }, retryable, failed, cancellation);
}

namespace Forecast.Running;

/// <summary>
/// Passes each report to an action at once, on the reporting thread, so reports arrive in order
/// (<see cref="Progress{T}"/> posts them to the thread pool or a synchronisation context instead).
/// </summary>
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

namespace Forecast.Inputs;

/// <summary>
/// A problem in an input file, located by file, field (dotted path such as <c>levers.hte-reward</c>)
/// and 1-based line. <see cref="Exception.Message"/> reads <c>file:line: field: problem</c>,
/// leaving out the parts that are not known.
/// </summary>
public sealed class InputException(string file, string? field, int? line, string problem)
    : Exception(Format(file, field, line, problem))
{
    public string File { get; } = file;

    public string? Field { get; } = field;

    public int? Line { get; } = line;

    public string Problem { get; } = problem;

    private static string Format(string file, string? field, int? line, string problem)
    {
        var where = line is { } l ? $"{file}:{l}" : file;
        return string.IsNullOrEmpty(field) ? $"{where}: {problem}" : $"{where}: {field}: {problem}";
    }
}

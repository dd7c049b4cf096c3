using Forecast.Engines;
using Forecast.Reports;

namespace Forecast.Studies.Tests;

public sealed class ArchitectureTests
{
    public static TheoryData<string> PureAssemblies =>
        [typeof(LocalEngine).Assembly.GetName().Name!, typeof(ForecastStudy).Assembly.GetName().Name!, typeof(ResultFiles).Assembly.GetName().Name!];

    [Theory]
    [MemberData(nameof(PureAssemblies))]
    public void The_simulation_studies_and_reports_reference_no_Orleans_assembly(string assembly)
    {
        var references = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == assembly)
            .GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).ToList();

        Assert.Contains(references, r => r.StartsWith("System", StringComparison.Ordinal)); // the check sees real references
        Assert.DoesNotContain(references, r => r.Contains("Orleans", StringComparison.OrdinalIgnoreCase));
    }
}

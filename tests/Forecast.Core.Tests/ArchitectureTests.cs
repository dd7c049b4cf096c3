using Forecast.Engines;

namespace Forecast.Core.Tests;

public sealed class ArchitectureTests
{
    [Fact]
    public void The_simulation_core_references_no_Orleans_assembly()
    {
        var references = typeof(LocalEngine).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).ToList();

        Assert.Contains(references, r => r.StartsWith("MathNet", StringComparison.Ordinal)); // the check sees real references
        Assert.DoesNotContain(references, r => r.StartsWith("Orleans", StringComparison.OrdinalIgnoreCase)
            || r.StartsWith("Microsoft.Orleans", StringComparison.OrdinalIgnoreCase));
        var project = File.ReadAllText(Path.Combine(TestModels.Seeds, "..", "src", "Forecast.Core", "Forecast.Core.csproj"));
        Assert.DoesNotContain("Include=\"Microsoft.Orleans", project);
    }
}

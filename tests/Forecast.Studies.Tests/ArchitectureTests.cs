using System.Xml.Linq;
using Forecast.Engines;
using Forecast.Reports;

namespace Forecast.Studies.Tests;

/// <summary>The simulation, the studies and the reports stay free of Orleans: in the compiled references and in the project graph.</summary>
public sealed class ArchitectureTests
{
    public static TheoryData<string> PureAssemblies =>
        [typeof(LocalEngine).Assembly.GetName().Name!, typeof(ForecastStudy).Assembly.GetName().Name!, typeof(ResultFiles).Assembly.GetName().Name!];

    [Theory]
    [MemberData(nameof(PureAssemblies))]
    public void The_compiled_assembly_references_no_Orleans_assembly(string assembly)
    {
        var references = AppDomain.CurrentDomain.GetAssemblies().Single(a => a.GetName().Name == assembly)
            .GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).ToList();

        Assert.Contains(references, r => r.StartsWith("System", StringComparison.Ordinal)); // the check sees real references
        Assert.DoesNotContain(references, r => r.Contains("Orleans", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(PureAssemblies))]
    public void No_project_it_builds_on_references_an_Orleans_package(string assembly)
    {
        var root = Path.GetDirectoryName(Seeds.Dir)!;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.Combine(root, "src", assembly, $"{assembly}.csproj")]);
        while (pending.TryPop(out var project))
        {
            if (!seen.Add(Path.GetFullPath(project)))
            {
                continue;
            }

            var xml = XDocument.Load(project);
            var packages = xml.Descendants("PackageReference").Select(p => (string?)p.Attribute("Include") ?? "");
            Assert.DoesNotContain(packages, p => p.Contains("Orleans", StringComparison.OrdinalIgnoreCase));
            foreach (var reference in xml.Descendants("ProjectReference").Select(p => (string?)p.Attribute("Include")).OfType<string>())
            {
                pending.Push(Path.Combine(Path.GetDirectoryName(project)!, reference.Replace('\\', Path.DirectorySeparatorChar)));
            }
        }

        Assert.Contains(seen, p => p.EndsWith("Forecast.Core.csproj", StringComparison.Ordinal)); // the walk reached the core
    }
}

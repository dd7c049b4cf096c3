using Forecast.Aggregation;
using Forecast.Random;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Simulation;

/// <summary>The AVX-512 enterprise kernel must give the scalar kernel's bits, whole runs long.</summary>
public sealed class KernelPathTests
{
    public static TheoryData<VectorPath> Paths => [VectorPath.Avx2, VectorPath.Avx512];

    [Theory]
    [MemberData(nameof(Paths))]
    public void A_whole_run_is_bit_identical_on_every_instruction_set(VectorPath path)
    {
        if (!PhiloxBatch.IsSupported(path))
        {
            return; // not on this machine; the scalar path is what runs here
        }

        var model = TestModels.Baseline;
        const int Trials = 45; // five vector steps and a scalar tail of five
        var scalar = Run(model, Trials, VectorPath.Scalar, out var scalarPartials);
        var vector = Run(model, Trials, path, out var vectorPartials);

        for (var y = 0; y < scalarPartials.Count; y++)
        {
            Assert.Equal(scalarPartials[y], vectorPartials[y]);
        }

        Assert.Equal(scalar.Values, vector.Values);
    }

    private static TrialTable Run(SimulationModel model, int trials, VectorPath path, out List<long[]> partials)
    {
        var coordinator = new BatchCoordinator(model, seed: 424242, firstTrial: 3, trials);
        var firms = model.Population.Enterprises;
        var states = new EnterpriseState[firms.Length * trials];
        for (var a = 0; a < firms.Length; a++)
        {
            EnterpriseAgent.Init(firms[a], states.AsSpan(a * trials, trials));
        }

        var incubators = new IncubatorState[model.Population.Incubators.Length * trials];
        for (var i = 0; i < model.Population.Incubators.Length; i++)
        {
            IncubatorAgent.Init(model.Population.Incubators[i], incubators.AsSpan(i * trials, trials));
        }

        partials = [];
        for (var year = model.FirstYear; year <= model.LastYear; year++)
        {
            var ctx = coordinator.BeginYear(year);
            var merged = new PartialAggregate(trials);
            var sink = new PartialSink(merged);
            for (var a = 0; a < firms.Length; a++)
            {
                EnterpriseAgent.Step(firms[a], (uint)a, states.AsSpan(a * trials, trials), ctx, model.Rules, ref sink, path);
            }

            for (var i = 0; i < model.Population.Incubators.Length; i++)
            {
                IncubatorAgent.Step(i, incubators.AsSpan(i * trials, trials), ctx, model.Rules, merged);
            }

            partials.Add((long[])merged.Values.Clone());
            coordinator.EndYear(merged);
        }

        return coordinator.Table;
    }
}

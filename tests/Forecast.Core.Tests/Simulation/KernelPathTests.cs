using Forecast.Aggregation;
using Forecast.Random;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Simulation;

/// <summary>The AVX-512 and AVX2 enterprise kernels must give the scalar lanes' bits, whole runs long.</summary>
public sealed class KernelPathTests
{
    public static TheoryData<VectorPath, bool> Paths => new()
    {
        { VectorPath.Avx2, false },
        { VectorPath.Avx2, true },
        { VectorPath.Avx512, false },
        { VectorPath.Avx512, true },
        { VectorPath.Scalar, true },
    };

    /// <summary>
    /// Each path, adding directly (<see cref="PartialSink"/>) or through an <see cref="Accumulator"/>
    /// that stages counts as bytes, against the scalar path adding directly.
    /// </summary>
    [Theory]
    [MemberData(nameof(Paths))]
    public void A_whole_run_is_bit_identical_on_every_instruction_set(VectorPath path, bool staged)
    {
        if (!PhiloxBatch.IsSupported(path))
        {
            return; // not on this machine; the scalar path is what runs here
        }

        var model = TestModels.Baseline;
        const int Trials = 45; // AVX-512: two steps, an AVX2 step of 8 and 5 scalar; AVX2: five and 5 scalar; from an odd first trial (half a Philox pair)
        var scalar = Run(model, Trials, VectorPath.Scalar, staged: false, out var scalarPartials);
        var vector = Run(model, Trials, path, staged, out var vectorPartials);

        for (var y = 0; y < scalarPartials.Count; y++)
        {
            Assert.Equal(scalarPartials[y], vectorPartials[y]);
        }

        Assert.Equal(scalar.Values, vector.Values);
    }

    [Theory]
    [InlineData(VectorPath.Avx512, 1000, 992, 1000)]
    [InlineData(VectorPath.Avx512, 1005, 992, 1000)]
    [InlineData(VectorPath.Avx512, 7, 0, 0)]
    [InlineData(VectorPath.Avx2, 1000, 0, 1000)]
    [InlineData(VectorPath.Avx2, 1005, 0, 1000)]
    [InlineData(VectorPath.Scalar, 1000, 0, 0)]
    public void Trials_split_into_the_widest_lanes_then_the_narrower_then_one_at_a_time(VectorPath path, int n, int wide, int narrow)
    {
        if (!PhiloxBatch.IsSupported(path))
        {
            return; // the split names only the lanes this machine has
        }

        Assert.Equal((wide, narrow), EnterpriseAgent.Widths(path, n));
    }

    private static TrialTable Run(SimulationModel model, int trials, VectorPath path, bool staged, out List<long[]> partials)
    {
        var coordinator = new BatchCoordinator(model, seed: 424242, firstTrial: 3, trials);
        var firms = model.Population.Enterprises;
        var states = new EnterpriseState[firms.Length * trials];
        var incubators = new IncubatorState[model.Population.Incubators.Length * trials];
        partials = [];
        for (var year = model.FirstYear; year <= model.LastYear; year++)
        {
            var ctx = coordinator.BeginYear(year);
            var acc = new Accumulator(trials);
            var merged = acc.Partial;
            var direct = new PartialSink(merged);
            var viaStaging = new AccumulatorSink(acc);
            if (year == model.FirstYear)
            {
                for (var a = 0; a < firms.Length; a++)
                {
                    EnterpriseAgent.Init(firms[a], states.AsSpan(a * trials, trials), ctx, model.Rules, ref direct, path);
                }

                for (var i = 0; i < model.Population.Incubators.Length; i++)
                {
                    IncubatorAgent.Init(model.Population.Incubators[i], incubators.AsSpan(i * trials, trials), ctx);
                }
            }

            for (var a = 0; a < firms.Length; a++)
            {
                var agentStates = states.AsSpan(a * trials, trials);
                if (staged)
                {
                    EnterpriseAgent.Step(firms[a], (uint)a, agentStates, ctx, model.Rules, ref viaStaging, path);
                }
                else
                {
                    EnterpriseAgent.Step(firms[a], (uint)a, agentStates, ctx, model.Rules, ref direct, path);
                }
            }

            acc.Flush();

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

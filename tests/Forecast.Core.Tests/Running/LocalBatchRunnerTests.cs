using Forecast.Aggregation;
using Forecast.Model;
using Forecast.Running;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Running;

public sealed class LocalBatchRunnerTests
{
    /// <summary>
    /// As a shard skips them, the local engine never touches a dormant agent's states, and initialises
    /// an entrant slot in the year it first wakes: the slices of agents dormant all run long keep a
    /// sentinel, and every other agent was initialised.
    /// </summary>
    [Fact]
    public async Task Dormant_agents_are_never_initialised_and_entrants_are_initialised_when_they_first_wake()
    {
        var model = TestModels.Baseline;
        const int Trials = 64;
        var firms = model.Population.Enterprises;
        var sentinel = new EnterpriseState { Tier = (Tier)0xEE, Institution = 0xEE, CertYear = 0xEE, Born = 0xEE, Revenue = -1 };
        var states = Enumerable.Repeat(sentinel, firms.Length * Trials).ToArray();
        var initialised = new bool[firms.Length];
        var firstAwake = new int[firms.Length];
        var coordinator = new BatchCoordinator(model, seed: 7, firstTrial: 0, Trials);
        await coordinator.RunYears(model.LastYear, ctx =>
        {
            for (var a = 0; a < firms.Length; a++)
            {
                if (firstAwake[a] == 0 && !EnterpriseAgent.IsDormant(firms[a], ctx))
                {
                    firstAwake[a] = ctx.Year;
                }
            }

            var acc = new Accumulator(Trials);
            LocalBatchRunner.StepEnterprises(model, ctx, states, acc, 0, firms.Length, initialised);
            return ValueTask.FromResult(acc.Flush());
        });

        var neverAwake = 0;
        for (var a = 0; a < firms.Length; a++)
        {
            Assert.Equal(firstAwake[a] != 0, initialised[a]);
            var slice = states.Skip(a * Trials).Take(Trials).ToArray();
            if (firstAwake[a] == 0)
            {
                neverAwake++;
                Assert.All(slice, s => Assert.Equal(sentinel, s));
            }
            else
            {
                Assert.DoesNotContain(sentinel, slice);
            }
        }

        Assert.InRange(neverAwake, 1, firms.Length - 1);
        Assert.Contains(Enumerable.Range(0, firms.Length), a => firms[a].InitialTier == Tier.Latent && firstAwake[a] > model.FirstYear);
    }
}

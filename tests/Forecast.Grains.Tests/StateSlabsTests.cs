using System.Runtime.InteropServices;
using Forecast.Simulation;

namespace Forecast.Grains.Tests;

/// <summary>Enterprise grains keep their batch states in silo slabs: one slice per agent, never shared.</summary>
public sealed class StateSlabsTests
{
    [Fact]
    public void Agents_of_one_run_get_disjoint_slices_of_shared_slabs()
    {
        var slabs = new StateSlabs();
        const int Trials = 7;
        var agents = StateSlabs.AgentsPerSlab + 3; // two slabs
        var slices = Enumerable.Range(0, agents).Select(a => slabs.Slice("run", a, Trials)).ToList();
        for (var a = 0; a < agents; a++)
        {
            slices[a].Span.Fill(new EnterpriseState { Born = (byte)(a % 251), Revenue = a });
        }

        Assert.All(slices, s => Assert.Equal(Trials, s.Length));
        for (var a = 0; a < agents; a++)
        {
            Assert.All(slices[a].ToArray(), s => Assert.Equal((float)a, s.Revenue)); // no other agent wrote into it
        }

        Assert.Equal(2, slabs.Allocations);
    }

    [Fact]
    public void The_same_agent_gets_the_same_slice_while_it_is_held_and_other_runs_or_larger_batches_get_their_own()
    {
        var slabs = new StateSlabs();
        var first = slabs.Slice("run", 5, 10);
        first.Span[3].Revenue = 42;

        Assert.Equal(42, slabs.Slice("run", 5, 10).Span[3].Revenue);
        Assert.Equal(1, slabs.Allocations);

        slabs.Slice("other-run", 5, 10).Span[3].Revenue = 1;
        slabs.Slice("run", 5, 20).Span[3].Revenue = 2;

        Assert.Equal(3, slabs.Allocations);
        Assert.Equal(42, first.Span[3].Revenue);
    }

    [Fact]
    public void A_run_s_shorter_last_batch_takes_room_in_the_slabs_it_has_and_a_longer_one_gets_new_slabs()
    {
        var slabs = new StateSlabs();
        const int Trials = 10;
        var full = Enumerable.Range(0, 3).Select(a => slabs.Slice("run", a, Trials)).ToList();
        var last = Enumerable.Range(0, 3).Select(a => slabs.Slice("run", a, 4)).ToList(); // e.g. 10,004 trials in batches of 10

        Assert.Equal(1, slabs.Allocations);
        for (var a = 0; a < 3; a++)
        {
            Assert.Equal(4, last[a].Length);
            Assert.Same(Array(full[a]), Array(last[a]));
            Assert.True(MemoryMarshal.TryGetArray<EnterpriseState>(last[a], out var segment));
            Assert.Equal(a * Trials, segment.Offset); // the start of the agent's own room: no two agents overlap
        }

        var longer = slabs.Slice("run", 1, 12);
        Assert.Equal(2, slabs.Allocations);
        Assert.NotSame(Array(full[1]), Array(longer));
        Assert.Equal(12, longer.Length);
    }

    [Fact]
    public void A_released_slab_serves_runs_by_the_trials_it_holds_whatever_the_last_batch_asked_for()
    {
        var slabs = new StateSlabs();
        var slab = Array(slabs.Slice("run-1", 0, 10));
        Assert.Same(slab, Array(slabs.Slice("run-1", 0, 4))); // the run's short last batch
        slabs.Release("run-1");

        Assert.Same(slab, Array(slabs.Slice("run-2", 0, 10))); // freed as a 10-trial slab, not a 4-trial one
        Assert.Equal((1, 1), (slabs.Allocations, slabs.Reuses));
        GC.KeepAlive(slab);
    }

    [Fact]
    public void A_released_run_s_slabs_serve_the_next_run_of_the_same_batch_size_and_no_other()
    {
        var slabs = new StateSlabs();
        var agents = StateSlabs.AgentsPerSlab + 1; // two slabs
        var done = Enumerable.Range(0, agents).Select(a => Array(slabs.Slice("study-run-1", a, 10))).Distinct().ToList();
        var live = Array(slabs.Slice("live-run", 0, 10));
        Assert.Equal(3, slabs.Allocations);

        slabs.Release("study-run-1");
        slabs.Release("never-ran"); // nothing to release: no effect
        var next = Enumerable.Range(0, agents).Select(a => Array(slabs.Slice("study-run-2", a, 10))).Distinct().ToList();

        Assert.Equal(3, slabs.Allocations); // no new slab: run 2 took run 1's two
        Assert.Equal(2, slabs.Reuses);
        Assert.True(new HashSet<object>(done, ReferenceEqualityComparer.Instance).SetEquals(next)); // the same arrays
        Assert.DoesNotContain(next, s => ReferenceEquals(s, live)); // a run not released keeps its own
        Assert.Same(live, Array(slabs.Slice("live-run", 0, 10)));

        slabs.Release("study-run-2");
        var otherSize = Array(slabs.Slice("study-run-3", 0, 20)); // another batch size: a slab of its own
        Assert.Equal(4, slabs.Allocations);
        Assert.DoesNotContain(done, s => ReferenceEquals(s, otherSize));
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        var slabs = new StateSlabs();

        Assert.Throws<ArgumentOutOfRangeException>(() => slabs.Slice("run", -1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => slabs.Slice("run", 0, 0));
    }

    private static EnterpriseState[] Array(Memory<EnterpriseState> slice) =>
        MemoryMarshal.TryGetArray<EnterpriseState>(slice, out var segment) ? segment.Array! : throw new InvalidOperationException("a slice not over an array");
}

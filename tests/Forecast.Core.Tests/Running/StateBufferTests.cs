using Forecast.Model;
using Forecast.Running;
using Forecast.Simulation;

namespace Forecast.Core.Tests.Running;

public sealed class StateBufferTests
{
    [Fact]
    public void A_buffer_holds_what_is_written_until_disposed_then_refuses_access()
    {
        var buffer = new StateBuffer<EnterpriseState>(300_001); // not a whole number of huge pages
        var span = buffer.Span;
        Assert.Equal(300_001, span.Length);
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = new EnterpriseState { Tier = Tier.Candidate, Born = (byte)i, Revenue = i };
        }

        Assert.Equal(300_000f, buffer.Span[^1].Revenue);
        Assert.Equal((byte)(300_000 & 0xFF), buffer.Span[^1].Born);
        buffer.Dispose();
        buffer.Dispose(); // twice is harmless
        Assert.Throws<ObjectDisposedException>(() => buffer.Span.Length);
    }

    [Fact]
    public void On_Linux_with_transparent_huge_pages_the_kernel_accepts_the_advice_to_use_them()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/sys/kernel/mm/transparent_hugepage/enabled"))
        {
            return; // no such advice to give here
        }

        using var buffer = new StateBuffer<long>(1 << 20);
        Assert.True(buffer.HugePagesAdvised); // madvise returned 0; whether the pages are huge is the kernel's choice
    }

    [Fact]
    public void An_empty_buffer_is_allowed_and_a_negative_length_is_not()
    {
        using var empty = new StateBuffer<int>(0);
        Assert.Equal(0, empty.Span.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => new StateBuffer<int>(-1));
    }
}

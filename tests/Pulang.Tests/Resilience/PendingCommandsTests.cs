using Microsoft.Extensions.Time.Testing;
using Pulang.Workflows.Cases;

namespace Pulang.Tests.Resilience;

/// <summary>A copy of a pending command is not raised again until it is decided, raising it failed, or it is 5 minutes old.</summary>
public sealed class PendingCommandsTests
{
    [Fact]
    public void A_copy_is_raised_again_only_after_the_first_is_decided_failed_or_expired()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        var pending = new PendingCommands(time);

        Assert.True(pending.TryBegin("PLG-0000000001", "p2mi-official:sign"));
        Assert.False(pending.TryBegin("PLG-0000000001", "p2mi-official:sign"));
        Assert.True(pending.TryBegin("PLG-0000000002", "p2mi-official:sign"));
        Assert.True(pending.TryBegin("PLG-0000000001", "p2mi-official:other"));

        time.Advance(PendingCommands.RaiseAgainAfter - TimeSpan.FromSeconds(1));
        Assert.False(pending.TryBegin("PLG-0000000001", "p2mi-official:sign"));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(pending.TryBegin("PLG-0000000001", "p2mi-official:sign"));
        Assert.False(pending.TryBegin("PLG-0000000001", "p2mi-official:sign"));

        pending.End("PLG-0000000001", "p2mi-official:sign");
        Assert.True(pending.TryBegin("PLG-0000000001", "p2mi-official:sign"));
    }

    [Fact]
    public async Task Of_many_copies_sent_at_once_exactly_one_is_raised()
    {
        var pending = new PendingCommands(TimeProvider.System);
        var raised = 0;
        await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => Task.Run(() =>
        {
            if (pending.TryBegin("PLG-0000000001", "kemensos-official:sign"))
            {
                Interlocked.Increment(ref raised);
            }
        })));
        Assert.Equal(1, raised);
    }
}

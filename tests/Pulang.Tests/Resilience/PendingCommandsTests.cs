using Microsoft.Extensions.Time.Testing;
using Pulang.Workflows.Cases;

namespace Pulang.Tests.Resilience;

/// <summary>
/// A copy of a pending command is not raised again until the first is decided or 5 minutes old; a copy whose first
/// raise failed raises itself.
/// </summary>
public sealed class PendingCommandsTests
{
    const string Case = "PLG-0000000001";

    [Fact]
    public async Task A_copy_is_raised_again_only_after_the_first_is_decided_or_expired()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        var pending = new PendingCommands(time);
        var raised = new List<string>();
        Task Raise(string what) { raised.Add(what); return Task.CompletedTask; }

        await pending.RaiseOnceAsync(Case, "p2mi-official:sign|signOff", () => Raise("first"));
        await pending.RaiseOnceAsync(Case, "p2mi-official:sign|signOff", () => Raise("copy"));
        await pending.RaiseOnceAsync("PLG-0000000002", "p2mi-official:sign|signOff", () => Raise("other case"));
        await pending.RaiseOnceAsync(Case, "p2mi-official:sign|hold", () => Raise("same key, other command"));
        time.Advance(PendingCommands.RaiseAgainAfter - TimeSpan.FromSeconds(1));
        await pending.RaiseOnceAsync(Case, "p2mi-official:sign|signOff", () => Raise("copy before expiry"));
        time.Advance(TimeSpan.FromSeconds(1));
        await pending.RaiseOnceAsync(Case, "p2mi-official:sign|signOff", () => Raise("after expiry"));
        pending.End(Case, "p2mi-official:sign|signOff");
        await pending.RaiseOnceAsync(Case, "p2mi-official:sign|signOff", () => Raise("after decided"));

        Assert.Equal(["first", "other case", "same key, other command", "after expiry", "after decided"], raised);
    }

    [Fact]
    public async Task Of_many_copies_at_once_one_is_raised_and_all_wait_for_it()
    {
        var pending = new PendingCommands(TimeProvider.System);
        var raised = 0;
        var gate = new TaskCompletionSource();
        var copies = Enumerable.Range(0, 64).Select(_ => Task.Run(() => pending.RaiseOnceAsync(Case, "kemensos-official:sign|signOff", async () =>
        {
            Interlocked.Increment(ref raised);
            await gate.Task;
        }))).ToList();
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.All(copies, c => Assert.False(c.IsCompleted));
        gate.SetResult();
        await Task.WhenAll(copies);
        Assert.Equal(1, raised);
    }

    [Fact]
    public async Task A_copy_waiting_on_a_raise_that_fails_raises_itself()
    {
        var pending = new PendingCommands(TimeProvider.System);
        var gate = new TaskCompletionSource();
        var first = pending.RaiseOnceAsync(Case, "k|signOff", async () =>
        {
            await gate.Task;
            throw new InvalidOperationException("storage unavailable");
        });
        var copyRaised = false;
        var copy = pending.RaiseOnceAsync(Case, "k|signOff", () => { copyRaised = true; return Task.CompletedTask; });
        gate.SetResult();
        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await copy;
        Assert.True(copyRaised);
    }
}

namespace Dropzone.Portal.Core.Tests.Setup;

/// <summary>The calls a piece of work counts on its critical path include every page a command needed, so a setup's floor is the calls it really waited for.</summary>
public sealed class TenantCallLogTests
{
    [Fact]
    public async Task InvokeAsync_CommandOfThreePages_CountsThreeCallsOnTheCriticalPath()
    {
        await using var bed = await SetupTestBed.CreateAsync();
        bed.AddMailboxes(2_100, "paged");
        var calls = new TenantCallLog(bed.Exchange, bed.Directory, concurrency: 4);

        var mailboxes = await calls.InvokeAsync(ExchangeCommands.FindMailboxes(unlimited: true), CancellationToken.None);

        var pages = (mailboxes.Rows.Count + 999) / 1000;
        Assert.True(pages >= 3, $"{mailboxes.Rows.Count} rows");
        Assert.Equal((pages, pages), (calls.Calls, calls.CriticalPathCalls));
    }

    [Fact]
    public async Task InvokeManyAsync_OnePartWithMorePages_AddsItsNextPagesAfterTheBatchRound()
    {
        await using var bed = await SetupTestBed.CreateAsync();
        bed.AddMailboxes(2_100, "paged");
        var calls = new TenantCallLog(bed.Exchange, bed.Directory, concurrency: 4);
        var sentBefore = bed.Tenant.Calls.Count(c => c.Service == "outlook");

        var answers = await calls.InvokeManyAsync([ExchangeCommands.FindMailboxes(unlimited: true), ExchangeCommands.GetAcceptedDomain()], CancellationToken.None);

        var pages = (answers[0].Rows.Count + 999) / 1000;
        // One batch round (the first page inside it), then the next pages one after another.
        Assert.Equal(pages, calls.CriticalPathCalls);
        Assert.Equal(bed.Tenant.Calls.Count(c => c.Service == "outlook") - sentBefore, calls.Calls);
    }
}

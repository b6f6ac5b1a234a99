using Dropzone.Portal.Components.Pages.Groups;
using Dropzone.Portal.Core.Groups;
using Dropzone.Portal.Core.Restriction;
using Dropzone.Portal.Core.Setup;
using Dropzone.Portal.Core.Setup.Steps;
using Microsoft.Extensions.Time.Testing;

namespace Dropzone.Portal.Tests.Components;

/// <summary>The group page says what a verification proved (Exchange's Test-* answer) and what is pending (Graph enforcement), with the re-check times.</summary>
public sealed class VerificationStatementTests : PortalComponentContext
{
    private static readonly DateTimeOffset VerifiedAt = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private VerificationStatementTests WithClock(DateTimeOffset now)
    {
        Services.AddSetupSteps();
        Services.AddSingleton<TimeProvider>(new FakeTimeProvider(now));
        return this;
    }

    private static ManagedGroup Group(ManagedGroupStatus status, RestrictionMode mode) => new()
    {
        DisplayName = "Dropzone scope",
        PrimarySmtpAddress = "dropzone-scope@contoso.example",
        RestrictionMode = mode,
        Status = status,
        VerifiedAt = VerifiedAt,
    };

    [Fact]
    public void VerifiedInExchange_AccessPolicy_ProvenIsTheTestAnswerAndGraphIsPendingWithEveryRecheckTime()
    {
        WithClock(VerifiedAt.AddMinutes(1));

        var text = Render<VerificationStatementText>(p => p
            .Add(c => c.Group, Group(ManagedGroupStatus.VerifiedInExchange, RestrictionMode.ApplicationAccessPolicy))
            .Add(c => c.Checks, 4));

        Assert.Equal("Proven: Exchange's Test-ApplicationAccessPolicy gave the expected answer in all 4 check(s) at 2026-12-03 12:00 UTC "
            + "(the members may be read, a mailbox outside the group may not).", text.Find("[data-testid=verification-proven]").TextContent);
        Assert.Equal("Pending: Graph enforcement. Microsoft documents that Graph can keep the old access for an hour or more after Exchange answers; "
            + "the portal checks again at 2026-12-03 12:15 UTC, 2026-12-03 13:00 UTC, 2026-12-03 14:00 UTC.", text.Find("[data-testid=verification-pending]").TextContent);
    }

    [Fact]
    public void VerifiedInExchange_RbacAfterTheFirstRecheckTime_NamesItsTestAndOnlyTheRechecksToCome()
    {
        WithClock(VerifiedAt.AddMinutes(20));

        var text = Render<VerificationStatementText>(p => p
            .Add(c => c.Group, Group(ManagedGroupStatus.VerifiedInExchange, RestrictionMode.RbacForApplications))
            .Add(c => c.Checks, 2));

        Assert.Contains("Test-ServicePrincipalAuthorization gave the expected answer in all 2 check(s)", text.Find("[data-testid=verification-proven]").TextContent, StringComparison.Ordinal);
        Assert.EndsWith("the portal checks again at 2026-12-03 13:00 UTC, 2026-12-03 14:00 UTC.", text.Find("[data-testid=verification-pending]").TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ManagedGroupStatus.Configured)]
    [InlineData(ManagedGroupStatus.Drifted)]
    public void NotVerified_SaysNothingProven(ManagedGroupStatus status)
    {
        WithClock(VerifiedAt);

        var text = Render<VerificationStatementText>(p => p.Add(c => c.Group, Group(status, RestrictionMode.ApplicationAccessPolicy)).Add(c => c.Checks, 4));

        Assert.Empty(text.FindAll("[data-testid=verification-statement]"));
    }
}

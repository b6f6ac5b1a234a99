using Dropzone.Portal.Core.Access;

namespace Dropzone.Portal.Core.Tests.Access;

public sealed class EffectiveAccessEvaluatorTests
{
    private static readonly MailboxRef Alice = new("alice@contoso.example", "id-alice", "Alice");
    private static readonly MailboxRef Bob = new("bob@contoso.example", "id-bob", "Bob");
    private static readonly MailboxRef Carol = new("carol@contoso.example", "id-carol", "Carol");
    private static readonly MailboxRef Ceo = new("ceo-office@contoso.example", "id-ceo", "CEO office");
    private static readonly IReadOnlyList<MailboxRef> Tenant = [Alice, Bob, Carol, Ceo];

    private static AccessSources Sources(IReadOnlyList<EntraMailPermission>? entra = null, IReadOnlyList<PolicySource>? policies = null, IReadOnlyList<RbacSource>? rbac = null) =>
        new("app-1", "Dropzone AI", entra ?? [], policies ?? [], rbac ?? [], Tenant);

    private static PolicySource Restrict(string group, params MailboxRef[] members) => new($"p-{group}", "RestrictAccess", group, MailboxSet.Of(members), IsPortals: true);

    private static PolicySource Deny(string group, params MailboxRef[] members) => new($"d-{group}", "DenyAccess", group, MailboxSet.Of(members), IsPortals: false);

    private static RbacSource Scoped(string group, string role, params MailboxRef[] members) => new($"Dropzone {group} {role}", role, $"Dropzone {group}", MailboxSet.Of(members), true, group);

    private static string[] Readable(EffectiveAccess access) => [.. access.Readable.Select(m => m.Mailbox.Address.Split('@')[0])];

    [Fact]
    public void UnscopedMailRead_NoPolicy_EveryMailboxWithTheGrantNamed()
    {
        var access = EffectiveAccessEvaluator.Evaluate(Sources(entra: [MailPermissions.MailRead]));

        Assert.Equal(["alice", "bob", "carol", "ceo-office"], Readable(access));
        Assert.Equal("Can read: every mailbox (unscoped grant: the Entra application permission Mail.Read (every mailbox)).", access.Summary);
        Assert.Contains(access.Find("ceo-office@contoso.example")!.Reasons, r => r.Contains("Mail.Read", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Mail.ReadBasic")]
    [InlineData("Mail.ReadBasic.All")]
    [InlineData("Mail.ReadWrite")]
    [InlineData("full_access_as_app")]
    public void EveryReadingPermissionOfTheMailFamily_IsAnUnscopedRead(string permission)
    {
        var access = EffectiveAccessEvaluator.Evaluate(Sources(entra: [MailPermissions.Entra.Single(p => p.Name == permission)]));

        Assert.Equal(4, access.Readable.Count());
        Assert.StartsWith("Can read: every mailbox", access.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void FullAccessAsApp_ReadsThroughEwsNotGraph()
    {
        var alice = EffectiveAccessEvaluator.Evaluate(Sources(entra: [MailPermissions.FullAccessAsApp])).Find(Alice.Address)!;

        Assert.True(alice.CanReadThrough(MailChannel.Ews));
        Assert.False(alice.CanReadThrough(MailChannel.Graph));
    }

    [Fact]
    public void MailSendOnly_CannotReadButSendsAsEveryMailbox()
    {
        var access = EffectiveAccessEvaluator.Evaluate(Sources(entra: [MailPermissions.MailSend]));

        Assert.Empty(access.Readable);
        Assert.Equal(4, access.Sendable.Count());
        Assert.Equal("Can read: no mailbox. It can also send as every mailbox it cannot read.", access.Summary);
    }

    [Fact]
    public void OneRestrictAccessPolicy_ExactlyItsGroup()
    {
        var access = EffectiveAccessEvaluator.Evaluate(Sources(entra: [MailPermissions.MailRead], policies: [Restrict("Dropzone Mailboxes", Alice)]));

        Assert.Equal(["alice"], Readable(access));
        Assert.Equal("Can read: exactly Dropzone Mailboxes (1 mailbox(es)).", access.Summary);
        Assert.Contains("none of their scopes", access.Find(Bob.Address)!.PolicyReason, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoRestrictAccessPolicies_TheUnion()
    {
        var access = EffectiveAccessEvaluator.Evaluate(Sources(entra: [MailPermissions.MailRead], policies: [Restrict("Phishing", Alice), Restrict("Legal", Bob)]));

        Assert.Equal(["alice", "bob"], Readable(access));
        Assert.Equal("Can read: Phishing ∪ Legal (2 mailbox(es)).", access.Summary);
    }

    [Fact]
    public void DenyAccess_WinsOverAMatchingRestrictAccess()
    {
        var access = EffectiveAccessEvaluator.Evaluate(Sources(entra: [MailPermissions.MailRead], policies: [Restrict("Phishing", Alice, Bob), Deny("Board", Bob)]));

        Assert.Equal(["alice"], Readable(access));
        Assert.Contains("DenyAccess policy on Board", access.Find(Bob.Address)!.PolicyReason, StringComparison.Ordinal);
        Assert.StartsWith("Can read: exactly Phishing (1 mailbox(es)), except 1 of its mailbox(es)", access.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void DenyAccessAlone_EveryMailboxExceptItsScope()
    {
        var access = EffectiveAccessEvaluator.Evaluate(Sources(entra: [MailPermissions.MailRead], policies: [Deny("Board", Ceo)]));

        Assert.Equal(["alice", "bob", "carol"], Readable(access));
        Assert.StartsWith("Can read: every mailbox except 1", access.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void NoGrantAtAll_NothingReadableWhateverThePolicies()
    {
        var access = EffectiveAccessEvaluator.Evaluate(Sources(policies: [Restrict("Phishing", Alice)]));

        Assert.Empty(access.Readable);
        Assert.Equal(["No Entra permission or RBAC assignment reaches this mailbox."], access.Find(Alice.Address)!.Reasons);
    }

    [Fact]
    public void RbacScopeWithoutEntraGrant_ExactlyTheScopesGroup()
    {
        var access = EffectiveAccessEvaluator.Evaluate(Sources(rbac: [Scoped("Phishing", "Application Mail.Read", Alice, Carol)]));

        Assert.Equal(["alice", "carol"], Readable(access));
        Assert.Equal("Can read: exactly Phishing (2 mailbox(es)).", access.Summary);
    }

    [Fact]
    public void RbacScopeWithUnscopedEntraGrant_EveryMailbox()
    {
        var access = EffectiveAccessEvaluator.Evaluate(Sources(entra: [MailPermissions.MailRead], rbac: [Scoped("Phishing", "Application Mail.Read", Alice)]));

        Assert.Equal(4, access.Readable.Count());
        Assert.StartsWith("Can read: every mailbox (unscoped grant", access.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void RbacCalendarRole_ReachesNoMail()
    {
        var access = EffectiveAccessEvaluator.Evaluate(Sources(rbac: [Scoped("Phishing", "Application Calendars.Read", Alice)]));

        Assert.Empty(access.Readable);
    }

    [Fact]
    public void RbacScopesInTwoGroups_TheUnion_AndAPolicyNarrowsThem()
    {
        var rbac = new[] { Scoped("Phishing", "Application Mail.Read", Alice), Scoped("Legal", "Application Mail.ReadBasic", Bob) };

        var union = EffectiveAccessEvaluator.Evaluate(Sources(rbac: rbac));
        var narrowed = EffectiveAccessEvaluator.Evaluate(Sources(rbac: rbac, policies: [Restrict("Phishing", Alice)]));

        Assert.Equal("Can read: Phishing ∪ Legal (2 mailbox(es)).", union.Summary);
        Assert.Equal(["alice"], Readable(narrowed));
    }

    [Fact]
    public void OrganizationWideRbacAssignment_IsUnscoped()
    {
        var access = EffectiveAccessEvaluator.Evaluate(Sources(rbac: [new RbacSource("Everything", "Application Mail.Read", null, MailboxSet.Unknown, false)]));

        Assert.Equal(4, access.Readable.Count());
        Assert.Contains("whole organization", access.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void ScopeThatCouldNotBeRead_IsNotEstablished()
    {
        var access = EffectiveAccessEvaluator.Evaluate(Sources(rbac: [new RbacSource("Odd", "Application Mail.Read", "Odd scope", MailboxSet.Unknown, false)]));

        Assert.False(access.Established);
        Assert.StartsWith("Not established", access.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_UnionOfTheOwnGroups_Matches_AndAnExtraMailboxDoesNot()
    {
        var own = new[] { Restrict("Phishing", Alice), Restrict("Legal", Bob) };
        var reading = new AccessReading(Sources(entra: [MailPermissions.MailRead], policies: own), MailboxSet.Of([Alice, Bob]), []);
        var unrestricted = new AccessReading(Sources(entra: [MailPermissions.MailRead], policies: [own[0]]), MailboxSet.Of([Alice]), []);
        var withoutPolicy = new AccessReading(Sources(entra: [MailPermissions.MailRead]), MailboxSet.Of([Alice]), []);

        var same = AccessComparison.Compare(reading.Evaluate(), reading);
        var extra = AccessComparison.Compare(withoutPolicy.Evaluate(), withoutPolicy);
        var exact = AccessComparison.Compare(unrestricted.Evaluate(), unrestricted);

        Assert.True(same.Matches);
        Assert.True(exact.Matches);
        Assert.False(extra.Matches);
        Assert.Equal(3, extra.Extra);
        Assert.Contains("Not restricted", extra.Text, StringComparison.Ordinal);
        Assert.Contains("Mail.Read", extra.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_MemberDeniedByHand_IsMissing()
    {
        var reading = new AccessReading(Sources(entra: [MailPermissions.MailRead], policies: [Restrict("Phishing", Alice, Bob), Deny("Board", Bob)]), MailboxSet.Of([Alice, Bob]), []);

        var comparison = AccessComparison.Compare(reading.Evaluate(), reading);

        Assert.False(comparison.Matches);
        Assert.Equal(1, comparison.Missing);
        Assert.Contains("DenyAccess policy on Board", comparison.Text, StringComparison.Ordinal);
    }
}

using Dropzone.Portal.Core.Access;
using Dropzone.Portal.Core.Restriction.Rbac;

namespace Dropzone.Portal.Core.Tests.Access;

/// <summary>
/// The portal's verdict against ground truth: after a real setup run (and the emulator's propagation delay, elapsed on
/// its clock), the restricted application reads mail through Graph for sampled members and outsiders, and the group's
/// status and the evaluator must say what Graph did.
/// </summary>
public sealed class EffectiveAccessGroundTruthTests
{
    private static readonly TimeSpan Propagation = TimeSpan.FromMinutes(1);

    private static async Task<SetupTestBed> BedAsync()
    {
        var bed = await SetupTestBed.CreateAsync();
        bed.SetFaults(f => f with { GraphEnforcementDelay = Propagation });
        return bed;
    }

    private static async Task<Guid> SetUpAsync(SetupTestBed bed, IReadOnlyList<string> members, RestrictionMode mode, string alias = "dropzone-scope")
    {
        var runId = await bed.Launcher.StartAsync(SetupTestBed.Request(members, mode, alias), SetupTestBed.Admin);
        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(runId));
        bed.Clock.Advance(Propagation);
        await using var db = bed.CreateDbContext();
        return (await db.ManagedGroups.SingleAsync(g => g.Alias == alias)).Id;
    }

    private static async Task<ManagedGroup> GroupAsync(SetupTestBed bed, Guid id)
    {
        await using var db = bed.CreateDbContext();
        return await db.ManagedGroups.AsNoTracking().SingleAsync(g => g.Id == id);
    }

    /// <summary>Graph's answer for each mailbox, asserted equal to the evaluator's; answers the mailboxes Graph let the app read.</summary>
    private static async Task<HashSet<string>> AssertEvaluatorEqualsGraphAsync(SetupTestBed bed, IEnumerable<string> sample)
    {
        using var oracle = new GraphMailOracle(bed.Emulated);
        var calls = new TenantCallLog(bed.Exchange, bed.Directory, 4);
        var access = (await EffectiveAccessReader.ReadAsync(calls, DemoTenant.RestrictedAppId, [], bed.Options, CancellationToken.None)).Evaluate();
        var token = await oracle.TokenAsync();
        var read = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var mailbox in sample)
        {
            var graph = await oracle.CanReadAsync(token, mailbox);
            Assert.Equal(graph, access.Find(mailbox)!.CanReadThrough(MailChannel.Graph));
            if (graph)
            {
                read.Add(mailbox);
            }
        }

        return read;
    }

    [Fact]
    public async Task AccessPolicyMode_GreenAndGraphReadsExactlyTheMembers()
    {
        await using var bed = await BedAsync();
        var mailboxes = bed.DemoMailboxes();
        var id = await SetUpAsync(bed, mailboxes.Take(3).ToList(), RestrictionMode.ApplicationAccessPolicy);

        var read = await AssertEvaluatorEqualsGraphAsync(bed, mailboxes.Take(6));

        var group = await GroupAsync(bed, id);
        Assert.Equal(ManagedGroupStatus.VerifiedInExchange, group.Status);
        Assert.StartsWith("Can read: exactly", group.AccessSummary, StringComparison.Ordinal);
        Assert.Equal(mailboxes.Take(3), read.Order(StringComparer.OrdinalIgnoreCase).ToList(), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RbacModeWithUnscopedGrant_NotRestrictedWhileGraphReadsOutsiders_GreenOnceTheGrantIsRemoved()
    {
        await using var bed = await BedAsync();
        var mailboxes = bed.DemoMailboxes();
        var id = await SetUpAsync(bed, mailboxes.Take(3).ToList(), RestrictionMode.RbacForApplications);

        var before = await AssertEvaluatorEqualsGraphAsync(bed, mailboxes.Take(6));
        var red = await GroupAsync(bed, id);
        bed.Tenant.SetApplicationPermission(DemoTenant.RestrictedAppId, "Mail.Read", false);
        var outcome = await bed.NewRechecker().RecheckAsync(id);
        var after = await AssertEvaluatorEqualsGraphAsync(bed, mailboxes.Take(6));
        var green = await GroupAsync(bed, id);

        Assert.Equal(6, before.Count);
        Assert.Equal(ManagedGroupStatus.NotRestricted, red.Status);
        Assert.Contains("every mailbox", red.AccessSummary, StringComparison.Ordinal);
        Assert.Contains("Mail.Read", red.AccessSummary, StringComparison.Ordinal);
        Assert.Null(red.VerifiedAt);
        Assert.Equal(3, after.Count);
        Assert.Equal(ManagedGroupStatus.Rechecked, outcome!.Status);
        Assert.Equal(ManagedGroupStatus.Rechecked, green.Status);
        Assert.StartsWith("Can read: exactly", green.AccessSummary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoRestrictAccessGroups_BothGreenNoDrift_TheUnionOnEach_AndGraphReadsTheUnion()
    {
        await using var bed = await BedAsync();
        var mailboxes = bed.DemoMailboxes();
        var first = await SetUpAsync(bed, mailboxes.Take(2).ToList(), RestrictionMode.ApplicationAccessPolicy, "phishing-a");
        var second = await SetUpAsync(bed, mailboxes.Skip(2).Take(2).ToList(), RestrictionMode.ApplicationAccessPolicy, "phishing-b");

        var outcome = await bed.NewRechecker().RecheckAsync(first);
        var read = await AssertEvaluatorEqualsGraphAsync(bed, mailboxes.Take(6));

        Assert.Empty(outcome!.Drift);
        Assert.Equal(4, read.Count);
        foreach (var id in new[] { first, second })
        {
            var group = await GroupAsync(bed, id);
            Assert.True(group.Status is ManagedGroupStatus.VerifiedInExchange or ManagedGroupStatus.Rechecked, $"{group.Alias}: {group.Status}");
            Assert.Contains("∪", group.AccessSummary, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task DenyAccessAddedByHand_RedWithItsSource_AndGraphRefusesThatMember()
    {
        await using var bed = await BedAsync();
        var mailboxes = bed.DemoMailboxes();
        var id = await SetUpAsync(bed, mailboxes.Take(3).ToList(), RestrictionMode.ApplicationAccessPolicy);
        (await bed.Exchange.InvokeAsync(ExchangeCommands.NewApplicationAccessPolicy(DemoTenant.RestrictedAppId, mailboxes[1], ApplicationAccessRight.DenyAccess))).EnsureSuccess();
        bed.Clock.Advance(Propagation);

        var outcome = await bed.NewRechecker().RecheckAsync(id);
        var read = await AssertEvaluatorEqualsGraphAsync(bed, mailboxes.Take(6));

        var group = await GroupAsync(bed, id);
        Assert.DoesNotContain(mailboxes[1], read, StringComparer.OrdinalIgnoreCase);
        Assert.True(group.Status is ManagedGroupStatus.Drifted or ManagedGroupStatus.NotRestricted, group.Status.ToString());
        Assert.Contains(outcome!.Drift, d => d.Contains("DenyAccess", StringComparison.Ordinal));
        Assert.Contains("DenyAccess", group.AccessSummary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RbacScopeEditedByHand_RedAndGraphFollowsTheNewScope()
    {
        await using var bed = await BedAsync();
        bed.Tenant.SetApplicationPermission(DemoTenant.RestrictedAppId, "Mail.Read", false);
        var mailboxes = bed.DemoMailboxes();
        var request = SetupTestBed.Request(mailboxes.Take(3).ToList(), RestrictionMode.RbacForApplications);
        var id = await SetUpAsync(bed, request.Members.Select(m => m.Address).ToList(), RestrictionMode.RbacForApplications);
        Assert.Equal(ManagedGroupStatus.VerifiedInExchange, (await GroupAsync(bed, id)).Status);

        // By hand: the scope now points at another group (Exchange cannot retarget a scope in use: remove and recreate).
        var other = (await bed.Exchange.InvokeAsync(ExchangeCommands.NewDistributionGroup("Elsewhere", [DemoTenant.OwnerUpn], "Elsewhere", "elsewhere",
            "elsewhere@" + DemoTenant.Domain, [mailboxes[5]]))).EnsureSuccess();
        var scope = RbacCommands.ScopeName(request, bed.Options);
        foreach (var role in request.RbacRoles)
        {
            (await bed.Exchange.InvokeAsync(ExchangeCommands.RemoveManagementRoleAssignment(RbacCommands.AssignmentName(request, bed.Options, role)))).EnsureSuccess();
        }

        (await bed.Exchange.InvokeAsync(ExchangeCommands.RemoveManagementScope(scope))).EnsureSuccess();
        (await bed.Exchange.InvokeAsync(ExchangeCommands.NewManagementScope(scope, ExchangeCommands.MemberOfGroupFilter(DistributionGroupInfo.From(other.FirstRow!.Value).DistinguishedName!)))).EnsureSuccess();
        foreach (var role in request.RbacRoles)
        {
            (await bed.Exchange.InvokeAsync(RbacCommands.NewAssignment(request, bed.Options, role))).EnsureSuccess();
        }

        bed.Clock.Advance(Propagation);
        await bed.NewRechecker().RecheckAsync(id);
        var read = await AssertEvaluatorEqualsGraphAsync(bed, mailboxes.Take(6));

        var group = await GroupAsync(bed, id);
        Assert.Equal([mailboxes[5]], read.ToList(), StringComparer.OrdinalIgnoreCase);
        Assert.True(group.Status is ManagedGroupStatus.Drifted or ManagedGroupStatus.NotRestricted, group.Status.ToString());
        Assert.Contains("Elsewhere", group.AccessSummary, StringComparison.Ordinal);
    }
}

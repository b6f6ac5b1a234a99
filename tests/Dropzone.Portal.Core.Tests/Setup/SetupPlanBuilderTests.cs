using Dropzone.Portal.Core.Restriction.AccessPolicy;
using Dropzone.Portal.Core.Restriction.Rbac;
using Dropzone.Portal.Core.Setup.Steps;

namespace Dropzone.Portal.Core.Tests.Setup;

public sealed class SetupPlanBuilderTests
{
    private static readonly SetupPlanBuilder Planner = new(BuiltIn.Modes);

    private static SetupRequest Request(int members, RestrictionMode mode = default) => new()
    {
        RestrictedAppId = "app-1",
        GroupDisplayName = " Dropzone scope ",
        GroupAlias = "dropzone-scope",
        GroupAddress = "dropzone-scope@contoso.example",
        Owners = [new SetupPerson("o-1", "olivia@contoso.example", "Olivia"), new SetupPerson("o-2", "omar@contoso.example", "Omar")],
        Members = [.. Enumerable.Range(0, members).Select(i => new SetupMember($"user{i}@contoso.example"))],
        RestrictionMode = mode,
    };

    [Fact]
    public void Build_AccessPolicyMode_OrderedIdempotentSteps()
    {
        var plan = Planner.Build(Request(3), new SetupOptions());

        Assert.Equal(
            [SetupStepKind.EnsureApp, SetupStepKind.EnsureGroup, SetupStepKind.EnsureOwners, SetupStepKind.EnsureMembers,
             SetupStepKind.WaitForReplication, EnsureAccessPolicyStep.StepKind, SetupStepKind.Verify],
            plan.Steps.Select(s => s.Kind));
        Assert.Equal(Enumerable.Range(0, 7), plan.Steps.Select(s => s.Index));
    }

    [Fact]
    public void Build_RbacMode_ServicePrincipalScopeAndAssignmentsBeforeVerify()
    {
        var plan = Planner.Build(Request(3, RestrictionMode.RbacForApplications) with { RbacRoles = [] }, new SetupOptions());

        Assert.Equal(
            [EnsureServicePrincipalStep.StepKind, EnsureManagementScopeStep.StepKind, EnsureRoleAssignmentsStep.StepKind, SetupStepKind.Verify],
            plan.Steps.Skip(5).Select(s => s.Kind));
        Assert.Equal([SetupDefaults.DefaultRbacRole], plan.Request.RbacRoles);
    }

    [Fact]
    public void Build_DuplicateAndBlankMembers_NormalisedCaseInsensitively()
    {
        var request = Request(0) with
        {
            Members = [new SetupMember("A@contoso.example"), new SetupMember(" a@contoso.example "), new SetupMember(""), new SetupMember("b@contoso.example")],
        };

        var plan = Planner.Build(request, new SetupOptions());

        Assert.Equal(["A@contoso.example", "b@contoso.example"], plan.Request.Members.Select(m => m.Address));
        Assert.Equal("Dropzone scope", plan.Request.GroupDisplayName);
    }

    [Fact]
    public void NewGroup_MembersWithinThreshold_OneCallWithOwnersAndMembers()
    {
        var plan = Planner.Build(Request(2000), new SetupOptions());

        var command = SetupCommands.NewGroup(plan);

        Assert.Equal("New-DistributionGroup", command.CmdletName);
        Assert.NotNull(command["ManagedBy"]);
        Assert.NotNull(command["Members"]);
        Assert.Contains("-Type 'Security'", command.ToPowerShell(), StringComparison.Ordinal);
    }

    [Fact]
    public void NewGroup_BeyondThreshold_NoMembersInCreateButOwnersAlways()
    {
        var plan = Planner.Build(Request(2001), new SetupOptions());

        var command = SetupCommands.NewGroup(plan);

        Assert.False(plan.MembersFitInCreate);
        Assert.Null(command["Members"]);
        Assert.NotNull(command["ManagedBy"]);
    }

    [Fact]
    public void MembershipPlanCreate_EmptyGroupWithinThreshold_OneBulkCall()
    {
        var desired = Enumerable.Range(0, 1500).Select(i => $"u{i}@x").ToList();

        var plan = MembershipPlan.Create(desired, [], 2000);

        Assert.Equal(1, plan.CommandCount);
        Assert.Equal(1500, plan.BulkReplacement!.Count);
    }

    [Fact]
    public void MembershipPlanCreate_BeyondThreshold_BulkUpToThresholdThenSingles()
    {
        var desired = Enumerable.Range(0, 3000).Select(i => $"u{i}@x").ToList();

        var plan = MembershipPlan.Create(desired, [], 2000);

        Assert.Equal(2000, plan.BulkReplacement!.Count);
        Assert.Equal(1000, plan.SingleAdds.Count);
        Assert.Empty(plan.SingleAdds.Intersect(plan.BulkReplacement));
    }

    [Fact]
    public void MembershipPlanCreate_SameMembersByIdOrAddress_Satisfied()
    {
        var current = new[] { new RecipientInfo("a", "id-a", "a", "A", "a@x", null, null), new RecipientInfo("b", "id-b", "b", "B", "b@x", null, null) };

        Assert.True(MembershipPlan.Create(["A@x", "id-b"], current, 2000).IsSatisfied);
    }

    [Fact]
    public void MembershipPlanCreate_ExtraAndMissingWithinThreshold_OneReplacementRemovesExtras()
    {
        var current = new[] { new RecipientInfo("a", null, "a", "A", "a@x", null, null), new RecipientInfo("z", null, "z", "Z", "z@x", null, null) };

        var plan = MembershipPlan.Create(["a@x", "b@x"], current, 2000);

        Assert.Equal(["a@x", "b@x"], plan.BulkReplacement);
        Assert.Equal(1, plan.RemovedByBulk);
        Assert.Empty(plan.SingleRemoves);
    }

    [Fact]
    public void MembershipPlanCreate_AfterBulkTimeout_OnlySingles()
    {
        var plan = MembershipPlan.Create(["a@x", "b@x", "c@x"], [new RecipientInfo("a", null, "a", "A", "a@x", null, null)], bulkThreshold: 0);

        Assert.Null(plan.BulkReplacement);
        Assert.Equal(["b@x", "c@x"], plan.SingleAdds);
    }

    [Fact]
    public void Render_AccessPolicyPlan_ContainsTheExactCommandsTheRunSends()
    {
        var options = new SetupOptions();
        var request = Request(3);
        var plan = Planner.Build(request, options);

        var script = new SetupScriptRenderer(Planner, BuiltIn.Modes, Options.Create(options)).Render(request);

        Assert.Contains(SetupCommands.NewGroup(plan).ToPowerShell(), script, StringComparison.Ordinal);
        Assert.Contains(AccessPolicyCommands.NewPolicy(plan.Request).ToPowerShell(), script, StringComparison.Ordinal);
        Assert.Contains("-AccessRight 'RestrictAccess'", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_RbacPlanBeyondThreshold_BulkUpdateSinglesScopeAndOneAssignmentPerRole()
    {
        var options = new SetupOptions { BulkMemberThreshold = 2 };
        var request = Request(4, RestrictionMode.RbacForApplications) with { RbacRoles = ["Application Mail.Read", "Application Mail.Send"] };

        var script = new SetupScriptRenderer(Planner, BuiltIn.Modes, Options.Create(options)).Render(request);

        Assert.Single(script.Split('\n'), l => l.StartsWith("Update-DistributionGroupMember", StringComparison.Ordinal));
        Assert.Equal(2, script.Split('\n').Count(l => l.StartsWith("Add-DistributionGroupMember", StringComparison.Ordinal)));
        Assert.Contains("MemberOfGroup -eq", script, StringComparison.Ordinal);
        Assert.Equal(2, script.Split('\n').Count(l => l.StartsWith("New-ManagementRoleAssignment", StringComparison.Ordinal)));
    }

    [Fact]
    public void OwnersMatch_ExchangeNamesOwnersByAlias_Equal()
    {
        var owners = Request(0).Owners;

        Assert.True(EnsureOwnersStep.OwnersMatch(["olivia", "Omar"], owners));
        Assert.False(EnsureOwnersStep.OwnersMatch(["olivia"], owners));
    }

    [Fact]
    public void Sample_MoreMembersThanSampleSize_StableEvenSpread()
    {
        var members = Enumerable.Range(0, 1000).ToList();

        var sample = Verification.GroupVerifier.Sample(members, 50);

        Assert.Equal(50, sample.Count);
        Assert.Equal(50, sample.Distinct().Count());
        Assert.Equal(sample, Verification.GroupVerifier.Sample(members, 50));
    }
}

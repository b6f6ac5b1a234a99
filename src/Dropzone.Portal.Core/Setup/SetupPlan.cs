namespace Dropzone.Portal.Core.Setup;

/// <summary>One planned step: what it ensures, in words for the progress page.</summary>
public sealed record SetupPlanStep(int Index, SetupStepKind Kind, string Title);

/// <summary>
/// What a run will do: the normalised request and its ordered, idempotent steps. Persisted with the run
/// (as JSON), so a run resumed after a restart or an upgrade follows the plan it started with.
/// </summary>
public sealed record SetupPlan(SetupRequest Request, IReadOnlyList<SetupPlanStep> Steps, int BulkMemberThreshold)
{
    /// <summary>True when the whole member list goes in the New-DistributionGroup call (no separate member call).</summary>
    public bool MembersFitInCreate => Request.Members.Count <= BulkMemberThreshold;
}

/// <summary>
/// Builds the plan for a request: the group's steps, then the restriction mode's own, then verification.
/// Pure: the same request and settings always give the same plan.
/// </summary>
public sealed class SetupPlanBuilder(RestrictionModeCatalog modes)
{
    public SetupPlan Build(SetupRequest request, SetupOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var mode = modes.Get(request.RestrictionMode);
        var normalised = Normalise(request, mode);
        List<PlannedStep> steps =
        [
            new(SetupStepKind.EnsureApp, "Find the application in the tenant"),
            new(SetupStepKind.EnsureGroup, normalised.AdoptExisting ? "Create or adopt the mail-enabled security group" : "Create the mail-enabled security group"),
            new(SetupStepKind.EnsureOwners, "Set the owners"),
            new(SetupStepKind.EnsureMembers, $"Set the {normalised.Members.Count} member(s)"),
            new(SetupStepKind.WaitForReplication, "Wait for the group to replicate"),
            .. mode.PlanSteps(normalised),
            new(SetupStepKind.Verify, "Verify in Exchange"),
        ];
        return new SetupPlan(normalised, [.. steps.Select((s, i) => new SetupPlanStep(i, s.Kind, s.Title))], options.BulkMemberThreshold);
    }

    /// <summary>
    /// Trims, drops empty and duplicate members and owners (case-insensitive), keeps the first occurrence's order.
    /// Roles are kept only for a mode that takes roles (else the default, as stored before).
    /// </summary>
    private static SetupRequest Normalise(SetupRequest request, IRestrictionMode mode)
    {
        var members = request.Members
            .Where(m => !string.IsNullOrWhiteSpace(m.Address))
            .Select(m => m with { Address = m.Address.Trim() })
            .DistinctBy(m => m.Address, StringComparer.OrdinalIgnoreCase)
            .ToList();
        var owners = request.Owners
            .Where(o => !string.IsNullOrWhiteSpace(o.UserPrincipalName) || !string.IsNullOrWhiteSpace(o.ObjectId))
            .DistinctBy(o => string.IsNullOrWhiteSpace(o.ObjectId) ? o.UserPrincipalName : o.ObjectId, StringComparer.OrdinalIgnoreCase)
            .ToList();
        List<string> roles = mode.RoleChoices.Count == 0 ? [] : request.RbacRoles.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim())
            .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return request with
        {
            GroupAddress = request.GroupAddress.Trim(),
            GroupAlias = request.GroupAlias.Trim(),
            GroupDisplayName = request.GroupDisplayName.Trim(),
            Members = members,
            Owners = owners,
            RbacRoles = roles.Count > 0 ? roles : [SetupDefaults.DefaultRbacRole],
        };
    }
}

using Dropzone.Portal.Core.Groups;

namespace Dropzone.Portal.Core.Setup;

/// <summary>The steps of a setup, in order. Stored as text so that renaming a member cannot break a persisted run.</summary>
public enum SetupStepKind
{
    EnsureApp,
    EnsureGroup,
    EnsureOwners,
    EnsureMembers,
    WaitForReplication,
    EnsureAccessPolicy,
    EnsureServicePrincipal,
    EnsureManagementScope,
    EnsureRoleAssignments,
    Verify,
}

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

/// <summary>Builds the plan for a request. Pure: the same request and settings always give the same plan.</summary>
public static class SetupPlanBuilder
{
    public static SetupPlan Build(SetupRequest request, SetupOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var normalised = Normalise(request);
        var kinds = new List<(SetupStepKind Kind, string Title)>
        {
            (SetupStepKind.EnsureApp, "Find the application in the tenant"),
            (SetupStepKind.EnsureGroup, normalised.AdoptExisting ? "Create or adopt the mail-enabled security group" : "Create the mail-enabled security group"),
            (SetupStepKind.EnsureOwners, "Set the owners"),
            (SetupStepKind.EnsureMembers, $"Set the {normalised.Members.Count} member(s)"),
            (SetupStepKind.WaitForReplication, "Wait for the group to replicate"),
        };
        if (normalised.RestrictionMode == RestrictionMode.ApplicationAccessPolicy)
        {
            kinds.Add((SetupStepKind.EnsureAccessPolicy, "Restrict the application to the group (application access policy)"));
        }
        else
        {
            kinds.Add((SetupStepKind.EnsureServicePrincipal, "Register the application's service principal in Exchange"));
            kinds.Add((SetupStepKind.EnsureManagementScope, "Create the management scope on the group"));
            kinds.Add((SetupStepKind.EnsureRoleAssignments, $"Assign {string.Join(", ", normalised.RbacRoles)} within the scope"));
        }

        kinds.Add((SetupStepKind.Verify, "Verify in Exchange"));
        return new SetupPlan(normalised, [.. kinds.Select((k, i) => new SetupPlanStep(i, k.Kind, k.Title))], options.BulkMemberThreshold);
    }

    /// <summary>Trims, drops empty and duplicate members and owners (case-insensitive), keeps the first occurrence's order.</summary>
    public static SetupRequest Normalise(SetupRequest request)
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
        var roles = request.RbacRoles.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Trim())
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

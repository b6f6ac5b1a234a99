namespace Dropzone.Portal.Core.Setup.Wizard;

/// <summary>
/// What the admin has entered so far; mutable because the step components bind to it, serialised as the draft.
/// Only <see cref="ToRequest"/> turns it into what the launcher accepts.
/// </summary>
public sealed class SetupWizardState
{
    public string AppClientId { get; set; } = "";
    public string? AppDisplayName { get; set; }
    public string? AppServicePrincipalId { get; set; }
    public List<string> AppMailPermissions { get; set; } = [];
    public List<string> AppUnscopedMailPermissions { get; set; } = [];

    public string GroupDisplayName { get; set; } = "";
    public string GroupAlias { get; set; } = "";
    public string GroupDomain { get; set; } = "";
    public string? GroupDescription { get; set; }
    public bool AllowExternalSenders { get; set; }
    public bool OwnersApproveMembers { get; set; } = true;
    public bool AdoptExisting { get; set; }

    public List<SetupPerson> Owners { get; set; } = [];

    /// <summary>Members picked one by one.</summary>
    public List<SetupMember> PickedMembers { get; set; } = [];

    /// <summary>The valid rows of the last CSV (problem rows are shown, never kept).</summary>
    public List<SetupMember> CsvMembers { get; set; } = [];

    public RestrictionMode RestrictionMode { get; set; } = RestrictionMode.ApplicationAccessPolicy;
    public List<string> RbacRoles { get; set; } = [SetupDefaults.DefaultRbacRole];
    public string? PolicyDescription { get; set; } = "Dropzone may read only the mailboxes in this group.";

    public string GroupAddress => GroupNameRules.Address(GroupAlias, GroupDomain);

    /// <summary>Picked and CSV members, each address once (the first occurrence wins).</summary>
    public IReadOnlyList<SetupMember> AllMembers() =>
        [.. PickedMembers.Concat(CsvMembers).DistinctBy(m => m.Address, StringComparer.OrdinalIgnoreCase)];

    public SetupRequest ToRequest() => new()
    {
        RestrictedAppId = AppClientId.Trim(),
        RestrictedAppServicePrincipalId = AppServicePrincipalId,
        RestrictedAppDisplayName = AppDisplayName,
        GroupDisplayName = GroupDisplayName.Trim(),
        GroupAlias = GroupAlias.Trim(),
        GroupAddress = GroupAddress,
        GroupDescription = string.IsNullOrWhiteSpace(GroupDescription) ? null : GroupDescription.Trim(),
        AllowExternalSenders = AllowExternalSenders,
        OwnersApproveMembers = OwnersApproveMembers,
        AdoptExisting = AdoptExisting,
        Owners = [.. Owners],
        Members = AllMembers(),
        RestrictionMode = RestrictionMode,
        // The mode decides whether roles count (the plan builder keeps them only for a mode that takes roles).
        RbacRoles = [.. RbacRoles],
        PolicyDescription = string.IsNullOrWhiteSpace(PolicyDescription) ? null : PolicyDescription.Trim(),
    };
}

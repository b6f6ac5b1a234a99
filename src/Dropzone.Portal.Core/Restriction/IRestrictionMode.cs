namespace Dropzone.Portal.Core.Restriction;

/// <summary>
/// One way of confining the application to the group's mailboxes (an application access policy; RBAC for
/// Applications). Everything that differs between modes is here: the rest of the portal asks the mode and never
/// branches on it. A mode is registered with <see cref="RestrictionServiceCollectionExtensions.AddRestrictionMode{TMode}"/>;
/// docs/restriction-modes.md walks through adding one.
/// </summary>
public interface IRestrictionMode
{
    /// <summary>The name stored with groups, plans and drafts. Never rename a mode that has been stored.</summary>
    RestrictionMode Name { get; }

    /// <summary>A short code for the command line and for test ids, e.g. <c>aap</c>.</summary>
    string Code { get; }

    /// <summary>The mode's name for people, worded the same on every page.</summary>
    string Label { get; }

    /// <summary>What the mode does, under its choice in the wizard.</summary>
    string Help { get; }

    /// <summary>The Exchange cmdlet that answers whether the application may read a mailbox.</summary>
    string AccessTestName { get; }

    /// <summary>The Application roles an admin picks from; empty when the mode takes none.</summary>
    IReadOnlyList<string> RoleChoices { get; }

    /// <summary>The label with the choices made, for the wizard's review.</summary>
    string Describe(IReadOnlyList<string> roles);

    /// <summary>The wizard's check of the mode's choices: errors block Apply, warnings are shown.</summary>
    StepCheck CheckChoices(SetupWizardState state);

    /// <summary>The mode's steps, between the group's replication and the verification.</summary>
    IReadOnlyList<PlannedStep> PlanSteps(SetupRequest request);

    /// <summary>
    /// What runs the kinds <see cref="PlanSteps"/> names: they come with the mode, so registering the mode is all a
    /// new one needs. A step that needs a service gets it from the mode, which the container constructs.
    /// </summary>
    IReadOnlyList<ISetupStep> Steps { get; }

    /// <summary>The mode's section of the reviewed PowerShell script (the same commands its steps send).</summary>
    IEnumerable<string> ScriptLines(SetupPlan plan, SetupOptions options);

    /// <summary>
    /// Every command the mode's steps may send for the plan (reads and writes, not the access test), with the plan's
    /// values; what the permission preflight asks the tenant for and the contract tests hold to Exchange's reference.
    /// </summary>
    IEnumerable<ExchangeCommand> Commands(SetupPlan plan, SetupOptions options);

    /// <summary>
    /// A warning about the application found in Entra (for example a tenant-wide grant the mode cannot narrow),
    /// or null. Counted as a call on the step's log.
    /// </summary>
    Task<string?> CheckApplicationAsync(TenantCallLog calls, DirectoryServicePrincipal app, CancellationToken cancellationToken);

    /// <summary>The command that asks Exchange whether <paramref name="appId"/> may read <paramref name="mailbox"/>.</summary>
    ExchangeCommand AccessTest(string appId, string mailbox);

    /// <summary>
    /// Reads the answer of <see cref="AccessTest"/> against what was expected. <paramref name="target"/> is the
    /// setup the group came from when known (the mode may then insist the access comes from this very group's
    /// restriction); null when only the application is known.
    /// </summary>
    AccessVerdict ReadAccess(ExchangeResult answer, bool expectAccess, RestrictionTarget? target);

    /// <summary>What changed outside the portal in the mode's own objects (removed, altered, extra grants), in words.</summary>
    Task<IReadOnlyList<string>> FindDriftAsync(RestrictionTarget target, TenantCallLog calls, CancellationToken cancellationToken);
}

/// <summary>A step a mode adds to the plan, with its title for the progress page.</summary>
public sealed record PlannedStep(SetupStepKind Kind, string Title);

/// <summary>What a mode restricts: the setup's request and settings, and the group's identities once Exchange gave them.</summary>
public sealed record RestrictionTarget(SetupRequest Request, SetupOptions Options, string? GroupIdentity, string? GroupDistinguishedName)
{
    /// <summary>Identity for commands on the group: its directory id once known, else its address.</summary>
    public string Group => GroupIdentity ?? Request.GroupAddress;
}

/// <summary>One access test read: whether Exchange answered as expected, and both answers in the mode's words.</summary>
public sealed record AccessVerdict(bool AsExpected, string Expected, string Actual);

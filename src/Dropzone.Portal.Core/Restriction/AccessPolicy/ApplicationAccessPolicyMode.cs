namespace Dropzone.Portal.Core.Restriction.AccessPolicy;

/// <summary>
/// <c>New-ApplicationAccessPolicy -AccessRight RestrictAccess</c> scoped to the group: Exchange refuses the
/// application's calls to any mailbox outside it, whatever Entra granted. The method of Dropzone's guide.
/// </summary>
public sealed class ApplicationAccessPolicyMode : IRestrictionMode
{
    public RestrictionMode Name => RestrictionMode.ApplicationAccessPolicy;

    public string Code => "aap";

    public string Label => "Application access policy";

    public string Help =>
        "New-ApplicationAccessPolicy -AccessRight RestrictAccess: Exchange refuses the app's Graph calls to any mailbox outside the group, "
        + "whatever Entra granted. The method of Microsoft's and Dropzone's guide; Microsoft is replacing it with RBAC for Applications.";

    public string AccessTestName => "Test-ApplicationAccessPolicy";

    public IReadOnlyList<string> RoleChoices => [];

    public string Describe(IReadOnlyList<string> roles) => $"{Label} ({AccessPolicyCommands.RestrictAccess})";

    public StepCheck CheckChoices(SetupWizardState state) => StepCheck.Ok;

    public IReadOnlyList<PlannedStep> PlanSteps(SetupRequest request) =>
        [new(EnsureAccessPolicyStep.StepKind, "Restrict the application to the group (application access policy)")];

    public IReadOnlyList<ISetupStep> Steps { get; } = [new EnsureAccessPolicyStep()];

    public IEnumerable<string> ScriptLines(SetupPlan plan, SetupOptions options)
    {
        var r = plan.Request;
        yield return "# 4. Restrict the application to the group's members";
        yield return AccessPolicyCommands.NewPolicy(r).ToPowerShell();
    }

    /// <summary>The policy restricts; the Entra grant is what it narrows, so nothing to warn about.</summary>
    public Task<string?> CheckApplicationAsync(TenantCallLog calls, DirectoryServicePrincipal app, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(null);

    public ExchangeCommand AccessTest(string appId, string mailbox) => AccessPolicyCommands.TestPolicy(appId, mailbox);

    public IEnumerable<ExchangeCommand> Commands(SetupPlan plan, SetupOptions options) =>
        [AccessPolicyCommands.GetPolicies(), AccessPolicyCommands.NewPolicy(plan.Request)];

    public AccessVerdict ReadAccess(ExchangeResult answer, bool expectAccess, RestrictionTarget? target)
    {
        var expected = expectAccess ? "Granted" : "Denied";
        var actual = answer.IsSuccess && answer.FirstRow is { } row
            ? AccessCheckInfo.From(row).AccessCheckResult ?? "(no result)"
            : TenantCallLog.Describe(answer);
        return new(string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase), expected, actual);
    }

    public Task<IReadOnlyList<string>> FindDriftAsync(RestrictionTarget target, TenantCallLog calls, CancellationToken cancellationToken) =>
        AccessPolicyDrift.FindAsync(target, calls, cancellationToken);
}

namespace Dropzone.Portal.Core.Restriction.Rbac;

/// <summary>
/// RBAC for Applications: the application's service principal registered in Exchange, a management scope
/// covering the group's members, and Application roles assigned on that scope. It grants only what the roles
/// say, inside the scope, provided Entra grants nothing tenant-wide (Entra grants add to RBAC).
/// </summary>
public sealed class RbacForApplicationsMode : IRestrictionMode
{
    public RestrictionMode Name => RestrictionMode.RbacForApplications;

    public string Code => "rbac";

    public string Label => "RBAC for Applications";

    public string Help =>
        "Microsoft's recommended replacement: the app's service principal is registered in Exchange, a management scope covers the group's members, "
        + "and Application roles are assigned on that scope. It grants only what the roles say, and only inside the scope — provided Entra grants nothing tenant-wide.";

    public string AccessTestName => "Test-ServicePrincipalAuthorization";

    public IReadOnlyList<string> RoleChoices { get; } =
        ["Application Mail.Read", "Application Mail.ReadBasic", "Application Mail.ReadWrite", "Application Mail.Send"];

    public string Describe(IReadOnlyList<string> roles) => $"{Label} ({string.Join(", ", roles)})";

    public StepCheck CheckChoices(SetupWizardState state)
    {
        var errors = new List<string>();
        var warnings = new List<string>();
        if (state.RbacRoles.Count == 0)
            errors.Add("Choose at least one Application role for RBAC for Applications.");
        else if (state.RbacRoles.FirstOrDefault(r => !RoleChoices.Contains(r)) is { } unknown)
            errors.Add($"\"{unknown}\" is not an Application role the portal can assign.");
        if (string.IsNullOrEmpty(state.AppServicePrincipalId))
            errors.Add("RBAC for Applications needs the app's service principal id: go back to the Application step.");
        if (state.AppUnscopedMailPermissions.Count > 0)
            warnings.Add($"{state.AppDisplayName ?? "The app"} still holds the unscoped Entra permission(s) {string.Join(", ", state.AppUnscopedMailPermissions)}. "
                + "Entra grants are tenant-wide and are added to RBAC: the management scope would restrict nothing until an Entra admin removes that grant (Enterprise applications → Permissions).");
        return new StepCheck(errors, warnings);
    }

    public IReadOnlyList<PlannedStep> PlanSteps(SetupRequest request) =>
    [
        new(EnsureServicePrincipalStep.StepKind, "Register the application's service principal in Exchange"),
        new(EnsureManagementScopeStep.StepKind, "Create the management scope on the group"),
        new(EnsureRoleAssignmentsStep.StepKind, $"Assign {string.Join(", ", request.RbacRoles)} within the scope"),
    ];

    public IReadOnlyList<ISetupStep> Steps { get; } = [new EnsureServicePrincipalStep(), new EnsureManagementScopeStep(), new EnsureRoleAssignmentsStep()];

    public IEnumerable<string> ScriptLines(SetupPlan plan, SetupOptions options)
    {
        var r = plan.Request;
        yield return "# 4. RBAC for Applications: service principal, management scope on the group, role assignments";
        yield return RbacCommands.NewServicePrincipal(r, r.RestrictedAppServicePrincipalId ?? "<service principal object id>").ToPowerShell();
        // The scope's filter needs the group's DistinguishedName, which only Exchange knows: the script reads it.
        yield return $"$groupDn = (Get-DistributionGroup -Identity {ExchangeCommand.QuotePowerShell(r.GroupAddress)}).DistinguishedName";
        var scope = ExchangeCommand.QuotePowerShell(RbacCommands.ScopeName(r, options));
        yield return $"New-ManagementScope -Name {scope} -RecipientRestrictionFilter (\"MemberOfGroup -eq '{{0}}'\" -f ($groupDn -replace \"'\", \"''\"))";
        foreach (var role in r.RbacRoles)
        {
            yield return RbacCommands.NewAssignment(r, options, role).ToPowerShell();
        }
    }

    /// <summary>RBAC grants add to Entra consent: an unscoped Mail.* application grant would make the scope restrict nothing.</summary>
    public async Task<string?> CheckApplicationAsync(TenantCallLog calls, DirectoryServicePrincipal app, CancellationToken cancellationToken)
    {
        try
        {
            var grants = await calls.CallDirectoryAsync($"GET /servicePrincipals/{app.Id}/appRoleAssignments", d => d.GetAppRoleGrantsAsync(app.Id, cancellationToken));
            var unscoped = Access.MailPermissions.UnscopedNames(grants.Select(g => g.AppRoleId));
            return unscoped.Count > 0
                ? $"WARNING: it still holds the tenant-wide Entra permission(s) {string.Join(", ", unscoped)}, "
                    + "so the RBAC scope will restrict nothing until an administrator removes them (Entra ID > Enterprise applications > the app > Permissions)."
                : null;
        }
        catch (DirectoryException ex)
        {
            calls.Note($"The application's Entra grants could not be read: {ex.Message}");
            return null;
        }
    }

    public ExchangeCommand AccessTest(string appId, string mailbox) => RbacCommands.TestAuthorization(appId, mailbox);

    /// <summary>Stands in for the group's distinguished name in the scope filter; Exchange tells it only once the group exists.</summary>
    internal const string GroupDistinguishedNameExample = "CN=Dropzone scope,OU=contoso.onmicrosoft.com,OU=Microsoft Exchange Hosted Organizations,DC=EURPR01A001,DC=prod,DC=outlook,DC=com";

    public IEnumerable<ExchangeCommand> Commands(SetupPlan plan, SetupOptions options)
    {
        var r = plan.Request;
        return
        [
            RbacCommands.GetServicePrincipal(r),
            RbacCommands.NewServicePrincipal(r, r.RestrictedAppServicePrincipalId ?? Guid.Empty.ToString()),
            RbacCommands.GetScope(r, options),
            RbacCommands.NewScope(r, options, GroupDistinguishedNameExample),
            .. r.RbacRoles.SelectMany(role => new[] { RbacCommands.GetAssignment(r, options, role), RbacCommands.NewAssignment(r, options, role) }),
        ];
    }

    public AccessVerdict ReadAccess(ExchangeResult answer, bool expectAccess, RestrictionTarget? target)
    {
        var expected = expectAccess ? "InScope" : "Not in scope";
        if (!answer.IsSuccess)
        {
            return new(false, expected, TenantCallLog.Describe(answer));
        }

        var rows = answer.Rows.Select(ServicePrincipalAuthorizationInfo.From).ToList();
        var granting = rows.Where(r => r.InScope == true).ToList();
        if (!expectAccess)
        {
            return new(granting.Count == 0, expected, granting.Count > 0 ? $"InScope ({string.Join(", ", granting.Select(r => r.RoleName))})" : "Not in scope");
        }

        if (target is null)
        {
            return new(granting.Count > 0, expected, granting.Count > 0 ? "InScope" : "Not in scope");
        }

        // A member must be in scope through this group's own scope, not through some other assignment.
        var scopeName = RbacCommands.ScopeName(target.Request, target.Options);
        var ours = rows.Where(r => string.Equals(r.AllowedResourceScope, scopeName, StringComparison.OrdinalIgnoreCase)).ToList();
        var passed = ours.Count > 0 && ours.All(r => r.InScope == true);
        return new(passed, expected, ours.Count == 0 ? "No role assignment in the group's scope" : passed ? "InScope" : "Not in scope");
    }

    public Task<IReadOnlyList<string>> FindDriftAsync(RestrictionTarget target, TenantCallLog calls, CancellationToken cancellationToken) =>
        RbacDrift.FindAsync(target, calls, cancellationToken);
}

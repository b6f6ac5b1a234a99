namespace Dropzone.TenantEmulator.Exchange;

/// <summary>Application access policies and RBAC for Applications, with their evaluation computed from the state.</summary>
internal static partial class AccessCmdlets
{
    public const int PolicyLimit = 300;

    /// <summary>The application roles of RBAC for Applications and the Graph permission each grants.</summary>
    private static readonly Dictionary<string, string> ApplicationRoles = new(
        SingleGrantRoles.Select(permission => KeyValuePair.Create("Application " + permission, permission))
            .Concat(
            [
                KeyValuePair.Create("Application Mail Full Access", "Mail.ReadWrite, Mail.Send"),
                KeyValuePair.Create("Application Exchange Full Access", "Mail.ReadWrite, Mail.Send, MailboxSettings.ReadWrite, Calendars.ReadWrite, Contacts.ReadWrite"),
            ]),
        StringComparer.OrdinalIgnoreCase);

    /// <summary>The permissions whose role is named "Application " and the permission, and grants just that.</summary>
    private static string[] SingleGrantRoles =>
    [
        "Mail.Read", "Mail.ReadBasic", "Mail.ReadWrite", "Mail.Send", "MailboxSettings.Read", "MailboxSettings.ReadWrite",
        "Calendars.Read", "Calendars.ReadWrite", "Contacts.Read", "Contacts.ReadWrite", "EWS.AccessAsApp",
    ];

    public static IEnumerable<CmdletDefinition> All =>
    [
        new("New-ApplicationAccessPolicy", ["AppId*", "PolicyScopeGroupId*", "AccessRight*", "Description"], NewPolicy),
        new("Get-ApplicationAccessPolicy", ["Identity"], GetPolicies),
        new("Set-ApplicationAccessPolicy", ["Identity*", "Description"], SetPolicy),
        new("Remove-ApplicationAccessPolicy", ["Identity*"], RemovePolicy),
        new("Test-ApplicationAccessPolicy", ["Identity*", "AppId*"], TestPolicy),
        new("New-ServicePrincipal", ["AppId*", "ObjectId", "ServiceId", "DisplayName"], NewServicePrincipal),
        new("Get-ServicePrincipal", ["Identity"], GetServicePrincipals),
        new("Remove-ServicePrincipal", ["Identity*"], RemoveServicePrincipal),
        new("New-ManagementScope", ["Name*", "RecipientRestrictionFilter*"], NewScope),
        new("Get-ManagementScope", ["Identity"], GetScopes),
        new("Remove-ManagementScope", ["Identity*"], RemoveScope),
        new("New-ManagementRoleAssignment", ["Name", "Role*", "App*", "CustomResourceScope"], NewAssignment),
        new("Get-ManagementRoleAssignment", ["Identity", "RoleAssignee", "Role"], GetAssignments),
        new("Remove-ManagementRoleAssignment", ["Identity*"], RemoveAssignment),
        new("Test-ServicePrincipalAuthorization", ["Identity*", "Resource"], TestServicePrincipal),
    ];

    // ---- Application access policies

    private static IEnumerable<JsonObject> NewPolicy(CmdletContext c)
    {
        var p = c.Parameters;
        var appId = p.Required("AppId");
        if (!Guid.TryParse(appId, out _))
        {
            throw ExchangeCmdletException.BadParameter($"Cannot bind parameter 'AppId'. \"{appId}\" isn't a valid application id.", ExchangeCmdletException.ParameterBinding);
        }
        var accessRight = p.Required("AccessRight");
        if (accessRight is not ("RestrictAccess" or "DenyAccess"))
        {
            throw ExchangeCmdletException.BadParameter($"Cannot bind parameter 'AccessRight'. Cannot convert value \"{accessRight}\" to type \"Microsoft.Exchange.Data.ApplicationAccessPolicyAccessRight\".", ExchangeCmdletException.ParameterBinding);
        }
        var scope = c.Recipient(p.Required("PolicyScopeGroupId"));
        if (scope.Kind is not (RecipientKind.UserMailbox or RecipientKind.SharedMailbox or RecipientKind.MailUniversalSecurityGroup))
        {
            throw ExchangeCmdletException.BadParameter($"The PolicyScopeGroupId \"{scope.Name}\" must be a mailbox, a mail user or a mail-enabled security group; it is a {scope.Kind}.",
                ExchangeCmdletException.DataValidation);
        }
        if (c.State.Policies.Any(x => TenantState.Eq(x.AppId, appId) && x.ScopeId == scope.Id))
        {
            throw new ExchangeCmdletException(400, ExchangeCmdletException.AlreadyExists,
                $"An application access policy for app {appId} and scope \"{scope.Name}\" already exists.", ErrorDetailForm.ErrorIdPipe);
        }
        if (c.State.Policies.Count >= PolicyLimit)
        {
            throw ExchangeCmdletException.BadParameter("The total size of App Access Policies exceeded the limit.", ExchangeCmdletException.DataValidation);
        }
        var policy = new AccessPolicy
        {
            AppId = appId.ToLowerInvariant(),
            ScopeId = scope.Id,
            ScopeName = scope.Name,
            ScopeDisplayName = scope.DisplayName,
            ScopeRaw = $"{scope.Sid};{scope.ExchangeGuid}",
            AccessRight = accessRight,
            Description = p.Text("Description"),
            EffectiveFrom = c.State.Now + c.State.Faults.GraphEnforcementDelay,
        };
        c.State.Policies.Add(policy);
        return [ExchangeShapes.Policy(policy, scopeExists: true)];
    }

    private static IEnumerable<JsonObject> GetPolicies(CmdletContext c)
    {
        var identity = c.Parameters.Text("Identity");
        if (identity is null)
        {
            return c.State.Policies.Select(x => ExchangeShapes.Policy(x, c.State.FindById(x.ScopeId) is not null));
        }
        var policy = FindPolicy(c, identity);
        return [ExchangeShapes.Policy(policy, c.State.FindById(policy.ScopeId) is not null)];
    }

    private static IEnumerable<JsonObject> SetPolicy(CmdletContext c)
    {
        var policy = FindPolicy(c, c.Parameters.Required("Identity"));
        policy.Description = c.Parameters.Text("Description");
        return [];
    }

    private static IEnumerable<JsonObject> RemovePolicy(CmdletContext c)
    {
        c.State.Policies.Remove(FindPolicy(c, c.Parameters.Required("Identity")));
        return [];
    }

    private static IEnumerable<JsonObject> TestPolicy(CmdletContext c)
    {
        var mailbox = c.Recipient(c.Parameters.Required("Identity"));
        var appId = c.Parameters.Required("AppId");
        return
        [
            new JsonObject
            {
                ["AppId"] = appId,
                ["Mailbox"] = mailbox.Name,
                ["MailboxId"] = mailbox.ExchangeGuid.ToString(),
                ["MailboxSid"] = mailbox.Sid,
                // Test-* read the configuration itself: a change shows at once, however long Graph keeps the old behaviour.
                ["AccessCheckResult"] = AccessEvaluation.IsGrantedByPolicies(c.State, appId, mailbox, AccessEvaluation.Configured) ? "Granted" : "Denied",
            },
        ];
    }

    /// <summary>Identity: the full <c>tid\appId:sid;guid</c> form, or the app id when it has one policy.</summary>
    private static AccessPolicy FindPolicy(CmdletContext c, string identity)
    {
        var matches = c.State.Policies.Where(x => TenantState.Eq(ExchangeShapes.PolicyIdentity(x), identity) || TenantState.Eq(x.AppId, identity)).ToList();
        return matches.Count == 1 ? matches[0] : throw ExchangeCmdletException.ObjectNotFound(identity);
    }

    // ---- RBAC for Applications

    private static IEnumerable<JsonObject> NewServicePrincipal(CmdletContext c)
    {
        var p = c.Parameters;
        var appId = p.Required("AppId");
        var objectId = p.Text("ObjectId") ?? p.Required("ServiceId");
        var entra = c.State.FindApp(appId);
        if (entra is null || !TenantState.Eq(entra.ServicePrincipalId, objectId))
        {
            throw ExchangeCmdletException.BadParameter($"The service principal with AppId {appId} and ObjectId {objectId} wasn't found in Microsoft Entra ID. Use the enterprise application's object id, not the app registration's.",
                ExchangeCmdletException.TaskArgument);
        }
        if (c.State.ExchangeServicePrincipals.Any(x => TenantState.Eq(x.AppId, appId) || TenantState.Eq(x.ObjectId, objectId)))
        {
            throw new ExchangeCmdletException(400, ExchangeCmdletException.AlreadyExists,
                $"The service principal \"{objectId}\" already exists.", ErrorDetailForm.ErrorIdPipe);
        }
        var sp = new ExchangeServicePrincipal { AppId = entra.AppId, ObjectId = entra.ServicePrincipalId, DisplayName = p.Text("DisplayName") ?? entra.DisplayName, ObjectGuid = c.State.NewId() };
        c.State.ExchangeServicePrincipals.Add(sp);
        return [ExchangeShapes.ServicePrincipal(sp)];
    }

    private static IEnumerable<JsonObject> GetServicePrincipals(CmdletContext c)
    {
        var identity = c.Parameters.Text("Identity");
        return identity is null
            ? c.State.ExchangeServicePrincipals.Select(ExchangeShapes.ServicePrincipal)
            : [ExchangeShapes.ServicePrincipal(FindServicePrincipal(c, identity))];
    }

    private static IEnumerable<JsonObject> RemoveServicePrincipal(CmdletContext c)
    {
        var sp = FindServicePrincipal(c, c.Parameters.Required("Identity"));
        c.State.ExchangeServicePrincipals.Remove(sp);
        c.State.RoleAssignments.RemoveAll(a => a.AppObjectId == sp.ObjectId);
        return [];
    }

    private static ExchangeServicePrincipal FindServicePrincipal(CmdletContext c, string identity) =>
        c.State.ExchangeServicePrincipals.Find(x => TenantState.Eq(x.ObjectId, identity) || TenantState.Eq(x.AppId, identity) || TenantState.Eq(x.DisplayName, identity))
        ?? throw ExchangeCmdletException.ObjectNotFound(identity);

    private static IEnumerable<JsonObject> NewScope(CmdletContext c)
    {
        var name = c.Parameters.Required("Name");
        var filter = c.Parameters.Required("RecipientRestrictionFilter");
        var match = MemberOfGroupFilter().Match(filter);
        if (!match.Success)
        {
            throw ExchangeCmdletException.BadParameter($"The emulator understands only \"MemberOfGroup -eq '<group DistinguishedName>'\"; got \"{filter}\".", "Microsoft.Exchange.Data.InvalidFilterException");
        }
        var dn = match.Groups["dn"].Value;
        if (!c.State.Objects.Any(o => o.IsGroup && TenantState.Eq(o.DistinguishedName, dn)))
        {
            throw ExchangeCmdletException.BadParameter($"The recipient filter refers to \"{dn}\", which isn't the DistinguishedName of a group.", ExchangeCmdletException.DataValidation);
        }
        if (c.State.Scopes.Any(s => TenantState.Eq(s.Name, name)))
        {
            throw new ExchangeCmdletException(400, ExchangeCmdletException.AlreadyExists, $"The management scope \"{name}\" already exists.", ErrorDetailForm.ErrorIdPipe);
        }
        var scope = new ManagementScope { Name = name, RecipientRestrictionFilter = filter, MemberOfGroupDn = dn, ObjectGuid = c.State.NewId(), EffectiveFrom = c.State.Now + c.State.Faults.GraphEnforcementDelay };
        c.State.Scopes.Add(scope);
        return [ExchangeShapes.Scope(scope)];
    }

    private static IEnumerable<JsonObject> GetScopes(CmdletContext c)
    {
        var identity = c.Parameters.Text("Identity");
        return identity is null ? c.State.Scopes.Select(ExchangeShapes.Scope) : [ExchangeShapes.Scope(FindScope(c, identity))];
    }

    private static IEnumerable<JsonObject> RemoveScope(CmdletContext c)
    {
        var scope = FindScope(c, c.Parameters.Required("Identity"));
        if (c.State.RoleAssignments.Any(a => TenantState.Eq(a.CustomResourceScope, scope.Name)))
        {
            throw ExchangeCmdletException.BadParameter($"The management scope \"{scope.Name}\" can't be removed because role assignments use it.", ExchangeCmdletException.TaskArgument);
        }
        c.State.Scopes.Remove(scope);
        return [];
    }

    private static ManagementScope FindScope(CmdletContext c, string identity) =>
        c.State.Scopes.Find(s => TenantState.Eq(s.Name, identity) || TenantState.Eq(s.ObjectGuid.ToString(), identity)) ?? throw ExchangeCmdletException.ObjectNotFound(identity);

    private static IEnumerable<JsonObject> NewAssignment(CmdletContext c)
    {
        var p = c.Parameters;
        var role = p.Required("Role");
        if (!ApplicationRoles.ContainsKey(role))
        {
            throw ExchangeCmdletException.ObjectNotFound(role);
        }
        var sp = FindServicePrincipal(c, p.Required("App"));
        var scopeName = p.Text("CustomResourceScope");
        var scope = scopeName is null ? null : FindScope(c, scopeName);
        var name = p.Text("Name") ?? $"{role}-{sp.DisplayName}";
        if (c.State.RoleAssignments.Any(a => TenantState.Eq(a.Name, name)))
        {
            throw new ExchangeCmdletException(400, ExchangeCmdletException.AlreadyExists, $"The role assignment \"{name}\" already exists.", ErrorDetailForm.ErrorIdPipe);
        }
        var assignment = new ManagementRoleAssignment
        {
            Name = name,
            Role = ApplicationRoles.Keys.First(k => TenantState.Eq(k, role)),
            AppObjectId = sp.ObjectId,
            CustomResourceScope = scope?.Name ?? "",
            ObjectGuid = c.State.NewId(),
            EffectiveFrom = c.State.Now + c.State.Faults.GraphEnforcementDelay,
        };
        c.State.RoleAssignments.Add(assignment);
        return [ExchangeShapes.RoleAssignment(assignment, sp.DisplayName)];
    }

    private static IEnumerable<JsonObject> GetAssignments(CmdletContext c)
    {
        var identity = c.Parameters.Text("Identity");
        // Exchange Online has no -App here: an app's assignments are listed with -RoleAssignee (its service principal).
        var app = c.Parameters.Text("RoleAssignee") is { } a ? FindServicePrincipal(c, a) : null;
        var role = c.Parameters.Text("Role");
        var rows = c.State.RoleAssignments
            .Where(x => identity is null || TenantState.Eq(x.Name, identity))
            .Where(x => app is null || x.AppObjectId == app.ObjectId)
            .Where(x => role is null || TenantState.Eq(x.Role, role))
            .Select(x => ExchangeShapes.RoleAssignment(x, c.State.ExchangeServicePrincipals.Find(s => s.ObjectId == x.AppObjectId)?.DisplayName))
            .ToList();
        return identity is not null && rows.Count == 0 ? throw ExchangeCmdletException.ObjectNotFound(identity) : rows;
    }

    private static IEnumerable<JsonObject> RemoveAssignment(CmdletContext c)
    {
        var identity = c.Parameters.Required("Identity");
        var assignment = c.State.RoleAssignments.Find(x => TenantState.Eq(x.Name, identity) || TenantState.Eq(x.ObjectGuid.ToString(), identity))
            ?? throw ExchangeCmdletException.ObjectNotFound(identity);
        c.State.RoleAssignments.Remove(assignment);
        return [];
    }

    /// <summary>One row per role assignment of the app; InScope says whether the mailbox is in the assignment's scope.</summary>
    private static IEnumerable<JsonObject> TestServicePrincipal(CmdletContext c)
    {
        var sp = FindServicePrincipal(c, c.Parameters.Required("Identity"));
        var resource = c.Parameters.Text("Resource") is { } r ? c.Recipient(r) : null;
        return AccessEvaluation.EffectiveAssignments(c.State, sp.ObjectId, AccessEvaluation.Configured).Select(a => new JsonObject
        {
            ["RoleName"] = a.Role,
            ["GrantedPermissions"] = ApplicationRoles[a.Role],
            ["AllowedResourceScope"] = a.CustomResourceScope.Length > 0 ? a.CustomResourceScope : "Organization",
            ["ScopeType"] = a.CustomResourceScope.Length > 0 ? "CustomRecipientScope" : "Organization",
            ["InScope"] = resource is null ? null : AccessEvaluation.IsInAssignmentScope(c.State, a, resource, AccessEvaluation.Configured),
        }).ToList();
    }

    [GeneratedRegex("""^\s*MemberOfGroup\s+-eq\s+(['"])(?<dn>.+)\1\s*$""", RegexOptions.IgnoreCase)]
    private static partial Regex MemberOfGroupFilter();
}

/// <summary>
/// How Exchange decides what an app may read; shared by the Test-* cmdlets, Graph and the control surface. Each
/// question is asked as of an instant: <see cref="Configured"/> (the configuration as it stands, what Test-* report)
/// or now (what Graph enforces, which lags by <see cref="EmulatorFaults.GraphEnforcementDelay"/>).
/// </summary>
public static class AccessEvaluation
{
    /// <summary>Every change counts, however recent: the instant Test-* answer as of.</summary>
    public static readonly DateTimeOffset Configured = DateTimeOffset.MaxValue;

    /// <summary>DenyAccess beats RestrictAccess; RestrictAccess grants only its scope; with no policy everything is granted.</summary>
    internal static bool IsGrantedByPolicies(TenantState state, string appId, DirectoryObject mailbox, DateTimeOffset asOf)
    {
        var policies = state.Policies.Where(p => TenantState.Eq(p.AppId, appId) && p.EffectiveFrom <= asOf).ToList();
        if (policies.Any(p => p.AccessRight == "DenyAccess" && InPolicyScope(state, p, mailbox)))
        {
            return false;
        }
        var restricts = policies.Where(p => p.AccessRight == "RestrictAccess").ToList();
        return restricts.Count == 0 || restricts.Any(p => InPolicyScope(state, p, mailbox));
    }

    private static bool InPolicyScope(TenantState state, AccessPolicy policy, DirectoryObject mailbox) =>
        policy.ScopeId == mailbox.Id || state.FindById(policy.ScopeId) is { IsGroup: true } group && group.Members.Contains(mailbox.Id);

    /// <summary>The RBAC for Applications roles that let an app read messages through Graph (EWS.AccessAsApp is EWS only).</summary>
    internal static bool ReadsMessages(string role) => role is "Application Mail.Read" or "Application Mail.ReadBasic" or "Application Mail.ReadWrite"
        or "Application Mail Full Access" or "Application Exchange Full Access";

    internal static IEnumerable<ManagementRoleAssignment> EffectiveAssignments(TenantState state, string appObjectId, DateTimeOffset asOf) =>
        state.RoleAssignments.Where(a => a.AppObjectId == appObjectId && a.EffectiveFrom <= asOf);

    /// <summary>MemberOfGroup matches direct members only, as Exchange's filter does.</summary>
    internal static bool IsInAssignmentScope(TenantState state, ManagementRoleAssignment assignment, DirectoryObject mailbox, DateTimeOffset asOf)
    {
        if (assignment.CustomResourceScope.Length == 0)
        {
            return true;
        }
        var scope = state.Scopes.Find(s => s.Name == assignment.CustomResourceScope);
        if (scope is null || scope.EffectiveFrom > asOf)
        {
            return false;
        }
        var group = state.Objects.Find(o => o.IsGroup && TenantState.Eq(o.DistinguishedName, scope.MemberOfGroupDn));
        return group is not null && group.Members.Contains(mailbox.Id);
    }
}

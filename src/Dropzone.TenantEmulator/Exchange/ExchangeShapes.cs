namespace Dropzone.TenantEmulator.Exchange;

/// <summary>Objects as the admin API returns them (the property names of the cmdlets' output types).</summary>
internal static class ExchangeShapes
{
    public static JsonObject Recipient(DirectoryObject o) => new()
    {
        ["Identity"] = o.Name,
        ["Name"] = o.Name,
        ["DisplayName"] = o.DisplayName,
        ["Alias"] = o.Alias,
        ["PrimarySmtpAddress"] = o.PrimarySmtpAddress,
        ["EmailAddresses"] = new JsonArray([.. o.AllSmtpAddresses.Select((a, i) => (JsonNode)((i == 0 ? "SMTP:" : "smtp:") + a))]),
        ["RecipientType"] = RecipientType(o.Kind),
        ["RecipientTypeDetails"] = o.Kind.ToString(),
        ["ExternalDirectoryObjectId"] = o.Id.ToString(),
        ["Guid"] = o.ExchangeGuid.ToString(),
        ["DistinguishedName"] = o.DistinguishedName,
        ["WhenCreatedUTC"] = o.CreatedAt.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
    };

    public static JsonObject Mailbox(DirectoryObject o)
    {
        var row = Recipient(o);
        row["UserPrincipalName"] = o.UserPrincipalName;
        row["ExchangeGuid"] = o.ExchangeGuid.ToString();
        row["Sid"] = o.Sid;
        return row;
    }

    public static JsonObject Group(DirectoryObject g, TenantState state)
    {
        var row = Recipient(g);
        row["ManagedBy"] = new JsonArray([.. g.ManagedBy.Select(id => (JsonNode?)(state.FindById(id)?.Name ?? id.ToString()))]);
        row["GroupType"] = g.Kind == RecipientKind.MailUniversalSecurityGroup ? "Universal, SecurityEnabled" : "Universal";
        row["RequireSenderAuthenticationEnabled"] = g.RequireSenderAuthenticationEnabled;
        row["MemberJoinRestriction"] = g.MemberJoinRestriction;
        row["MemberDepartRestriction"] = "Closed";
        row["Description"] = new JsonArray([.. (g.Description is null ? [] : new[] { (JsonNode)g.Description })]);
        row["IsDirSynced"] = false;
        return row;
    }

    public static JsonObject AcceptedDomain(string domain, bool isDefault, bool isInitial) => new()
    {
        ["Identity"] = domain,
        ["Name"] = domain,
        ["DomainName"] = domain,
        ["DomainType"] = "Authoritative",
        ["Default"] = isDefault,
        ["InitialDomain"] = isInitial,
    };

    public static string PolicyIdentity(AccessPolicy p) => $"{DemoTenant.TenantId}\\{p.AppId}:{p.ScopeRaw}";

    /// <summary>IsValid turns false when the scope object no longer exists.</summary>
    public static JsonObject Policy(AccessPolicy p, bool scopeExists) => new()
    {
        ["Identity"] = PolicyIdentity(p),
        ["AppId"] = p.AppId,
        ["ScopeName"] = p.ScopeName,
        ["ScopeIdentity"] = p.ScopeDisplayName,
        ["ScopeIdentityRaw"] = p.ScopeRaw,
        ["Description"] = p.Description,
        ["AccessRight"] = p.AccessRight,
        ["ShardType"] = "All",
        ["IsValid"] = scopeExists,
        ["ObjectState"] = "Unchanged",
    };

    public static JsonObject ServicePrincipal(ExchangeServicePrincipal sp) => new()
    {
        ["Identity"] = sp.ObjectId,
        ["Name"] = sp.ObjectId,
        ["AppId"] = sp.AppId,
        ["ObjectId"] = sp.ObjectId,
        ["DisplayName"] = sp.DisplayName,
        ["Guid"] = sp.ObjectGuid.ToString(),
    };

    public static JsonObject Scope(ManagementScope s) => new()
    {
        ["Identity"] = s.Name,
        ["Name"] = s.Name,
        ["RecipientRestrictionFilter"] = s.RecipientRestrictionFilter,
        ["RecipientRoot"] = null,
        ["ScopeRestrictionType"] = "RecipientScope",
        ["Exclusive"] = false,
        ["Guid"] = s.ObjectGuid.ToString(),
    };

    public static JsonObject RoleAssignment(ManagementRoleAssignment a, string? appDisplayName) => new()
    {
        ["Identity"] = a.Name,
        ["Name"] = a.Name,
        ["Role"] = a.Role,
        ["RoleAssignee"] = a.AppObjectId,
        ["RoleAssigneeName"] = appDisplayName ?? a.AppObjectId,
        ["RoleAssigneeType"] = "ServicePrincipal",
        ["CustomResourceScope"] = a.CustomResourceScope,
        ["RecipientWriteScope"] = "CustomRecipientScope",
        ["Enabled"] = true,
        ["Guid"] = a.ObjectGuid.ToString(),
    };

    private static string RecipientType(RecipientKind kind) => kind switch
    {
        RecipientKind.SharedMailbox => "UserMailbox",
        RecipientKind.None => "User",
        _ => kind.ToString(),
    };
}

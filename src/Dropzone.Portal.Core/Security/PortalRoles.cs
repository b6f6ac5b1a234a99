namespace Dropzone.Portal.Core.Security;

/// <summary>App roles defined on the portal's app registration (the <c>roles</c> claim).</summary>
public static class PortalRoles
{
    /// <summary>Runs setups, manages every group, decides any request, sees all audit.</summary>
    public const string Admin = "Portal.Admin";

    /// <summary>Read-only: groups, runs and the audit history.</summary>
    public const string Auditor = "Portal.Auditor";
}

/// <summary>Authorization policy names used by pages and endpoints.</summary>
public static class PortalPolicies
{
    /// <summary>Portal.Admin only.</summary>
    public const string Admin = "Portal.Policy.Admin";

    /// <summary>Portal.Admin or Portal.Auditor: read groups, runs and audit.</summary>
    public const string ReadAll = "Portal.Policy.ReadAll";

    /// <summary>The audit history: admins and auditors (everything), owners (entries of their own groups).</summary>
    public const string ReadAudit = "Portal.Policy.ReadAudit";

    /// <summary>Effective access: admins and auditors (every group), owners (their own groups, checked per group).</summary>
    public const string ViewAccess = "Portal.Policy.ViewAccess";

    /// <summary>Any signed-in user of the tenant.</summary>
    public const string SignedIn = "Portal.Policy.SignedIn";
}

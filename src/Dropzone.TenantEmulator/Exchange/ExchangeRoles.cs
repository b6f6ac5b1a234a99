namespace Dropzone.TenantEmulator.Exchange;

/// <summary>
/// Which cmdlets an app's Entra directory roles let it run. Exchange Administrator maps to Organization Management
/// (every cmdlet here); Exchange Recipient Administrator maps to Recipient Management, which manages groups and
/// recipients but not application access policies, service principals, management scopes or role assignments.
/// An app with the permission but no role at all gets the measured 403; a role without the cmdlet gets 401
/// "User is not allowed to call &lt;cmdlet&gt;" (MicrosoftDocs/office-docs-powershell#7970).
/// </summary>
internal static class ExchangeRoles
{
    public const string RecipientAdministrator = "Exchange Recipient Administrator";

    private static readonly HashSet<string> RecipientManagement = new(GroupCmdlets.All.Select(c => c.Name), StringComparer.OrdinalIgnoreCase);

    public static bool HasExchangeRole(AppRegistration app) =>
        app.DirectoryRoles.Contains(TenantState.ExchangeAdministratorRole) || app.DirectoryRoles.Contains(RecipientAdministrator);

    public static bool Allows(AppRegistration app, string cmdlet) =>
        app.DirectoryRoles.Contains(TenantState.ExchangeAdministratorRole)
        || app.DirectoryRoles.Contains(RecipientAdministrator) && RecipientManagement.Contains(cmdlet);

    /// <summary>What the EXOModuleFile manifest exports to this app: the cmdlets its roles allow.</summary>
    public static IEnumerable<string> Exported(AppRegistration app) =>
        ExchangeAdminService.CmdletNames.Where(c => Allows(app, c)).Order(StringComparer.Ordinal);
}

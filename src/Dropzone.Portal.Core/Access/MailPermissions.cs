namespace Dropzone.Portal.Core.Access;

/// <summary>What a grant lets the application do in a mailbox. Reading is what the portal confines; sending is reported beside it.</summary>
[Flags]
public enum MailAbility
{
    None = 0,
    Read = 1,
    Send = 2,
}

/// <summary>The way an application reaches a mailbox: Microsoft Graph, or Exchange Web Services.</summary>
public enum MailChannel
{
    Graph,
    Ews,
}

/// <summary>An Entra application permission (app role on a resource) that reaches mailbox contents in every mailbox of the tenant.</summary>
public sealed record EntraMailPermission(string Name, string ResourceAppId, Guid AppRoleId, MailChannel Channel, MailAbility Ability);

/// <summary>
/// The Entra application permissions and the RBAC for Applications roles that reach mail. docs/effective-access.md
/// says why these and not others: calendar, contact and mailbox-settings permissions do not read messages, and the
/// Outlook REST roles on Exchange Online were retired with that API.
/// </summary>
public static class MailPermissions
{
    public const string ExchangeOnlineAppId = "00000002-0000-0ff1-ce00-000000000000";

    public static readonly EntraMailPermission MailRead = new("Mail.Read", MicrosoftGraph.AppId, new("810c84a8-4a9e-49e6-bf7d-12d183f40d01"), MailChannel.Graph, MailAbility.Read);
    public static readonly EntraMailPermission MailReadBasic = new("Mail.ReadBasic", MicrosoftGraph.AppId, new("6be147d2-ea4f-4b5a-a3fa-3eab6f3c140a"), MailChannel.Graph, MailAbility.Read);
    public static readonly EntraMailPermission MailReadBasicAll = new("Mail.ReadBasic.All", MicrosoftGraph.AppId, new("693c5e45-0940-467d-9b8a-1022fb9d42ef"), MailChannel.Graph, MailAbility.Read);
    public static readonly EntraMailPermission MailReadWrite = new("Mail.ReadWrite", MicrosoftGraph.AppId, new("e2a3a72e-5f79-4c64-b1b1-878b674786c9"), MailChannel.Graph, MailAbility.Read);
    public static readonly EntraMailPermission MailSend = new("Mail.Send", MicrosoftGraph.AppId, new("b633e1c5-b582-4048-a93e-9f11b44c7e96"), MailChannel.Graph, MailAbility.Send);
    public static readonly EntraMailPermission FullAccessAsApp = new("full_access_as_app", ExchangeOnlineAppId, new("dc890d15-9560-4a4c-9b7f-a736ec74ec40"), MailChannel.Ews, MailAbility.Read | MailAbility.Send);

    public static IReadOnlyList<EntraMailPermission> Entra { get; } = [MailRead, MailReadBasic, MailReadBasicAll, MailReadWrite, MailSend, FullAccessAsApp];

    /// <summary>The Entra permission with this app role id, or null when it does not reach mail. App role ids are unique across resources.</summary>
    public static EntraMailPermission? FindEntra(Guid appRoleId) => Entra.FirstOrDefault(p => p.AppRoleId == appRoleId);

    /// <summary>
    /// The names of the mail permissions among an application's Entra app-role assignments: each is tenant-wide
    /// (unscoped), whatever RBAC scope is added to it.
    /// </summary>
    public static IReadOnlyList<string> UnscopedNames(IEnumerable<Guid> appRoleIds) =>
        [.. appRoleIds.Select(FindEntra).OfType<EntraMailPermission>().Select(p => p.Name).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>RBAC for Applications roles and what each lets the application do inside its scope.</summary>
    private static readonly Dictionary<string, MailAbility> RbacRoles = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Application Mail.Read"] = MailAbility.Read,
        ["Application Mail.ReadBasic"] = MailAbility.Read,
        ["Application Mail.ReadWrite"] = MailAbility.Read,
        ["Application Mail.Send"] = MailAbility.Send,
        ["Application Mail Full Access"] = MailAbility.Read | MailAbility.Send,
        ["Application Exchange Full Access"] = MailAbility.Read | MailAbility.Send,
        ["Application EWS.AccessAsApp"] = MailAbility.Read | MailAbility.Send,
    };

    /// <summary>What an RBAC for Applications role lets the application do in the mailboxes of its scope (None for calendars, contacts, settings).</summary>
    public static MailAbility RbacAbility(string? role) => role is not null && RbacRoles.TryGetValue(role, out var ability) ? ability : MailAbility.None;

    /// <summary>The channel of an RBAC role: EWS.AccessAsApp is EWS; every other mail role is Graph.</summary>
    public static MailChannel RbacChannel(string role) => role.Contains("EWS", StringComparison.OrdinalIgnoreCase) ? MailChannel.Ews : MailChannel.Graph;
}

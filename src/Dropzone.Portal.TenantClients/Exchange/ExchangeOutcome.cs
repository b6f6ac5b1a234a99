namespace Dropzone.Portal.TenantClients.Exchange;

/// <summary>Which unique property an "already exists" answer is about.</summary>
public enum ConflictingProperty
{
    Name,
    Alias,
    Address,
}

/// <summary>What the portal's app is missing, in terms an admin can grant.</summary>
public enum MissingPermission
{
    /// <summary>401: the token has no Exchange.ManageAsApp role.</summary>
    ExchangeManageAsApp,

    /// <summary>403: the app has the permission but no Exchange Administrator (or equivalent) role, or the cmdlet is not available to it.</summary>
    ExchangeAdministratorRole,

    /// <summary>
    /// 401 "User is not allowed to call &lt;cmdlet&gt;": the app holds Exchange.ManageAsApp, but none of its Exchange
    /// roles includes the cmdlet (named in <see cref="ExchangeOutcome.PermissionMissing.Cmdlet"/>).
    /// </summary>
    ExchangeRoleLacksCmdlet,

    /// <summary>The token could not be obtained at all (wrong client id, secret or certificate).</summary>
    AppCredentials,

    /// <summary>A Microsoft Graph application permission (named in the message).</summary>
    GraphPermission,
}

/// <summary>
/// The meaning of an Exchange answer: a small closed set the domain can act on. The error parser maps
/// every wire variant of EXCHANGE.md onto exactly one of these and never throws.
/// </summary>
public abstract record ExchangeOutcome
{
    // Private: only the nested records below can derive, so a switch over outcomes is exhaustive.
    private ExchangeOutcome(string message) => Message = message;

    /// <summary>Exchange's own words (or ours when it gave none), for the admin and the audit record.</summary>
    public string Message { get; }

    /// <summary>The desired state holds (including the idempotent member outcomes).</summary>
    public bool IsSuccess => this is Success or MemberAlreadyPresent or MemberAbsent;

    /// <summary>Worth trying again later (the client already retried what it safely could).</summary>
    public bool IsTransient => this is Throttled or Transient or Timeout;

    /// <summary>Short stable name for logs and metrics.</summary>
    public string Kind => GetType().Name;

    /// <summary>Exchange's exception type (short name) when the answer named one.</summary>
    public string? ExceptionType { get; init; }

    public sealed record Success() : ExchangeOutcome(string.Empty);

    public sealed record NotFound(string Message) : ExchangeOutcome(Message);

    /// <summary>
    /// The identity matches more than one recipient ("... matches multiple entries"): nothing was looked up or
    /// changed, and the name must be made unique (an address or object id) rather than read as "not found".
    /// </summary>
    public sealed record Ambiguous(string Message) : ExchangeOutcome(Message);

    public sealed record AlreadyExists(ConflictingProperty Property, string Message) : ExchangeOutcome(Message);

    /// <summary>Add-DistributionGroupMember of someone already in the group: the desired state holds.</summary>
    public sealed record MemberAlreadyPresent(string Message) : ExchangeOutcome(Message);

    /// <summary>Remove-DistributionGroupMember of someone not in the group: the desired state holds.</summary>
    public sealed record MemberAbsent(string Message) : ExchangeOutcome(Message);

    public sealed record InvalidInput(string Message) : ExchangeOutcome(Message);

    public sealed record PermissionMissing(MissingPermission Which, string Remedy, string Message) : ExchangeOutcome(Message)
    {
        /// <summary>The cmdlet the app's roles lack, when Exchange named it.</summary>
        public string? Cmdlet { get; init; }
    }

    public sealed record Throttled(TimeSpan? RetryAfter, string Message) : ExchangeOutcome(Message);

    public sealed record Transient(string Message) : ExchangeOutcome(Message);

    /// <summary>No answer in time. For a write the change may or may not have been applied: read back.</summary>
    public sealed record Timeout(string Message) : ExchangeOutcome(Message);

    public sealed record Other(int? StatusCode, string Message) : ExchangeOutcome(Message);
}

/// <summary>Admin-facing remedies, kept in one place so the UI, logs and connection check say the same thing.</summary>
public static class Remedies
{
    public const string ExchangeManageAsApp =
        "The portal's app registration lacks the Exchange.ManageAsApp application permission. In Entra ID, open the " +
        "portal's app registration > API permissions > Add a permission > APIs my organization uses > " +
        "Office 365 Exchange Online > Application permissions > Exchange.ManageAsApp, then Grant admin consent.";

    public const string ExchangeAdministratorRole =
        "The portal's app has no Exchange Administrator role assignment (or the cmdlet is outside its roles). In Entra ID, " +
        "open Roles and administrators > Exchange Administrator > Add assignments and add the portal's app " +
        "(its enterprise application), then allow up to an hour for Exchange to pick it up.";

    public static string ExchangeRoleLacksCmdlet(string cmdlet) =>
        $"The portal's app has Exchange.ManageAsApp, but none of its Exchange roles includes {cmdlet}. In Entra ID, open " +
        "Roles and administrators > Exchange Administrator > Add assignments and add the portal's app (a role such as " +
        "Exchange Recipient Administrator lacks the application access and RBAC cmdlets), then allow up to an hour for Exchange to pick it up.";

    public const string AppCredentials =
        "The portal could not get a token for its app registration. Check AzureAd:TenantId, AzureAd:ClientId and the " +
        "client certificate or secret (expired? uploaded to the app registration?).";

    public static string GraphPermission(string permission) =>
        $"The portal's app registration lacks the Microsoft Graph application permission {permission}. In Entra ID, open the " +
        $"portal's app registration > API permissions > Add a permission > Microsoft Graph > Application permissions > " +
        $"{permission}, then Grant admin consent.";
}

using System.Text.Json.Serialization;

namespace Dropzone.TenantEmulator.State;

/// <summary>Exchange's RecipientTypeDetails values the emulator knows; <see cref="None"/> is a user with no mailbox.</summary>
public enum RecipientKind
{
    None,
    UserMailbox,
    SharedMailbox,
    MailUniversalSecurityGroup,
    MailUniversalDistributionGroup,
}

/// <summary>
/// A directory object as both Entra (id = object id) and Exchange (Guid, alias, addresses) see it.
/// Users and groups share one type because Exchange resolves any of them by the same identities.
/// Mutable, and only touched under the state's lock. Its get-only lists are filled when read from the state file.
/// </summary>
[JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
public sealed class DirectoryObject
{
    public required Guid Id { get; init; }
    public required Guid ExchangeGuid { get; init; }
    public required RecipientKind Kind { get; init; }
    public required string Name { get; set; }
    public required string DisplayName { get; set; }
    public required string Alias { get; set; }
    public required string PrimarySmtpAddress { get; set; }
    public List<string> SecondaryAddresses { get; } = [];
    public required string Sid { get; init; }
    public string? UserPrincipalName { get; init; }
    public string? JobTitle { get; init; }
    public string? Department { get; init; }
    public List<string> PortalRoles { get; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Before this instant, lookups answer "not found" (directory replication).</summary>
    public DateTimeOffset VisibleFrom { get; init; }

    // Group-only fields.
    public List<Guid> ManagedBy { get; } = [];
    public List<Guid> Members { get; } = [];
    public string MemberJoinRestriction { get; set; } = "Closed";
    public bool RequireSenderAuthenticationEnabled { get; set; } = true;
    public string? Description { get; set; }

    [JsonIgnore]
    public bool IsGroup => Kind is RecipientKind.MailUniversalSecurityGroup or RecipientKind.MailUniversalDistributionGroup;
    [JsonIgnore]
    public bool IsMailEnabled => Kind != RecipientKind.None;
    [JsonIgnore]
    public bool IsUser => Kind is RecipientKind.UserMailbox or RecipientKind.SharedMailbox or RecipientKind.None;

    private string? _distinguishedName;
    private string? _distinguishedNameOf;

    /// <summary>Derived from the name, and cached because identity resolution compares it for every object.</summary>
    [JsonIgnore]
    public string DistinguishedName
    {
        get
        {
            if (!ReferenceEquals(_distinguishedNameOf, Name))
            {
                _distinguishedName = $"CN={Name},OU={Directory.DemoTenant.InitialDomain},OU=Microsoft Exchange Hosted Organizations,DC=EURPR01A001,DC=PROD,DC=OUTLOOK,DC=COM";
                _distinguishedNameOf = Name;
            }
            return _distinguishedName!;
        }
    }

    /// <summary>Every string Exchange accepts as this object's -Identity.</summary>
    public IEnumerable<string> IdentityKeys()
    {
        foreach (var key in new[] { UserPrincipalName, Alias, Name, DistinguishedName, DisplayName })
        {
            if (key is not null)
            {
                yield return key;
            }
        }
        foreach (var address in AllSmtpAddresses)
        {
            yield return address;
            yield return "smtp:" + address;
        }
    }

    [JsonIgnore]
    public IEnumerable<string> AllSmtpAddresses => SecondaryAddresses.Prepend(PrimarySmtpAddress);
}

/// <summary>An Entra application permission (app role) on a resource such as Graph or Exchange Online.</summary>
public sealed record AppPermission(string ResourceAppId, string Value, Guid AppRoleId);

/// <summary>An app registration together with its service principal in this tenant.</summary>
[JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)]
public sealed class AppRegistration
{
    public required string AppId { get; init; }
    public required string ServicePrincipalId { get; init; }
    public required string DisplayName { get; init; }
    public List<string> ClientSecrets { get; } = [];
    /// <summary>Public certificates whose private keys may sign client assertions (DER bytes).</summary>
    public List<byte[]> Certificates { get; } = [];
    public List<AppPermission> ApplicationPermissions { get; } = [];
    public List<string> DirectoryRoles { get; } = [];
    /// <summary>App roles users can be assigned (the portal's Portal.Admin/Portal.Auditor).</summary>
    public List<string> AppRoles { get; } = [];
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A well-known Microsoft resource application (Graph, Exchange Online) and the audience of its tokens.</summary>
public sealed record ResourceApp(string AppId, string ServicePrincipalId, string DisplayName, string Audience);

public sealed class AccessPolicy
{
    public required string AppId { get; init; }
    public required Guid ScopeId { get; init; }
    /// <summary>The scope as it was when the policy was made; the policy outlives a removed group, as Exchange's does.</summary>
    public required string ScopeName { get; init; }
    public required string ScopeDisplayName { get; init; }
    public required string ScopeRaw { get; init; }
    public required string AccessRight { get; init; }
    public string? Description { get; set; }
    /// <summary>Policy propagation: evaluation ignores the policy before this instant.</summary>
    public DateTimeOffset EffectiveFrom { get; init; }
}

public sealed class ExchangeServicePrincipal
{
    public required string AppId { get; init; }
    public required string ObjectId { get; init; }
    public required string DisplayName { get; init; }
    public required Guid ObjectGuid { get; init; }
}

public sealed class ManagementScope
{
    public required string Name { get; init; }
    public required string RecipientRestrictionFilter { get; init; }
    /// <summary>The group DN parsed from "MemberOfGroup -eq '&lt;DN&gt;'".</summary>
    public required string MemberOfGroupDn { get; init; }
    public required Guid ObjectGuid { get; init; }
    public DateTimeOffset EffectiveFrom { get; init; }
}

public sealed class ManagementRoleAssignment
{
    public required string Name { get; init; }
    public required string Role { get; init; }
    public required string AppObjectId { get; init; }
    public required string CustomResourceScope { get; init; }
    public required Guid ObjectGuid { get; init; }
    public DateTimeOffset EffectiveFrom { get; init; }
}

public sealed record SentMail(string From, IReadOnlyList<string> To, string Subject, string Body, DateTimeOffset SentAt);

/// <summary>One call received: when it arrived and when it was answered (the difference shows injected latency).</summary>
public sealed record CallRecord(DateTimeOffset ReceivedAt, DateTimeOffset At, string Service, string Method, string Path, string? Operation, int Status);

namespace Dropzone.Portal.TenantClients.Exchange;

/// <summary>
/// Tolerant readers for Exchange's JSON rows. Exchange serialises the same property as a string, a number
/// or a one-element array depending on the cmdlet and version, so each reader accepts all of those.
/// </summary>
public static class ExchangeRows
{
    public static string? GetText(this JsonElement row, string property)
    {
        if (row.ValueKind != JsonValueKind.Object || !row.TryGetProperty(property, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            JsonValueKind.Array when value.GetArrayLength() > 0 => value[0].ValueKind == JsonValueKind.String ? value[0].GetString() : value[0].GetRawText(),
            JsonValueKind.Object when value.TryGetProperty("Name", out var name) && name.ValueKind == JsonValueKind.String => name.GetString(),
            _ => null,
        };
    }

    public static IReadOnlyList<string> GetTextList(this JsonElement row, string property)
    {
        if (row.ValueKind != JsonValueKind.Object || !row.TryGetProperty(property, out var value))
        {
            return [];
        }

        return value.ValueKind switch
        {
            JsonValueKind.Array => [.. value.EnumerateArray()
                .Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.ValueKind is JsonValueKind.Null ? null : v.GetRawText())
                .OfType<string>()],
            JsonValueKind.String when !string.IsNullOrEmpty(value.GetString()) => [value.GetString()!],
            _ => [],
        };
    }

    public static bool? GetFlag(this JsonElement row, string property) =>
        row.GetText(property) is { } text && bool.TryParse(text, out var flag) ? flag : null;

    public static int? GetNumber(this JsonElement row, string property) =>
        row.GetText(property) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;
}

/// <summary>A mail-enabled security group as Exchange reports it.</summary>
public sealed record DistributionGroupInfo(
    string? Identity,
    string? ExchangeGuid,
    string? ExternalDirectoryObjectId,
    string? Name,
    string? DisplayName,
    string? Alias,
    string? PrimarySmtpAddress,
    IReadOnlyList<string> ManagedBy,
    string? RecipientTypeDetails,
    bool? RequireSenderAuthenticationEnabled,
    string? MemberJoinRestriction,
    string? DistinguishedName)
{
    public static DistributionGroupInfo From(JsonElement row) => new(
        row.GetText("Identity"), row.GetText("Guid"), row.GetText("ExternalDirectoryObjectId"), row.GetText("Name"),
        row.GetText("DisplayName"), row.GetText("Alias"), row.GetText("PrimarySmtpAddress"), row.GetTextList("ManagedBy"),
        row.GetText("RecipientTypeDetails"), row.GetFlag("RequireSenderAuthenticationEnabled"), row.GetText("MemberJoinRestriction"),
        row.GetText("DistinguishedName"));
}

/// <summary>A recipient row (Get-Recipient, Get-Mailbox, Get-DistributionGroupMember).</summary>
public sealed record RecipientInfo(
    string? Identity,
    string? ExternalDirectoryObjectId,
    string? Name,
    string? DisplayName,
    string? PrimarySmtpAddress,
    string? RecipientType,
    string? RecipientTypeDetails)
{
    public static RecipientInfo From(JsonElement row) => new(
        row.GetText("Identity"), row.GetText("ExternalDirectoryObjectId"), row.GetText("Name"), row.GetText("DisplayName"),
        row.GetText("PrimarySmtpAddress"), row.GetText("RecipientType"), row.GetText("RecipientTypeDetails"));
}

public sealed record AcceptedDomainInfo(string? Name, string? DomainName, string? DomainType, bool? Default)
{
    public static AcceptedDomainInfo From(JsonElement row) =>
        new(row.GetText("Name"), row.GetText("DomainName"), row.GetText("DomainType"), row.GetFlag("Default"));
}

public sealed record ApplicationAccessPolicyInfo(
    string? Identity,
    string? AppId,
    string? ScopeName,
    string? ScopeIdentity,
    string? Description,
    string? AccessRight,
    bool? IsValid)
{
    public static ApplicationAccessPolicyInfo From(JsonElement row) => new(
        row.GetText("Identity"), row.GetText("AppId"), row.GetText("ScopeName"), row.GetText("ScopeIdentity"),
        row.GetText("Description"), row.GetText("AccessRight"), row.GetFlag("IsValid"));
}

/// <summary>Test-ApplicationAccessPolicy's answer.</summary>
public sealed record AccessCheckInfo(string? AppId, string? Mailbox, string? MailboxId, string? AccessCheckResult)
{
    public bool IsGranted => string.Equals(AccessCheckResult, "Granted", StringComparison.OrdinalIgnoreCase);

    public static AccessCheckInfo From(JsonElement row) =>
        new(row.GetText("AppId"), row.GetText("Mailbox"), row.GetText("MailboxId"), row.GetText("AccessCheckResult"));
}

/// <summary>One row of Test-ServicePrincipalAuthorization.</summary>
public sealed record ServicePrincipalAuthorizationInfo(
    string? RoleName, IReadOnlyList<string> GrantedPermissions, string? AllowedResourceScope, string? ScopeType, bool? InScope)
{
    public static ServicePrincipalAuthorizationInfo From(JsonElement row) => new(
        row.GetText("RoleName"), row.GetTextList("GrantedPermissions"), row.GetText("AllowedResourceScope"),
        row.GetText("ScopeType"), row.GetFlag("InScope"));
}

public sealed record ExchangeServicePrincipalInfo(string? Identity, string? AppId, string? ObjectId, string? DisplayName)
{
    public static ExchangeServicePrincipalInfo From(JsonElement row) =>
        new(row.GetText("Identity"), row.GetText("AppId"), row.GetText("ObjectId"), row.GetText("DisplayName"));
}

public sealed record ManagementScopeInfo(string? Identity, string? Name, string? RecipientFilter)
{
    public static ManagementScopeInfo From(JsonElement row) =>
        new(row.GetText("Identity"), row.GetText("Name"), row.GetText("RecipientFilter") ?? row.GetText("RecipientRestrictionFilter"));
}

public sealed record ManagementRoleAssignmentInfo(string? Identity, string? Name, string? Role, string? RoleAssignee, string? CustomResourceScope)
{
    public static ManagementRoleAssignmentInfo From(JsonElement row) => new(
        row.GetText("Identity"), row.GetText("Name"), row.GetText("Role"), row.GetText("RoleAssignee") ?? row.GetText("App"),
        row.GetText("CustomResourceScope"));
}

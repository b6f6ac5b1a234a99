using System.Net.Mail;

namespace Dropzone.Portal.Core.Setup.Wizard;

/// <summary>Exchange's rules for a group's display name, alias and address; each answer is a message or null.</summary>
public static class GroupNameRules
{
    public const int MaxDisplayNameLength = 64;
    public const int MaxAliasLength = 64;

    // Exchange accepts letters, digits and these in an alias: ! # $ % & ' * + - / = ? ^ _ ` { | } ~ and dots
    // that neither start, end nor double up (the alias becomes the local part of the address).
    private static readonly SearchValues<char> AliasCharacters =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.");

    public static string? ValidateDisplayName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return "Enter a display name for the group.";
        }
        return trimmed.Length > MaxDisplayNameLength
            ? $"The display name has {trimmed.Length} characters; Exchange allows at most {MaxDisplayNameLength}."
            : null;
    }

    public static string? ValidateAlias(string? alias)
    {
        var trimmed = alias?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return "Enter an alias (the part of the address before the @).";
        }
        if (trimmed.Length > MaxAliasLength)
        {
            return $"The alias has {trimmed.Length} characters; Exchange allows at most {MaxAliasLength}.";
        }
        var bad = trimmed.AsSpan().IndexOfAnyExcept(AliasCharacters);
        if (bad >= 0)
        {
            return $"The alias cannot contain '{trimmed[bad]}': use letters, digits and ! # $ % & ' * + - / = ? ^ _ ` {{ | }} ~ or dots.";
        }
        if (trimmed.StartsWith('.') || trimmed.EndsWith('.') || trimmed.Contains("..", StringComparison.Ordinal))
        {
            return "The alias cannot start or end with a dot, or contain two dots in a row.";
        }
        return null;
    }

    public static string Address(string? alias, string? domain) =>
        string.IsNullOrWhiteSpace(alias) || string.IsNullOrWhiteSpace(domain) ? "" : $"{alias.Trim()}@{domain.Trim()}".ToLowerInvariant();

    /// <summary>A plausible single SMTP address (what a CSV row or a typed address must be).</summary>
    public static bool IsValidAddress(string? address)
    {
        if (string.IsNullOrWhiteSpace(address) || address.Length > 320 || address.Contains(' ', StringComparison.Ordinal))
        {
            return false;
        }
        var at = address.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != address.LastIndexOf('@') || !address[(at + 1)..].Contains('.', StringComparison.Ordinal))
        {
            return false;
        }
        // MailAddress also accepts "Name <a@b>"; only the bare address is wanted.
        return MailAddress.TryCreate(address, out var parsed) && string.Equals(parsed.Address, address, StringComparison.OrdinalIgnoreCase);
    }
}

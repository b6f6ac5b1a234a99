using System.Security.Cryptography;

namespace Dropzone.Portal.TenantClients.Commands;

/// <summary>
/// Names Exchange stores with a length limit (New-ManagementScope and New-ManagementRoleAssignment <c>-Name</c>: 64
/// characters, per Microsoft's cmdlet reference). A name that fits is kept as is; a longer one is cut and ends in a
/// short hash of the whole name, so it stays the same on every run (a re-run finds what an earlier run created)
/// and two long names that share their beginning stay distinct.
/// </summary>
public static class ExchangeNames
{
    public const int MaxNameLength = 64;
    private const int HashLength = 8;

    public static string Fit(string name, int maxLength = MaxNameLength)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length <= maxLength)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..HashLength];
        return $"{name[..(maxLength - HashLength - 1)].TrimEnd()} {hash}";
    }
}

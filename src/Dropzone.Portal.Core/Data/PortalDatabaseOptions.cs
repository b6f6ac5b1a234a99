using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace Dropzone.Portal.Core.Data;

/// <summary>Where the portal keeps its data when no connection string is configured.</summary>
public static class PortalDatabaseDefaults
{
    public const string ConnectionStringName = "Portal";
    public const string DataFolder = "data";
    public const string FileName = "portal.db";

    /// <summary>
    /// The folder of the portal's SQLite file (or <c>data</c> under the content root for an in-memory or
    /// non-file database): where files that belong beside, but not inside, the database go by default.
    /// </summary>
    public static string DataFolderOf(IConfiguration configuration, string contentRoot)
    {
        var configured = configuration.GetConnectionString(ConnectionStringName);
        var dataSource = string.IsNullOrWhiteSpace(configured) ? null : new SqliteConnectionStringBuilder(configured).DataSource;
        return string.IsNullOrWhiteSpace(dataSource) || dataSource.StartsWith(':') || dataSource.Contains("mode=memory", StringComparison.OrdinalIgnoreCase)
            ? Path.GetFullPath(DataFolder, contentRoot)
            : Path.GetDirectoryName(Path.GetFullPath(dataSource, contentRoot))!;
    }
}

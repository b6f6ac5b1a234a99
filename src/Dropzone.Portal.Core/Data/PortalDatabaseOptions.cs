namespace Dropzone.Portal.Core.Data;

/// <summary>Where the portal keeps its data when no connection string is configured.</summary>
public static class PortalDatabaseDefaults
{
    public const string ConnectionStringName = "Portal";
    public const string DataFolder = "data";
    public const string FileName = "portal.db";

    /// <summary><c>Database:DataFolder</c>: on PostgreSQL, the folder every instance shares for the files kept beside the database.</summary>
    public const string DataFolderKey = "DataFolder";

    /// <summary>
    /// The folder of the portal's SQLite file (or <c>data</c> under the content root for an in-memory or non-file
    /// database; on PostgreSQL <c>Database:DataFolder</c>, default <c>data</c>): where files that belong beside, but
    /// not inside, the database go by default (audit chain key and checkpoints, the data-protection certificate).
    /// </summary>
    public static string DataFolderOf(IConfiguration configuration, string contentRoot)
    {
        if (PortalDatabaseOptions.From(configuration).Provider != PortalDatabaseProvider.Sqlite)
        {
            // Several instances must share these files (the audit chain key, checkpoints, archives): one shared volume.
            return Path.GetFullPath(configuration[$"{PortalDatabaseOptions.Section}:{DataFolderKey}"] is { Length: > 0 } shared ? shared : DataFolder, contentRoot);
        }
        var configured = configuration.GetConnectionString(ConnectionStringName);
        var dataSource = string.IsNullOrWhiteSpace(configured) ? null : new SqliteConnectionStringBuilder(configured).DataSource;
        return string.IsNullOrWhiteSpace(dataSource) || dataSource.StartsWith(':') || dataSource.Contains("mode=memory", StringComparison.OrdinalIgnoreCase)
            ? Path.GetFullPath(DataFolder, contentRoot)
            : Path.GetDirectoryName(Path.GetFullPath(dataSource, contentRoot))!;
    }
}

namespace Dropzone.Portal.Core.Data;

/// <summary>Where the portal keeps its data when no connection string is configured.</summary>
public static class PortalDatabaseDefaults
{
    public const string ConnectionStringName = "Portal";
    public const string DataFolder = "data";
    public const string FileName = "portal.db";
}

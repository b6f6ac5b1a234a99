using Dropzone.Portal.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Dropzone.Portal.Migrations.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context for SQLite without starting the web host.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PortalDbContext>().UsePortalDatabase(PortalDatabaseProvider.Sqlite, "Data Source=design-time.db").Options);
}

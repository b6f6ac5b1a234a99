using Dropzone.Portal.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Dropzone.Portal.Migrations.PostgreSql;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context for PostgreSQL; no server is contacted.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PortalDbContext>().UsePortalDatabase(PortalDatabaseProvider.PostgreSql, "Host=localhost;Database=design-time").Options);
}

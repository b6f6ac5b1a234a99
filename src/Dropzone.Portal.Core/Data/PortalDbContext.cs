using Dropzone.Portal.Core.Groups;
using Dropzone.Portal.Core.Requests;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Dropzone.Portal.Core.Data;

/// <summary>
/// The portal's own database: the source of truth for setup runs, requests and the audit history.
/// Feature folders contribute their entity configurations through <see cref="OnModelCreating"/>.
/// </summary>
public class PortalDbContext(DbContextOptions<PortalDbContext> options)
    : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>Cookie and antiforgery keys, kept so sign-ins survive a restart.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<ManagedGroup> ManagedGroups => Set<ManagedGroup>();

    public DbSet<MemberRequest> MemberRequests => Set<MemberRequest>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }
}

using Dropzone.Portal.Core.Requests;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;

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

    public DbSet<SetupRun> SetupRuns => Set<SetupRun>();

    public DbSet<SetupStep> SetupSteps => Set<SetupStep>();

    public DbSet<StepAttempt> StepAttempts => Set<StepAttempt>();

    /// <summary>Each admin's unfinished setup wizard.</summary>
    public DbSet<SetupDraft> SetupDrafts => Set<SetupDraft>();

    public DbSet<VerificationResult> VerificationResults => Set<VerificationResult>();

    /// <summary>The running portal processes and their heartbeats (run takeover).</summary>
    public DbSet<PortalInstance> PortalInstances => Set<PortalInstance>();

    /// <summary>The append-only audit history (see <see cref="AuditTrail"/>).</summary>
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    /// <summary>Ranges of the audit history moved to archive files.</summary>
    public DbSet<AuditArchiveCut> AuditArchiveCuts => Set<AuditArchiveCut>();

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
    {
        // Here rather than in the host's registration so that no context (tests, tools, jobs) can write audit
        // entries without their chain being assigned.
        optionsBuilder.AddInterceptors(AuditChainInterceptor.Instance);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
        PortalDatabaseDialect.Of(Database).ConfigureModel(modelBuilder);
    }
}

using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Dropzone.Portal.Core.Audit;

/// <summary>Carries the <see cref="AuditChainKey"/> in a context's options, where the chain interceptor finds it.</summary>
public static class AuditChainKeyOptions
{
    public static DbContextOptionsBuilder UseAuditChainKey(this DbContextOptionsBuilder builder, AuditChainKey key)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(key);
        ((IDbContextOptionsBuilderInfrastructure)builder).AddOrUpdateExtension(new Extension(key));
        return builder;
    }

    public static DbContextOptionsBuilder<TContext> UseAuditChainKey<TContext>(this DbContextOptionsBuilder<TContext> builder, AuditChainKey key)
        where TContext : DbContext
    {
        UseAuditChainKey((DbContextOptionsBuilder)builder, key);
        return builder;
    }

    /// <summary>The context's key, or <see cref="AuditChainKey.Unconfigured"/> when it was built without one.</summary>
    public static AuditChainKey KeyOf(DbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.GetService<IDbContextOptions>().FindExtension<Extension>()?.Key ?? AuditChainKey.Unconfigured;
    }

    private sealed class Extension(AuditChainKey key) : IDbContextOptionsExtension
    {
        public AuditChainKey Key { get; } = key;

        public DbContextOptionsExtensionInfo Info => new ExtensionInfo(this);

        public void ApplyServices(IServiceCollection services)
        {
        }

        public void Validate(IDbContextOptions options)
        {
        }

        // The key changes no EF service, so contexts with different keys share EF's internal service provider.
        private sealed class ExtensionInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
        {
            public override bool IsDatabaseProvider => false;
            public override string LogFragment => "";
            public override int GetServiceProviderHashCode() => 0;
            public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;
            public override void PopulateDebugInfo(IDictionary<string, string> debugInfo)
            {
            }
        }
    }
}

using System.Reflection;
using Xunit.Sdk;

namespace Dropzone.Portal.Testing;

/// <summary>
/// Runs a theory on SQLite: <c>[Theory, OnSqlite, OnPostgreSql]</c> with a <see cref="PortalDatabaseProvider"/>
/// parameter runs the same test on both engines.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OnSqliteAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[PortalDatabaseProvider.Sqlite]];
}

/// <summary>
/// Runs a theory on PostgreSQL (the run's private cluster, see <see cref="PostgreSqlServer"/>). Skipped, with the
/// reason, where the server binaries are not installed; with <c>CI=true</c> it runs and fails instead.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OnPostgreSqlAttribute : DataAttribute
{
    public override string? Skip
    {
        get => PostgreSqlServer.SkipReason;
        set { }
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[PortalDatabaseProvider.PostgreSql]];
}

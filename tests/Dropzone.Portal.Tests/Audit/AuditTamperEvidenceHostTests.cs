using System.Security.Cryptography;
using Dropzone.Portal.Features.Audit;
using Dropzone.Portal.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;

namespace Dropzone.Portal.Tests.Audit;

/// <summary>The real portal's keys, start-up verification and offline export check, on its own data folder.</summary>
public sealed class AuditTamperEvidenceHostTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "dropzone-portal-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void Startup_KeysBesideTheDatabaseReadableByTheOwnerOnly()
    {
        using var factory = PortalApplicationFactory.ForDataDirectory(_dataDirectory);
        _ = factory.Services;

        foreach (var name in new[] { AuditChainKeySource.DefaultFileName, PortalDataProtection.DefaultCertificateFile })
        {
            var path = Path.Combine(_dataDirectory, name);
            Assert.True(File.Exists(path), name);
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
        var key = AuditChainKey.FromFileText(File.ReadAllText(Path.Combine(_dataDirectory, AuditChainKeySource.DefaultFileName)));
        Assert.Equal(key.Id, factory.Services.GetRequiredService<AuditChainKey>().Id);
    }

    [Fact]
    public async Task DataProtectionKeys_EncryptedInTheDatabase_UselessWithoutTheCertificate()
    {
        using var factory = PortalApplicationFactory.ForDataDirectory(_dataDirectory);
        var payload = factory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookies").Protect("role=Portal.Admin");

        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            var xml = (await db.DataProtectionKeys.SingleAsync()).Xml!;
            Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        }
        // Someone holding only the database: the same key ring, no certificate.
        await using var databaseOnly = new ServiceCollection()
            .AddDbContext<PortalDbContext>(o => o.UseSqlite($"Data Source={factory.DatabasePath}"))
            .AddDataProtection().SetApplicationName("Dropzone.Portal").PersistKeysToDbContext<PortalDbContext>().Services
            .BuildServiceProvider();
        var protector = databaseOnly.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookies");
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(payload));
    }

    [Fact]
    public async Task Restart_AfterTheDatabaseWasEdited_BreakRecordedAndFlagged()
    {
        using (var first = PortalApplicationFactory.ForDataDirectory(_dataDirectory))
        {
            var services = first.Services;
            await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            for (var i = 0; i < 5; i++) services.GetRequiredService<AuditTrail>().Record(db, new AuditEvent(AuditActions.MemberAdded, AuditActor.System) { Answer = $"answer {i}" });
            await db.SaveChangesAsync();
        }
        SqliteConnection.ClearAllPools();
        await using (var attacker = new SqliteConnection($"Data Source={Path.Combine(_dataDirectory, "portal.db")}"))
        {
            await attacker.OpenAsync();
            await using var command = attacker.CreateCommand();
            command.CommandText = """
                DROP TRIGGER "AuditEntries_RefuseUpdate";
                UPDATE AuditEntries SET Answer = 'nothing happened' WHERE Answer = 'answer 2';
                """;
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }
        SqliteConnection.ClearAllPools();

        using var second = PortalApplicationFactory.ForDataDirectory(_dataDirectory);
        var state = await second.Services.GetRequiredService<AuditIntegrityMonitor>().GetStateAsync();

        Assert.True(state.Broken);
        Assert.Contains("ContentEdited", state.Chain!.Summary, StringComparison.Ordinal);
        await using var check = await second.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var recorded = await check.AuditEntries.OrderBy(e => e.Sequence).LastAsync();
        Assert.Equal((AuditActions.AuditVerified, AuditOutcome.Failed), (recorded.Action, recorded.Outcome));
    }

    [Fact]
    public async Task VerifyExportCommand_WithTheKeyFile_AcceptsTheExportAndRejectsAnEditedOne()
    {
        using var factory = PortalApplicationFactory.ForDataDirectory(_dataDirectory);
        var services = factory.Services;
        await using (var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            for (var i = 0; i < 4; i++) services.GetRequiredService<AuditTrail>().Record(db, new AuditEvent(AuditActions.GroupCreated, AuditActor.System) { Answer = $"group {i}" });
            await db.SaveChangesAsync();
        }
        await services.GetRequiredService<AuditIntegrityMonitor>().VerifyChainAsync(AuditActor.System);
        var export = Path.Combine(_dataDirectory, "export.jsonl");
        await using (var file = File.Create(export))
        {
            await services.GetRequiredService<AuditQueryService>().ExportAsync(AuditFilter.None, AuditScope.All, AuditExportFormat.JsonLines, file);
        }
        var keyFile = Path.Combine(_dataDirectory, AuditChainKeySource.DefaultFileName);
        var output = new StringWriter();

        var verified = await AuditExportCommand.RunAsync([export, "--key-file", keyFile], output);
        await File.WriteAllTextAsync(export, (await File.ReadAllTextAsync(export)).Replace("group 1", "group 7", StringComparison.Ordinal));
        var edited = await AuditExportCommand.RunAsync([export, "--key-file", keyFile], output);

        Assert.Equal((0, 1), (verified, edited));
        Assert.StartsWith("Export verified: 5 entries", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Entry 2 does not verify", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, await AuditExportCommand.RunAsync([export], output));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS temp cleanup.
        }
    }
}

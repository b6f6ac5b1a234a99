namespace Dropzone.Portal.Data;

/// <summary>
/// <c>dotnet Dropzone.Portal.dll migrate</c>: applies the database's pending migrations with the portal's own
/// settings (appsettings, environment, mounted secrets) and exits, without starting the web host. Run it once per
/// release before the instances start (a one-shot container); concurrent runs wait for each other's lock.
/// Exit code 0 when the schema is up to date, 1 on failure.
/// </summary>
public static class MigrateCommand
{
    public const string Name = "migrate";

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var builder = WebApplication.CreateBuilder(args);
        builder.AddMountedSecrets().AddPortalDatabase();
        await using var app = builder.Build();
        var provider = app.Services.GetRequiredService<PortalDatabaseOptions>().Provider;
        var factory = app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        IReadOnlyList<string> pending;
        await using (var db = await factory.CreateDbContextAsync())
        {
            pending = [.. await db.Database.GetPendingMigrationsAsync()];
        }
        await app.Services.MigratePortalDatabaseAsync();
        await output.WriteLineAsync(pending.Count == 0
            ? $"The {provider} database is up to date; nothing to apply."
            : $"Applied to the {provider} database: {string.Join(", ", pending)}.");
        return 0;
    }
}

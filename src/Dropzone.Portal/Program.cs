using Serilog;

// An auditor's offline check of an audit export; runs without starting the portal.
if (args is [AuditExportCommand.Name, .. var commandArgs])
{
    Environment.ExitCode = await AuditExportCommand.RunAsync(commandArgs, Console.Out);
    return;
}

// Applies the database's migrations and exits (run once before several instances start).
if (args is [MigrateCommand.Name, .. var migrateArgs])
{
    try
    {
        Environment.ExitCode = await MigrateCommand.RunAsync(migrateArgs, Console.Out);
    }
    catch (Exception ex) when (ex is InvalidOperationException or System.Data.Common.DbException)
    {
        await Console.Error.WriteLineAsync($"Migration failed: {ex.Message}");
        Environment.ExitCode = 1;
    }
    return;
}

// Creates the certificate that encrypts the sign-in key ring, where the settings say, and exits (a first deployment).
if (args is [DataProtectionCertificateCommand.Name, .. var certificateArgs])
{
    Environment.ExitCode = await DataProtectionCertificateCommand.RunAsync(certificateArgs, Console.Out, Console.Error);
    return;
}

// A bootstrap logger reports failures that happen before configuration is read.
Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateBootstrapLogger();
try
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddPortal();
    var app = builder.Build();
    await app.UsePortalAsync();
    await app.RunAsync();
}
catch (Exception ex) when (ex is not HostAbortedException)
{
    Log.Fatal(ex, "The portal stopped because of an error during start-up or shutdown.");
    throw;
}
finally
{
    await Log.CloseAndFlushAsync();
}

/// <summary>Entry point; public so that tests can host the portal with <c>WebApplicationFactory</c>.</summary>
public partial class Program;

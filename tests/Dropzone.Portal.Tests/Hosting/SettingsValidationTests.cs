namespace Dropzone.Portal.Tests.Hosting;

/// <summary>A bad setting stops the start with its name, instead of failing later in a page or a job.</summary>
[Collection(PortalHostCollection.Name)]
public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("Audit:CountLimit", "0")]
    [InlineData("Jobs:WorkerCount", "0")]
    [InlineData("Health:CheckTimeout", "00:00:00")]
    [InlineData("Setup:MaxStepAttempts", "0")]
    [InlineData("Requests:RequeueApprovedAfter", "-00:01:00")]
    [InlineData("Notifications:PortalBaseUrl", "portal.contoso.com")]
    [InlineData("TenantClients:AttemptTimeout", "00:00:00")]
    [InlineData("TenantEmulator:PublicBaseUrl", "localhost:5080")]
    public async Task Start_BadSetting_FailsNamingTheSetting(string key, string value)
    {
        await using var factory = new PortalApplicationFactory().WithSetting(key, value);

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
    }
}

[Collection(PortalHostCollection.Name)]
public sealed class MountedSecretsTests
{
    [Fact]
    public async Task Start_SecretMountedAsFile_IsReadAsTheSetting()
    {
        var secrets = Directory.CreateTempSubdirectory("dropzone-secrets-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(secrets.FullName, "Notifications__SenderMailbox"), "mounted@contoso.example");
            await using var factory = new PortalApplicationFactory().WithSetting("Secrets:Directory", secrets.FullName);

            var options = factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Dropzone.Portal.Core.Requests.Notifications.NotificationOptions>>();

            Assert.Equal("mounted@contoso.example", options.Value.SenderMailbox);
        }
        finally
        {
            secrets.Delete(recursive: true);
        }
    }
}

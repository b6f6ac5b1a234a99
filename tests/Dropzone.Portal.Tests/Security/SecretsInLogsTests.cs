using System.Text.RegularExpressions;

namespace Dropzone.Portal.Tests.Security;

public sealed partial class SecretsInLogsTests
{
    [Fact]
    public async Task FullSignInAndAppToken_VerboseLogs_ContainNoTokenCodeSecretOrCookie()
    {
        string? code;
        IReadOnlyList<string> cookies;
        string appToken;
        var dataDirectory = Path.Combine(Path.GetTempPath(), "dropzone-portal-tests", Guid.NewGuid().ToString("N"));
        var factory = PortalApplicationFactory.ForDataDirectory(dataDirectory)
            .WithSetting("Serilog:MinimumLevel:Default", "Debug")
            .WithSetting("Serilog:MinimumLevel:Override:Microsoft.AspNetCore", "Debug")
            .WithSetting("Serilog:MinimumLevel:Override:Microsoft.Identity", "Debug");
        var logFolder = Path.Combine(factory.DataDirectory, "logs");
        string logs;
        try
        {
            var transcript = await factory.SignInWithTranscriptAsync(DemoTenant.AdminUpn);
            (code, cookies) = (transcript.AuthorizationCode, transcript.CookieValues);
            using (var home = await transcript.Client.GetAsync("/"))
            {
                Assert.Equal(System.Net.HttpStatusCode.OK, home.StatusCode);
            }
            using (var scope = factory.Services.CreateScope())
            {
                appToken = await scope.ServiceProvider.GetRequiredService<ITokenAcquisition>()
                    .GetAccessTokenForAppAsync("https://outlook.office365.com/.default");
            }
        }
        finally
        {
            await factory.DisposeAsync(); // flushes the file sink
        }
        logs = string.Join('\n', Directory.GetFiles(logFolder).Select(File.ReadAllText));
        Directory.Delete(dataDirectory, recursive: true);

        Assert.NotNull(code);
        Assert.NotEmpty(cookies);
        Assert.Contains("/signin-oidc", logs, StringComparison.Ordinal); // the log did record the sign-in
        Assert.DoesNotContain(code, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(appToken, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(DemoTenant.PortalClientSecret, logs, StringComparison.Ordinal);
        Assert.DoesNotMatch(JwtPattern(), logs);
        foreach (var cookie in cookies.Where(c => c.Length >= 16))
        {
            Assert.DoesNotContain(cookie, logs, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}")]
    private static partial Regex JwtPattern();
}

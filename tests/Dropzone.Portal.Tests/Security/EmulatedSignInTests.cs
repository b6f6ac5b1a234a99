using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Dropzone.Portal.Tests.Security;

/// <summary>
/// The unchanged Microsoft.Identity.Web chain against the mounted emulator: an interactive code + PKCE sign-in
/// followed through every redirect with a cookie container, then an app-only Exchange token. No network.
/// </summary>
[Collection(PortalHostCollection.Name)]
public sealed class EmulatedSignInTests
{
    /// <summary>Two tiny endpoints standing in for the sign-in UI another feature builds: challenge, and "who am I".</summary>
    private sealed class SignInProbe : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            // MapWhen, not Map: Map would move the path into PathBase and change the redirect URI.
            app.MapWhen(c => c.Request.Path == "/probe/signin", b => b.Run(context =>
                context.ChallengeAsync(OpenIdConnectDefaults.AuthenticationScheme, new AuthenticationProperties { RedirectUri = "/probe/me" })));
            app.MapWhen(c => c.Request.Path == "/probe/me", b => b.Run(async context =>
            {
                var result = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                var user = result.Principal ?? new ClaimsPrincipal();
                await context.Response.WriteAsJsonAsync(new
                {
                    name = user.Identity?.Name,
                    isAdmin = user.IsInRole("Portal.Admin"),
                    isAuditor = user.IsInRole("Portal.Auditor"),
                });
            }));
            next(app);
        };
    }

    private static PortalApplicationFactory CreatePortal() =>
        new PortalApplicationFactory().WithTestServices(services => services.AddSingleton<IStartupFilter, SignInProbe>());

    private static async Task<JsonObject> SignInAsAsync(HttpClient client, string upn)
    {
        using var challenge = await client.GetAsync("/probe/signin");
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var authorize = challenge.Headers.Location!;
        Assert.StartsWith($"http://localhost/_emulator/login/{DemoTenant.TenantId}/oauth2/v2.0/authorize", authorize.ToString());
        Assert.Contains("code_challenge_method=S256", authorize.Query);

        var page = await client.GetStringAsync(authorize);
        var (chooseAction, chooseFields) = PortalSignIn.Form(page, upn);
        using var chosen = await client.PostAsync(chooseAction, new FormUrlEncodedContent(chooseFields));
        var (callback, callbackFields) = PortalSignIn.Form(await chosen.Content.ReadAsStringAsync());
        Assert.Equal("http://localhost/signin-oidc", callback);

        using var signedIn = await client.PostAsync(callback, new FormUrlEncodedContent(callbackFields));
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"/signin-oidc answered {(int)signedIn.StatusCode}: {await signedIn.Content.ReadAsStringAsync()}");
        Assert.Equal("/probe/me", signedIn.Headers.Location!.OriginalString);
        return (await client.GetFromJsonAsync<JsonObject>("/probe/me"))!;
    }

    [Fact]
    public async Task SignIn_AdminThroughEmulatorPage_CookieWithNameAndAdminRole()
    {
        await using var portal = CreatePortal();
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var me = await SignInAsAsync(client, DemoTenant.AdminUpn);

        Assert.Equal(DemoTenant.AdminUpn, me["name"]!.GetValue<string>());
        Assert.True(me["isAdmin"]!.GetValue<bool>());
        Assert.False(me["isAuditor"]!.GetValue<bool>());
    }

    [Fact]
    public async Task SignIn_Auditor_AuditorRoleOnly()
    {
        await using var portal = CreatePortal();
        using var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        var me = await SignInAsAsync(client, DemoTenant.AuditorUpn);

        Assert.True(me["isAuditor"]!.GetValue<bool>());
        Assert.False(me["isAdmin"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AppToken_ForExchange_AcquiredInProcessAndAcceptedByInvokeCommand()
    {
        await using var portal = CreatePortal();
        _ = portal.Server;
        using var scope = portal.Services.CreateScope();
        var tokens = scope.ServiceProvider.GetRequiredService<ITokenAcquisition>();

        var token = await tokens.GetAccessTokenForAppAsync("https://outlook.office365.com/.default");
        var jwt = new JsonWebToken(token);
        using var http = portal.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"https://outlook.office365.com/adminapi/beta/{DemoTenant.TenantId}/InvokeCommand")
        {
            Content = new StringContent("""{"CmdletInput":{"CmdletName":"Get-AcceptedDomain","Parameters":{}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);

        Assert.Equal("https://outlook.office365.com", jwt.GetClaim("aud").Value);
        Assert.Contains(jwt.Claims, c => c.Type == "roles" && c.Value == "Exchange.ManageAsApp");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}

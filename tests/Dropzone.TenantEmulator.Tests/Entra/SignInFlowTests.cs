using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace Dropzone.TenantEmulator.Tests.Entra;

/// <summary>Discovery, keys, the sign-in page and the authorization-code flow with PKCE, at the HTTP level.</summary>
public sealed partial class SignInFlowTests : EmulatorHostTest
{
    private const string Login = "/_emulator/login/" + DemoTenant.TenantId;
    private const string RedirectUri = "http://localhost/signin-oidc";
    private const string Verifier = "a-verifier-that-is-long-enough-to-be-valid-0123456789abcdef";

    private static string Challenge => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

    private static string AuthorizeUrl(string responseMode = "form_post") => QueryHelpers.AddQueryString(Login + "/oauth2/v2.0/authorize", new Dictionary<string, string?>
    {
        ["client_id"] = DemoTenant.PortalClientId,
        ["response_type"] = "code",
        ["redirect_uri"] = RedirectUri,
        ["response_mode"] = responseMode,
        ["scope"] = "openid profile offline_access",
        ["state"] = "the-state",
        ["nonce"] = "the-nonce",
        ["code_challenge"] = Challenge,
        ["code_challenge_method"] = "S256",
    });

    /// <summary>Posts the sign-in page's form for the user whose button shows the UPN, as a browser would.</summary>
    private async Task<HttpResponseMessage> ChooseUserAsync(string upn, string responseMode = "form_post")
    {
        var page = await Host.Client.GetStringAsync(AuthorizeUrl(responseMode));
        var form = FormFor(page, upn);
        return await Host.Client.PostAsync(form.Action, new FormUrlEncodedContent(form.Fields));
    }

    private static (string Action, Dictionary<string, string> Fields) FormFor(string html, string upn)
    {
        foreach (Match form in FormPattern().Matches(html))
        {
            if (form.Value.Contains(upn, StringComparison.Ordinal))
            {
                var fields = InputPattern().Matches(form.Value).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["n"].Value), m => WebUtility.HtmlDecode(m.Groups["v"].Value));
                return (new Uri(WebUtility.HtmlDecode(form.Groups["a"].Value)).PathAndQuery, fields);
            }
        }
        throw new InvalidOperationException($"No button for {upn}.");
    }

    private async Task<string> CodeAsync(string upn = DemoTenant.AdminUpn)
    {
        using var response = await ChooseUserAsync(upn);
        var html = await response.Content.ReadAsStringAsync();
        return WebUtility.HtmlDecode(InputPattern().Matches(html).Single(m => m.Groups["n"].Value == "code").Groups["v"].Value);
    }

    private Task<HttpResponseMessage> RedeemAsync(string code, string verifier = Verifier, string redirectUri = RedirectUri) =>
        Host.Client.PostAsync(EmulatorHost.Token, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = DemoTenant.PortalClientId,
            ["client_secret"] = DemoTenant.PortalClientSecret,
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = verifier,
            ["scope"] = "openid profile offline_access",
        }));

    [Fact]
    public async Task Discovery_Document_HasIssuerAndEndpoints()
    {
        var doc = await Host.Client.GetFromJsonAsync<JsonObject>(Login + "/v2.0/.well-known/openid-configuration");

        Assert.Equal($"{DemoTenant.Instance}{DemoTenant.TenantId}/v2.0", doc!["issuer"]!.GetValue<string>());
        Assert.Equal($"http://localhost{Login}/oauth2/v2.0/authorize", doc["authorization_endpoint"]!.GetValue<string>());
        Assert.Equal($"http://localhost{Login}/oauth2/v2.0/token", doc["token_endpoint"]!.GetValue<string>());
        Assert.Equal($"http://localhost{Login}/oauth2/v2.0/logout", doc["end_session_endpoint"]!.GetValue<string>());
        Assert.Contains(doc["response_modes_supported"]!.AsArray(), m => m!.GetValue<string>() == "form_post");
        Assert.Contains(doc["response_modes_supported"]!.AsArray(), m => m!.GetValue<string>() == "query");
    }

    [Fact]
    public async Task Discovery_Common_IssuerIsTemplate()
    {
        var doc = await Host.Client.GetFromJsonAsync<JsonObject>("/_emulator/login/common/v2.0/.well-known/openid-configuration");

        Assert.Equal($"{DemoTenant.Instance}{{tenantid}}/v2.0", doc!["issuer"]!.GetValue<string>());
    }

    [Fact]
    public async Task Discovery_UnknownTenant_400()
    {
        using var response = await Host.Client.GetAsync("/_emulator/login/00000000-0000-0000-0000-000000000000/v2.0/.well-known/openid-configuration");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Keys_VerifyTheTokensSignature()
    {
        var jwks = new JsonWebKeySet(await Host.Client.GetStringAsync(Login + "/discovery/v2.0/keys"));
        var token = await Host.AppTokenAsync();

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidateAudience = false,
            ValidateIssuer = false,
            ValidateLifetime = false,
        });

        Assert.True(result.IsValid);
        Assert.Equal("RS256", jwks.Keys.Single().Alg);
        Assert.Equal(new JsonWebToken(token).Kid, jwks.Keys.Single().Kid);
    }

    [Fact]
    public async Task Authorize_Get_ListsUsersWithUpnAndRoles()
    {
        var page = await Host.Client.GetStringAsync(AuthorizeUrl());

        Assert.Contains(DemoTenant.AdminUpn, page);
        Assert.Contains(DemoTenant.AuditorUpn, page);
        Assert.Contains(DemoTenant.OwnerUpn, page);
        Assert.Contains("Portal.Admin", page);
        Assert.Contains("Portal.Auditor", page);
        Assert.DoesNotContain(DemoTenant.PhishingReportMailbox, page);
    }

    [Fact]
    public async Task Authorize_UnknownClient_400Page()
    {
        using var response = await Host.Client.GetAsync(AuthorizeUrl().Replace(DemoTenant.PortalClientId, Guid.Empty.ToString(), StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("AADSTS700016", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Authorize_ChooseUserFormPost_AutoPostsCodeAndStateToRedirectUri()
    {
        using var response = await ChooseUserAsync(DemoTenant.AdminUpn);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains($"action=\"{RedirectUri}\"", html);
        Assert.Contains("name=\"state\" value=\"the-state\"", html);
        Assert.Contains("name=\"code\"", html);
    }

    [Fact]
    public async Task Authorize_ChooseUserQuery_RedirectsWithCode()
    {
        using var response = await ChooseUserAsync(DemoTenant.AdminUpn, "query");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(RedirectUri + "?", location.ToString());
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("the-state", query["state"].ToString());
        Assert.False(string.IsNullOrEmpty(query["code"]));
    }

    [Fact]
    public async Task Token_AuthorizationCodeWithVerifier_IdTokenClaims()
    {
        using var response = await RedeemAsync(await CodeAsync(DemoTenant.AdminUpn));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        var id = new JsonWebToken(body!["id_token"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(DemoTenant.PortalClientId, id.GetClaim("aud").Value);
        Assert.Equal($"{DemoTenant.Instance}{DemoTenant.TenantId}/v2.0", id.Issuer);
        Assert.Equal(DemoTenant.AdminUpn, id.GetClaim("preferred_username").Value);
        Assert.Equal("Adele Admin", id.GetClaim("name").Value);
        Assert.Equal(DemoTenant.UserId(1).ToString(), id.GetClaim("oid").Value);
        Assert.Equal(DemoTenant.TenantId, id.GetClaim("tid").Value);
        Assert.Equal("2.0", id.GetClaim("ver").Value);
        Assert.Equal("the-nonce", id.GetClaim("nonce").Value);
        Assert.Equal(["Portal.Admin"], id.Claims.Where(c => c.Type == "roles").Select(c => c.Value));
        Assert.False(string.IsNullOrEmpty(id.GetClaim("sub").Value));
        Assert.True(id.ValidTo > id.ValidFrom);
        Assert.False(string.IsNullOrEmpty(body["refresh_token"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(body["access_token"]!.GetValue<string>()));
        var clientInfo = JsonNode.Parse(Base64UrlEncoder.Decode(body["client_info"]!.GetValue<string>()))!;
        Assert.Equal(DemoTenant.UserId(1).ToString(), clientInfo["uid"]!.GetValue<string>());
        Assert.Equal(DemoTenant.TenantId, clientInfo["utid"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_PlainUser_NoRolesClaim()
    {
        using var response = await RedeemAsync(await CodeAsync(DemoTenant.PlainUserUpn));
        var id = new JsonWebToken((await response.Content.ReadFromJsonAsync<JsonObject>())!["id_token"]!.GetValue<string>());

        Assert.DoesNotContain(id.Claims, c => c.Type == "roles");
    }

    [Fact]
    public async Task Token_WrongVerifier_400InvalidGrant()
    {
        using var response = await RedeemAsync(await CodeAsync(), verifier: "wrong-verifier-wrong-verifier-wrong-verifier-123");
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_grant", body!["error"]!.GetValue<string>());
        Assert.StartsWith("AADSTS501481", body["error_description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_OtherRedirectUri_400InvalidGrant()
    {
        using var response = await RedeemAsync(await CodeAsync(), redirectUri: "http://localhost/elsewhere");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("AADSTS50148", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Token_CodeRedeemedTwice_SecondFails()
    {
        var code = await CodeAsync();
        using var first = await RedeemAsync(code);
        using var second = await RedeemAsync(code);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
    }

    [Fact]
    public async Task Token_ExpiredCode_400()
    {
        var code = await CodeAsync();
        Host.Time.Advance(TimeSpan.FromMinutes(11));

        using var response = await RedeemAsync(code);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Token_RefreshToken_NewTokensForSameUser()
    {
        using var first = await RedeemAsync(await CodeAsync(DemoTenant.AuditorUpn));
        var refresh = (await first.Content.ReadFromJsonAsync<JsonObject>())!["refresh_token"]!.GetValue<string>();

        using var response = await Host.Client.PostAsync(EmulatorHost.Token, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = DemoTenant.PortalClientId,
            ["client_secret"] = DemoTenant.PortalClientSecret,
            ["refresh_token"] = refresh,
            ["scope"] = "https://graph.microsoft.com/User.Read offline_access openid",
        }));
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        var access = new JsonWebToken(body!["access_token"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://graph.microsoft.com", access.GetClaim("aud").Value);
        Assert.Equal("User.Read", access.GetClaim("scp").Value);
        Assert.Equal(DemoTenant.AuditorUpn, access.GetClaim("preferred_username").Value);
    }

    [Fact]
    public async Task Token_UnknownRefreshToken_400()
    {
        using var response = await Host.Client.PostAsync(EmulatorHost.Token, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = DemoTenant.PortalClientId,
            ["client_secret"] = DemoTenant.PortalClientSecret,
            ["refresh_token"] = "nope",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Logout_WithPostLogoutRedirect_RedirectsWithState()
    {
        using var response = await Host.Client.GetAsync(Login + "/oauth2/v2.0/logout?post_logout_redirect_uri=http%3A%2F%2Flocalhost%2Fsignout-callback-oidc&state=s1");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("http://localhost/signout-callback-oidc?state=s1", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Logout_Post_RedirectsToPostLogoutUri()
    {
        using var response = await Host.Client.PostAsync(Login + "/oauth2/v2.0/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["post_logout_redirect_uri"] = "http://localhost/signout-callback-oidc",
        }));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("http://localhost/signout-callback-oidc", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Logout_WithoutRedirect_SignedOutPage()
    {
        var page = await Host.Client.GetStringAsync(Login + "/oauth2/v2.0/logout");

        Assert.Contains("signed out", page);
    }

    [GeneratedRegex("<form method=\"post\" action=\"(?<a>[^\"]+)\">.*?</form>", RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<n>[^\"]+)\" value=\"(?<v>[^\"]*)\">")]
    private static partial Regex InputPattern();
}

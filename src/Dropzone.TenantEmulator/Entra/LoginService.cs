namespace Dropzone.TenantEmulator.Entra;

/// <summary>
/// login.microsoftonline.com: discovery, keys, instance discovery, the sign-in page, the token endpoint
/// and sign-out. Paths are the real service's, below whatever root the request came in on.
/// </summary>
public sealed class LoginService(TenantState state, TokenIssuer issuer, ClientAuthenticator clients)
{
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    public Task<EmulatorResponse> HandleAsync(EmulatorRequest request)
    {
        var s = request.Segments;
        if (s.Length >= 3 && s[0] == "common" && s[1] == "discovery" && s[2] == "instance")
        {
            return Task.FromResult(InstanceDiscovery(request));
        }
        if (s.Length == 0 || !IsKnownTenant(s[0]))
        {
            return Task.FromResult(OAuthError(400, "invalid_tenant", 90002, $"Tenant '{(s.Length > 0 ? s[0] : "")}' not found."));
        }
        var rest = string.Join('/', s.Skip(1));
        return rest switch
        {
            "v2.0/.well-known/openid-configuration" or ".well-known/openid-configuration" => Task.FromResult(Discovery(request, s[0])),
            "discovery/v2.0/keys" or "discovery/keys" => Task.FromResult(Keys()),
            "oauth2/v2.0/authorize" => Task.FromResult(Authorize(request)),
            "oauth2/v2.0/token" when request.Method == "POST" => TokenAsync(request),
            "oauth2/v2.0/logout" => Task.FromResult(Logout(request)),
            _ => Task.FromResult(EmulatorResponse.Empty(404)),
        };
    }

    private static bool IsKnownTenant(string segment) =>
        segment is DemoTenant.TenantId or "common" or "organizations" or DemoTenant.Domain or DemoTenant.InitialDomain;

    private string TokenEndpoint(EmulatorRequest r) => $"{r.ServiceBaseUrl}/{DemoTenant.TenantId}/oauth2/v2.0/token";

    private EmulatorResponse Discovery(EmulatorRequest r, string tenantSegment)
    {
        // Multi-tenant documents carry the {tenantid} template, as Entra's do.
        var issuerValue = tenantSegment is "common" or "organizations" ? issuer.Issuer.Replace(DemoTenant.TenantId, "{tenantid}", StringComparison.Ordinal) : issuer.Issuer;
        var browser = $"{r.BrowserLoginBaseUrl}/{DemoTenant.TenantId}";
        var doc = new JsonObject
        {
            ["issuer"] = issuerValue,
            ["authorization_endpoint"] = $"{browser}/oauth2/v2.0/authorize",
            ["token_endpoint"] = TokenEndpoint(r),
            ["jwks_uri"] = $"{r.ServiceBaseUrl}/{DemoTenant.TenantId}/discovery/v2.0/keys",
            ["end_session_endpoint"] = $"{browser}/oauth2/v2.0/logout",
            ["response_modes_supported"] = new JsonArray("query", "fragment", "form_post"),
            ["response_types_supported"] = new JsonArray("code", "id_token", "code id_token", "id_token token"),
            ["scopes_supported"] = new JsonArray("openid", "profile", "email", "offline_access"),
            ["subject_types_supported"] = new JsonArray("pairwise"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_post", "private_key_jwt", "client_secret_basic"),
            ["code_challenge_methods_supported"] = new JsonArray("S256"),
            ["claims_supported"] = new JsonArray("sub", "iss", "aud", "exp", "iat", "nbf", "name", "nonce", "oid", "preferred_username", "roles", "tid", "ver"),
            ["tenant_region_scope"] = "EU",
            ["cloud_instance_name"] = "emulator.test",
            ["frontchannel_logout_supported"] = true,
            ["http_logout_supported"] = true,
            ["request_uri_parameter_supported"] = false,
        };
        return EmulatorResponse.Json(200, doc);
    }

    private static EmulatorResponse Keys() =>
        EmulatorResponse.Json(200, new JsonObject { ["keys"] = new JsonArray(JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(EmulatorSigningKey.PublicJwk()))) });

    /// <summary>MSAL asks login.microsoftonline.com about any authority; the answer names the authority's own host.</summary>
    private static EmulatorResponse InstanceDiscovery(EmulatorRequest r)
    {
        var endpoint = r.QueryValue("authorization_endpoint");
        var host = Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? uri.Host : new Uri(DemoTenant.Instance).Host;
        var tenantDiscovery = $"https://{host}/{DemoTenant.TenantId}/v2.0/.well-known/openid-configuration";
        return EmulatorResponse.Json(200, new JsonObject
        {
            ["tenant_discovery_endpoint"] = tenantDiscovery,
            ["api-version"] = "1.1",
            ["metadata"] = new JsonArray(new JsonObject
            {
                ["preferred_network"] = host,
                ["preferred_cache"] = host,
                ["aliases"] = new JsonArray(host),
            }),
        });
    }

    private EmulatorResponse Authorize(EmulatorRequest r)
    {
        var p = r.Method == "POST" ? r.Form() : r.Query;
        string? Get(string name) => p.TryGetValue(name, out var v) ? v.ToString() : null;
        var clientId = Get("client_id");
        var redirectUri = Get("redirect_uri");
        AppRegistration? app;
        lock (state.Gate)
        {
            app = clientId is null ? null : state.FindApp(clientId);
        }
        if (app is null)
        {
            return ErrorPage($"AADSTS700016: Application with identifier '{clientId}' was not found in the directory '{DemoTenant.Domain}'.");
        }
        if (!IsAcceptableRedirectUri(redirectUri))
        {
            return ErrorPage($"AADSTS50011: The redirect URI '{redirectUri}' specified in the request does not match the redirect URIs configured for the application '{clientId}'.");
        }
        if (Get("response_type") != "code")
        {
            return ErrorPage("AADSTS700054: The emulator supports response_type=code only.");
        }
        var challenge = Get("code_challenge");
        if (challenge is not null && Get("code_challenge_method") is not ("S256" or null))
        {
            return ErrorPage("AADSTS501491: The emulator supports the S256 code challenge method only.");
        }
        var chosen = Get("emulator_user");
        if (r.Method != "POST" || chosen is null)
        {
            return EmulatorResponse.Html(SignInPage.Render(ListSignInUsers(), $"{r.BrowserLoginBaseUrl}/{DemoTenant.TenantId}/oauth2/v2.0/authorize", p));
        }
        DirectoryObject? user;
        lock (state.Gate)
        {
            user = Guid.TryParse(chosen, out var id) ? state.FindById(id) : null;
        }
        if (user is null || user.Kind == RecipientKind.SharedMailbox)
        {
            return ErrorPage("AADSTS50034: The user account does not exist in this directory.");
        }
        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        lock (state.Gate)
        {
            state.AuthorizationCodes[code] = new AuthorizationCodeGrant(app.AppId, user.Id, redirectUri!, challenge, Get("nonce"),
                Get("scope") ?? "openid", state.Now + CodeLifetime);
        }
        var answer = new Dictionary<string, string?> { ["code"] = code, ["state"] = Get("state"), ["session_state"] = Guid.NewGuid().ToString() };
        if (Get("response_mode") == "form_post")
        {
            return EmulatorResponse.Html(SignInPage.RenderFormPost(redirectUri!, answer));
        }
        return EmulatorResponse.Redirect(QueryHelpers.AddQueryString(redirectUri!, answer));
    }

    /// <summary>
    /// Entra checks the redirect URI against the app registration; the emulator cannot know the portal's
    /// address in advance, so it accepts any absolute http(s) URI and binds the code to it instead.
    /// </summary>
    private static bool IsAcceptableRedirectUri(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && string.IsNullOrEmpty(uri.Fragment);

    private List<DirectoryObject> ListSignInUsers()
    {
        lock (state.Gate)
        {
            return [.. state.Objects.Where(o => o.IsUser && o.Kind != RecipientKind.SharedMailbox && o.UserPrincipalName is not null)
                .OrderByDescending(o => o.PortalRoles.Count).ThenBy(o => o.Id)];
        }
    }

    private async Task<EmulatorResponse> TokenAsync(EmulatorRequest r)
    {
        var form = r.Form();
        string? Get(string name) => form.TryGetValue(name, out var v) ? v.ToString() : null;
        var grantType = Get("grant_type");
        var auth = await clients.AuthenticateAsync(r, form, TokenEndpoint(r));
        if (auth.Error is not null)
        {
            return auth.Error;
        }
        var app = auth.App!;
        var response = grantType switch
        {
            "client_credentials" => ClientCredentials(app, Get("scope")),
            "authorization_code" => AuthorizationCode(app, Get("code"), Get("redirect_uri"), Get("code_verifier"), Get("scope")),
            "refresh_token" => RefreshToken(app, Get("refresh_token"), Get("scope")),
            _ => OAuthError(400, "unsupported_grant_type", 70003, $"The app requested an unsupported grant type '{grantType}'."),
        };
        response.Operation = $"token:{grantType}";
        // Token responses must never be cached by intermediaries, as Entra's are not.
        response.Headers["Cache-Control"] = "no-store, no-cache";
        return response;
    }

    private EmulatorResponse ClientCredentials(AppRegistration app, string? scope)
    {
        if (scope is null || !scope.EndsWith("/.default", StringComparison.Ordinal) || scope.Contains(' ', StringComparison.Ordinal))
        {
            return OAuthError(400, "invalid_scope", 1002012, $"AADSTS1002012: The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");
        }
        var resource = FindResource(scope[..^"/.default".Length]);
        if (resource is null)
        {
            return OAuthError(400, "invalid_resource", 500011, $"AADSTS500011: The resource principal named {scope[..^"/.default".Length]} was not found in the tenant named {DemoTenant.OrganizationName}.");
        }
        string token;
        lock (state.Gate)
        {
            token = issuer.CreateAppToken(app, resource.Audience, resource.AppId);
        }
        return EmulatorResponse.Json(200, new JsonObject
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = (int)TokenIssuer.AccessTokenLifetime.TotalSeconds,
            ["ext_expires_in"] = (int)TokenIssuer.AccessTokenLifetime.TotalSeconds,
            ["access_token"] = token,
        });
    }

    internal static ResourceApp? FindResource(string identifier) =>
        TenantState.Resources.FirstOrDefault(x =>
            string.Equals(x.Audience, identifier.TrimEnd('/'), StringComparison.OrdinalIgnoreCase)
            || string.Equals(x.AppId, identifier, StringComparison.OrdinalIgnoreCase)
            || (x.AppId == TenantState.ExchangeAppId && string.Equals(identifier.TrimEnd('/'), "https://outlook.office.com", StringComparison.OrdinalIgnoreCase)));

    private EmulatorResponse AuthorizationCode(AppRegistration app, string? code, string? redirectUri, string? verifier, string? scope)
    {
        AuthorizationCodeGrant? grant;
        lock (state.Gate)
        {
            // A code is single-use, whatever the outcome.
            if (code is null || !state.AuthorizationCodes.Remove(code, out grant))
            {
                grant = null;
            }
        }
        if (grant is null || grant.ExpiresAt < state.Now)
        {
            return OAuthError(400, "invalid_grant", 70008, "AADSTS70008: The provided authorization code or refresh token has expired or has been redeemed.");
        }
        if (!string.Equals(grant.ClientId, app.AppId, StringComparison.OrdinalIgnoreCase))
        {
            return OAuthError(400, "invalid_grant", 70000, "AADSTS70000: The provided authorization code was issued to a different client.");
        }
        if (!string.Equals(grant.RedirectUri, redirectUri, StringComparison.Ordinal))
        {
            return OAuthError(400, "invalid_grant", 50148, "AADSTS50148: The redirect_uri doesn't match the one used in the authorization request.");
        }
        if (grant.CodeChallenge is not null)
        {
            var computed = verifier is null ? null : Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
            if (!string.Equals(computed, grant.CodeChallenge, StringComparison.Ordinal))
            {
                return OAuthError(400, "invalid_grant", 501481, "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.");
            }
        }
        return UserTokens(app, grant.UserId, scope ?? grant.Scope, grant.Nonce);
    }

    private EmulatorResponse RefreshToken(AppRegistration app, string? refreshToken, string? scope)
    {
        RefreshTokenGrant? grant;
        lock (state.Gate)
        {
            grant = refreshToken is not null && state.RefreshTokens.TryGetValue(refreshToken, out var g) ? g : null;
        }
        if (grant is null || !string.Equals(grant.ClientId, app.AppId, StringComparison.OrdinalIgnoreCase))
        {
            return OAuthError(400, "invalid_grant", 9002313, "AADSTS9002313: Invalid request. Request is malformed or invalid.");
        }
        return UserTokens(app, grant.UserId, scope ?? grant.Scope, nonce: null);
    }

    private EmulatorResponse UserTokens(AppRegistration app, Guid userId, string scope, string? nonce)
    {
        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var resourceScopes = scopes.Where(x => x is not ("openid" or "profile" or "email" or "offline_access")).ToArray();
        var (audience, scp) = ResolveDelegatedAudience(app, resourceScopes);
        var body = new JsonObject { ["token_type"] = "Bearer" };
        lock (state.Gate)
        {
            var user = state.FindById(userId);
            if (user is null)
            {
                return OAuthError(400, "invalid_grant", 50034, "AADSTS50034: The user account does not exist in this directory.");
            }
            body["scope"] = string.Join(' ', resourceScopes.Length > 0 ? resourceScopes : scopes);
            body["expires_in"] = (int)TokenIssuer.AccessTokenLifetime.TotalSeconds;
            body["ext_expires_in"] = (int)TokenIssuer.AccessTokenLifetime.TotalSeconds;
            body["access_token"] = issuer.CreateUserAccessToken(app, user, audience, scp);
            if (scopes.Contains("openid") || nonce is not null)
            {
                body["id_token"] = issuer.CreateIdToken(app, user, nonce);
            }
            var refresh = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
            state.RefreshTokens[refresh] = new RefreshTokenGrant(app.AppId, user.Id, scope);
            body["refresh_token"] = refresh;
            body["client_info"] = Base64UrlEncoder.Encode($$"""{"uid":"{{user.Id}}","utid":"{{DemoTenant.TenantId}}"}""");
        }
        return EmulatorResponse.Json(200, body);
    }

    private static (string Audience, string Scopes) ResolveDelegatedAudience(AppRegistration app, string[] resourceScopes)
    {
        foreach (var s in resourceScopes)
        {
            var slash = s.LastIndexOf('/');
            var resource = slash > 0 ? FindResource(s[..slash]) : null;
            if (resource is not null)
            {
                return (resource.Audience, string.Join(' ', resourceScopes.Select(x => x[(x.LastIndexOf('/') + 1)..])));
            }
        }
        // Bare scopes such as "User.Read" mean Graph; none at all means a token for the app itself.
        return resourceScopes.Length > 0
            ? ("https://graph.microsoft.com", string.Join(' ', resourceScopes))
            : (app.AppId, "access_as_user");
    }

    private static EmulatorResponse Logout(EmulatorRequest r)
    {
        var p = r.Method == "POST" ? r.Form() : r.Query;
        var target = p.TryGetValue("post_logout_redirect_uri", out var t) ? t.ToString() : null;
        if (IsAcceptableRedirectUri(target))
        {
            var s = p.TryGetValue("state", out var st) ? st.ToString() : null;
            return EmulatorResponse.Redirect(s is null ? target! : QueryHelpers.AddQueryString(target!, "state", s));
        }
        return EmulatorResponse.Html(SignInPage.RenderSignedOut());
    }

    private static EmulatorResponse ErrorPage(string message) =>
        new() { Status = 400, ContentType = "text/html; charset=utf-8", Body = Encoding.UTF8.GetBytes(SignInPage.RenderError(message)) };

    internal static EmulatorResponse OAuthError(int status, string error, int code, string description) =>
        EmulatorResponse.Json(status, new JsonObject
        {
            ["error"] = error,
            ["error_description"] = description,
            ["error_codes"] = new JsonArray(code),
            ["timestamp"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            ["trace_id"] = Guid.NewGuid().ToString(),
            ["correlation_id"] = Guid.NewGuid().ToString(),
        });

    internal static string Encode(string value) => WebUtility.HtmlEncode(value);

    internal static IEnumerable<KeyValuePair<string, StringValues>> Hidden(IDictionary<string, StringValues> p) =>
        p.Where(kv => kv.Key != "emulator_user");
}

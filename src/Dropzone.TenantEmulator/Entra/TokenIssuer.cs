using Microsoft.IdentityModel.JsonWebTokens;

namespace Dropzone.TenantEmulator.Entra;

/// <summary>Mints and checks the emulator's RS256 tokens; lifetimes come from the tenant's clock.</summary>
public sealed class TokenIssuer(TenantState state, EmulatorOptions options)
{
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromHours(1);
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public string Issuer => options.Instance.TrimEnd('/') + "/" + DemoTenant.TenantId + "/v2.0";

    public string CreateAppToken(AppRegistration app, string audience, string resourceAppId)
    {
        var roles = app.ApplicationPermissions
            .Where(p => string.Equals(p.ResourceAppId, resourceAppId, StringComparison.OrdinalIgnoreCase))
            .Select(p => p.Value).ToArray();
        var claims = new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["tid"] = DemoTenant.TenantId,
            ["oid"] = app.ServicePrincipalId,
            ["sub"] = app.ServicePrincipalId,
            ["azp"] = app.AppId,
            ["appid"] = app.AppId,
            ["idtyp"] = "app",
            ["ver"] = "2.0",
        };
        if (roles.Length > 0)
        {
            claims["roles"] = roles;
        }
        if (app.DirectoryRoles.Contains(TenantState.ExchangeAdministratorRole))
        {
            claims["wids"] = new[] { TenantState.ExchangeAdministratorTemplateId };
        }
        return Sign(claims, AccessTokenLifetime);
    }

    public string CreateIdToken(AppRegistration app, DirectoryObject user, string? nonce)
    {
        var claims = UserClaims(user);
        claims["aud"] = app.AppId;
        if (user.PortalRoles.Count > 0 && app.AppRoles.Count > 0)
        {
            claims["roles"] = user.PortalRoles.Where(app.AppRoles.Contains).ToArray();
        }
        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }
        return Sign(claims, AccessTokenLifetime);
    }

    /// <summary>A delegated access token; without a resource scope the audience is the client itself.</summary>
    public string CreateUserAccessToken(AppRegistration app, DirectoryObject user, string audience, string scopes)
    {
        var claims = UserClaims(user);
        claims["aud"] = audience;
        claims["azp"] = app.AppId;
        claims["scp"] = scopes;
        if (string.Equals(audience, app.AppId, StringComparison.OrdinalIgnoreCase) && user.PortalRoles.Count > 0)
        {
            claims["roles"] = user.PortalRoles.Where(app.AppRoles.Contains).ToArray();
        }
        return Sign(claims, AccessTokenLifetime);
    }

    private static Dictionary<string, object> UserClaims(DirectoryObject user) => new()
    {
        ["tid"] = DemoTenant.TenantId,
        ["oid"] = user.Id.ToString(),
        ["sub"] = user.Id.ToString("N"),
        ["name"] = user.DisplayName,
        ["preferred_username"] = user.UserPrincipalName ?? user.PrimarySmtpAddress,
        ["ver"] = "2.0",
    };

    private string Sign(Dictionary<string, object> claims, TimeSpan lifetime)
    {
        var now = state.Now.UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = EmulatorSigningKey.Credentials,
        });
    }

    /// <summary>
    /// Validates a bearer token for one of the emulated APIs: signature, issuer, audience, and lifetime
    /// against the tenant's clock (not the machine clock, so FakeTimeProvider can expire tokens).
    /// </summary>
    public async Task<ClaimsIdentity?> ValidateAsync(string? authorizationHeader, params string[] audiences)
    {
        if (authorizationHeader is null || !authorizationHeader.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var token = authorizationHeader["Bearer ".Length..].Trim();
        var result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudiences = audiences,
            IssuerSigningKey = EmulatorSigningKey.SecurityKey,
            ValidateLifetime = false,
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return null;
        }
        var now = state.Now.UtcDateTime;
        return jwt.ValidTo > now && jwt.ValidFrom <= now.AddMinutes(5) ? result.ClaimsIdentity : null;
    }
}

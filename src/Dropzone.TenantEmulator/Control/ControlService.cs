using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dropzone.TenantEmulator.Directory;
using Dropzone.TenantEmulator.Exchange;
using Dropzone.TenantEmulator.Hosting;
using Dropzone.TenantEmulator.State;

namespace Dropzone.TenantEmulator.Control;

/// <summary>
/// /_emulator/_control: inspect the tenant, reset it, set faults, register a certificate, take the Exchange
/// role away. For tests, demos and benchmarks; the same operations exist on <see cref="TenantState"/>.
/// </summary>
public sealed class ControlService(TenantState state, EmulatorOptions options)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public EmulatorResponse Handle(EmulatorRequest r)
    {
        var s = r.Segments;
        return (r.Method, string.Join('/', s)) switch
        {
            ("GET", "state") => EmulatorResponse.Json(200, Snapshot()),
            ("POST", "reset") => Reset(),
            ("GET", "faults") => EmulatorResponse.Json(200, JsonSerializer.SerializeToNode(FaultsDto.From(state.Faults), Web)),
            ("POST", "faults") => SetFaults(r),
            ("POST", "certificates") => RegisterCertificate(r),
            ("POST", _) when s.Length == 3 && s[0] == "apps" && s[2] == "exchange-administrator" => SetExchangeRole(s[1], r),
            ("POST", _) when s.Length == 3 && s[0] == "apps" && s[2] == "permissions" => SetPermission(s[1], r),
            _ => EmulatorResponse.Empty(404),
        };
    }

    private EmulatorResponse Reset()
    {
        state.Reset();
        return EmulatorResponse.Json(200, new JsonObject { ["reset"] = true });
    }

    /// <summary>Fields not given keep their current value, so a test can change one fault at a time.</summary>
    private EmulatorResponse SetFaults(EmulatorRequest r)
    {
        FaultsDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<FaultsDto>(r.Body, Web);
        }
        catch (JsonException ex)
        {
            return EmulatorResponse.Json(400, new JsonObject { ["error"] = ex.Message });
        }
        if (dto is null)
        {
            return EmulatorResponse.Json(400, new JsonObject { ["error"] = "A JSON body is required." });
        }
        var faults = dto.ApplyTo(state.Faults);
        double[] rates = [faults.ThrottleRate, faults.UnavailableRate, faults.TimeoutRate, faults.TransientErrorRate];
        if (rates.Sum() > 1 || rates.Any(r => r < 0))
        {
            return EmulatorResponse.Json(400, new JsonObject { ["error"] = "Rates are probabilities; together they must lie between 0 and 1." });
        }
        state.SetFaults(faults);
        return EmulatorResponse.Json(200, JsonSerializer.SerializeToNode(FaultsDto.From(faults), Web));
    }

    private EmulatorResponse RegisterCertificate(EmulatorRequest r)
    {
        var body = r.JsonBody();
        var appId = body?["appId"]?.GetValue<string>();
        var der = body?["certificate"]?.GetValue<string>();
        if (appId is null || der is null)
        {
            return EmulatorResponse.Json(400, new JsonObject { ["error"] = "Give appId and certificate (base64 DER, public part only)." });
        }
        using var certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(der));
        state.RegisterCertificate(appId, certificate);
        return EmulatorResponse.Json(200, new JsonObject { ["appId"] = appId, ["thumbprint"] = certificate.Thumbprint });
    }

    private EmulatorResponse SetExchangeRole(string appId, EmulatorRequest r)
    {
        var granted = r.JsonBody()?["granted"]?.GetValue<bool>() ?? true;
        state.SetExchangeAdministrator(appId, granted);
        return EmulatorResponse.Json(200, new JsonObject { ["appId"] = appId, ["exchangeAdministrator"] = granted });
    }

    private EmulatorResponse SetPermission(string appId, EmulatorRequest r)
    {
        var body = r.JsonBody();
        var permission = body?["permission"]?.GetValue<string>();
        var granted = body?["granted"]?.GetValue<bool>() ?? true;
        try
        {
            state.SetApplicationPermission(appId, permission ?? "", granted);
        }
        catch (ArgumentException ex)
        {
            return EmulatorResponse.Json(400, new JsonObject { ["error"] = ex.Message });
        }
        return EmulatorResponse.Json(200, new JsonObject { ["appId"] = appId, ["permission"] = permission, ["granted"] = granted });
    }

    public JsonObject Snapshot()
    {
        lock (state.Gate)
        {
            string Name(Guid id) => state.FindById(id) is { } o ? o.UserPrincipalName ?? o.PrimarySmtpAddress : id.ToString();
            var portal = state.FindApp(DemoTenant.PortalClientId);
            return new JsonObject
            {
                ["tenantId"] = DemoTenant.TenantId,
                ["domain"] = DemoTenant.Domain,
                ["instance"] = options.Instance,
                ["now"] = state.Now,
                ["portalApp"] = new JsonObject
                {
                    ["clientId"] = DemoTenant.PortalClientId,
                    ["clientSecret"] = DemoTenant.PortalClientSecret,
                    ["servicePrincipalId"] = DemoTenant.PortalServicePrincipalId,
                    ["displayName"] = DemoTenant.PortalDisplayName,
                    ["exchangeAdministrator"] = portal?.DirectoryRoles.Contains(TenantState.ExchangeAdministratorRole) == true,
                },
                ["restrictedApp"] = new JsonObject
                {
                    ["appId"] = DemoTenant.RestrictedAppId,
                    ["servicePrincipalId"] = DemoTenant.RestrictedServicePrincipalId,
                    ["displayName"] = DemoTenant.RestrictedAppDisplayName,
                },
                ["users"] = new JsonArray([.. state.Objects.Where(o => o.IsUser).Select(u => (JsonNode)new JsonObject
                {
                    ["id"] = u.Id.ToString(),
                    ["userPrincipalName"] = u.UserPrincipalName,
                    ["displayName"] = u.DisplayName,
                    ["mail"] = u.IsMailEnabled ? u.PrimarySmtpAddress : null,
                    ["recipientTypeDetails"] = u.Kind.ToString(),
                    ["roles"] = new JsonArray([.. u.PortalRoles.Select(x => (JsonNode)x)]),
                })]),
                ["groups"] = new JsonArray([.. state.Objects.Where(o => o.IsGroup).Select(g => (JsonNode)new JsonObject
                {
                    ["id"] = g.Id.ToString(),
                    ["name"] = g.Name,
                    ["displayName"] = g.DisplayName,
                    ["primarySmtpAddress"] = g.PrimarySmtpAddress,
                    ["recipientTypeDetails"] = g.Kind.ToString(),
                    ["distinguishedName"] = g.DistinguishedName,
                    ["visible"] = state.IsVisible(g),
                    ["managedBy"] = new JsonArray([.. g.ManagedBy.Select(id => (JsonNode)Name(id))]),
                    ["memberCount"] = g.Members.Count,
                    ["members"] = new JsonArray([.. g.Members.Take(200).Select(id => (JsonNode)Name(id))]),
                })]),
                ["policies"] = new JsonArray([.. state.Policies.Select(p => (JsonNode)new JsonObject
                {
                    ["appId"] = p.AppId,
                    ["scope"] = Name(p.ScopeId),
                    ["accessRight"] = p.AccessRight,
                    ["description"] = p.Description,
                    ["effectiveFrom"] = p.EffectiveFrom,
                })]),
                ["servicePrincipals"] = new JsonArray([.. state.ExchangeServicePrincipals.Select(x => (JsonNode)ExchangeShapes.ServicePrincipal(x))]),
                ["managementScopes"] = new JsonArray([.. state.Scopes.Select(x => (JsonNode)ExchangeShapes.Scope(x))]),
                ["assignments"] = new JsonArray([.. state.RoleAssignments.Select(x => (JsonNode)ExchangeShapes.RoleAssignment(x, null))]),
                ["sentMail"] = JsonSerializer.SerializeToNode(state.SentMail, Web),
                ["calls"] = JsonSerializer.SerializeToNode(state.Calls.TakeLast(500), Web),
                ["faults"] = JsonSerializer.SerializeToNode(FaultsDto.From(state.Faults), Web),
            };
        }
    }
}

/// <summary>The wire form of <see cref="EmulatorFaults"/>: durations in milliseconds or seconds, every field optional.</summary>
public sealed record FaultsDto(
    int? LatencyMs = null, double? ThrottleRate = null, int? RetryAfterSeconds = null, bool? RetryAfterAsHttpDate = null,
    double? UnavailableRate = null, double? TimeoutRate = null, double? TransientErrorRate = null,
    double? ReplicationDelaySeconds = null, double? PolicyPropagationDelaySeconds = null,
    int? BulkTimeoutAppliedThreshold = null, int? BulkTimeoutDroppedThreshold = null, int? Seed = null)
{
    public static FaultsDto From(EmulatorFaults f) => new((int)f.Latency.TotalMilliseconds, f.ThrottleRate, f.RetryAfterSeconds, f.RetryAfterAsHttpDate,
        f.UnavailableRate, f.TimeoutRate, f.TransientErrorRate,
        f.ReplicationDelay.TotalSeconds, f.PolicyPropagationDelay.TotalSeconds, f.BulkTimeoutAppliedThreshold, f.BulkTimeoutDroppedThreshold, f.Seed);

    public EmulatorFaults ApplyTo(EmulatorFaults current) => current with
    {
        Latency = LatencyMs is { } l ? TimeSpan.FromMilliseconds(l) : current.Latency,
        ThrottleRate = ThrottleRate ?? current.ThrottleRate,
        RetryAfterSeconds = RetryAfterSeconds ?? current.RetryAfterSeconds,
        RetryAfterAsHttpDate = RetryAfterAsHttpDate ?? current.RetryAfterAsHttpDate,
        TransientErrorRate = TransientErrorRate ?? current.TransientErrorRate,
        UnavailableRate = UnavailableRate ?? current.UnavailableRate,
        TimeoutRate = TimeoutRate ?? current.TimeoutRate,
        ReplicationDelay = ReplicationDelaySeconds is { } r ? TimeSpan.FromSeconds(r) : current.ReplicationDelay,
        PolicyPropagationDelay = PolicyPropagationDelaySeconds is { } p ? TimeSpan.FromSeconds(p) : current.PolicyPropagationDelay,
        BulkTimeoutAppliedThreshold = BulkTimeoutAppliedThreshold ?? current.BulkTimeoutAppliedThreshold,
        BulkTimeoutDroppedThreshold = BulkTimeoutDroppedThreshold ?? current.BulkTimeoutDroppedThreshold,
        Seed = Seed ?? current.Seed,
    };
}

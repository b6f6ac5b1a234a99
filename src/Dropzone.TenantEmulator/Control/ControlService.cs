namespace Dropzone.TenantEmulator.Control;

/// <summary>
/// /_emulator/_control: inspect the tenant, reset it, set faults, register a certificate, take the Exchange
/// role away. For tests, demos and benchmarks; the same operations exist on <see cref="TenantState"/>.
/// </summary>
public sealed class ControlService(TenantState state, EmulatorOptions options)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    // A misspelt fault field must be an error, not a fault silently left unset.
    private static readonly JsonSerializerOptions StrictWeb = new(Web) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

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
            dto = JsonSerializer.Deserialize<FaultsDto>(r.Body, StrictWeb);
        }
        catch (JsonException ex)
        {
            var field = ControlInput.FieldOf(ex);
            return ControlInput.Invalid(field, field == "body" ? "must be a JSON object of fault fields."
                : FaultsDto.Expected(field) is { } expected ? $"must be {expected}." : "is not a fault field.");
        }
        if (dto is null)
        {
            return ControlInput.Invalid("body", "is required: a JSON object of fault fields.");
        }
        if (dto.Problem() is { } problem)
        {
            return ControlInput.Invalid(problem.Field, problem.Message);
        }
        var faults = dto.ApplyTo(state.Faults);
        double[] rates = [faults.ThrottleRate, faults.UnavailableRate, faults.TimeoutRate, faults.TransientErrorRate];
        if (rates.Sum() > 1)
        {
            return ControlInput.Invalid("throttleRate + unavailableRate + timeoutRate + transientErrorRate",
                "are probabilities of one call; together they must not exceed 1.");
        }
        state.SetFaults(faults);
        return EmulatorResponse.Json(200, JsonSerializer.SerializeToNode(FaultsDto.From(faults), Web));
    }

    private EmulatorResponse RegisterCertificate(EmulatorRequest r)
    {
        var body = r.JsonBody();
        if (!ControlInput.TryRead<string>(body, "appId", "a string", out var appId, out var error)
            || !ControlInput.TryRead<string>(body, "certificate", "a base64 DER certificate (public part only)", out var der, out error))
        {
            return error!;
        }
        if (string.IsNullOrWhiteSpace(appId))
        {
            return ControlInput.Invalid("appId", "is required.");
        }
        if (string.IsNullOrWhiteSpace(der))
        {
            return ControlInput.Invalid("certificate", "is required: base64 DER, public part only.");
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(der));
        }
        catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
        {
            return ControlInput.Invalid("certificate", "is not a base64 DER certificate.");
        }
        using (certificate)
        {
            state.RegisterCertificate(appId, certificate);
            return EmulatorResponse.Json(200, new JsonObject { ["appId"] = appId, ["thumbprint"] = certificate.Thumbprint });
        }
    }

    private EmulatorResponse SetExchangeRole(string appId, EmulatorRequest r)
    {
        if (!ControlInput.TryRead<bool>(r.JsonBody(), "granted", "true or false", out var granted, out var error))
        {
            return error!;
        }
        var grant = r.JsonBody()?["granted"] is null || granted;
        state.SetExchangeAdministrator(appId, grant);
        return EmulatorResponse.Json(200, new JsonObject { ["appId"] = appId, ["exchangeAdministrator"] = grant });
    }

    private EmulatorResponse SetPermission(string appId, EmulatorRequest r)
    {
        var body = r.JsonBody();
        if (!ControlInput.TryRead<string>(body, "permission", "a permission name such as Mail.Read", out var permission, out var error)
            || !ControlInput.TryRead<bool>(body, "granted", "true or false", out var granted, out error))
        {
            return error!;
        }
        var grant = body?["granted"] is null || granted;
        try
        {
            state.SetApplicationPermission(appId, permission ?? "", grant);
        }
        catch (ArgumentException ex)
        {
            return ControlInput.Invalid("permission", ex.Message);
        }
        return EmulatorResponse.Json(200, new JsonObject { ["appId"] = appId, ["permission"] = permission, ["granted"] = grant });
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
                ["longOperationsRunning"] = state.LongOperationsRunning,
            };
        }
    }
}

/// <summary>The wire form of <see cref="EmulatorFaults"/>: durations in milliseconds or seconds, every field optional.</summary>
public sealed record FaultsDto(
    int? LatencyMs = null, double? ThrottleRate = null, int? RetryAfterSeconds = null, bool? RetryAfterAsHttpDate = null,
    double? UnavailableRate = null, double? TimeoutRate = null, double? TransientErrorRate = null,
    double? ReplicationDelaySeconds = null, double? GraphEnforcementDelaySeconds = null,
    int? BulkTimeoutAppliedThreshold = null, int? BulkTimeoutDroppedThreshold = null, int? Seed = null,
    double? LongOperationSeconds = null, int? LongOperationMemberThreshold = null, int? ThrottleBudget = null, double? ThrottleBudgetWindowSeconds = null,
    bool? AmbiguousIdentities = null)
{
    public static FaultsDto From(EmulatorFaults f) => new((int)f.Latency.TotalMilliseconds, f.ThrottleRate, f.RetryAfterSeconds, f.RetryAfterAsHttpDate,
        f.UnavailableRate, f.TimeoutRate, f.TransientErrorRate,
        f.ReplicationDelay.TotalSeconds, f.GraphEnforcementDelay.TotalSeconds, f.BulkTimeoutAppliedThreshold, f.BulkTimeoutDroppedThreshold, f.Seed,
        f.LongOperationDuration.TotalSeconds, f.LongOperationMemberThreshold, f.ThrottleBudget, f.ThrottleBudgetWindow.TotalSeconds, f.AmbiguousIdentities);

    private const double MaxDelaySeconds = 86_400;

    /// <summary>The first field whose value the emulator cannot honour, with what it must be.</summary>
    public (string Field, string Message)? Problem()
    {
        if (LatencyMs is < 0 or > 600_000)
        {
            return ("latencyMs", "must be between 0 and 600000 milliseconds.");
        }
        foreach (var (field, rate) in new[] { ("throttleRate", ThrottleRate), ("unavailableRate", UnavailableRate), ("timeoutRate", TimeoutRate), ("transientErrorRate", TransientErrorRate) })
        {
            if (rate is { } p && !(p >= 0 && p <= 1))
            {
                return (field, "must be a probability between 0 and 1.");
            }
        }
        if (RetryAfterSeconds is < 0 or > (int)MaxDelaySeconds)
        {
            return ("retryAfterSeconds", "must be between 0 and 86400 seconds.");
        }
        foreach (var (field, seconds) in new[] { ("replicationDelaySeconds", ReplicationDelaySeconds), ("graphEnforcementDelaySeconds", GraphEnforcementDelaySeconds), ("longOperationSeconds", LongOperationSeconds) })
        {
            if (seconds is { } s && !(s >= 0 && s <= MaxDelaySeconds))
            {
                return (field, "must be between 0 and 86400 seconds.");
            }
        }
        foreach (var (field, threshold) in new[] { ("bulkTimeoutAppliedThreshold", BulkTimeoutAppliedThreshold), ("bulkTimeoutDroppedThreshold", BulkTimeoutDroppedThreshold), ("longOperationMemberThreshold", LongOperationMemberThreshold) })
        {
            if (threshold is < 1)
            {
                return (field, "must be at least 1.");
            }
        }
        if (ThrottleBudget is < 0)
        {
            return ("throttleBudget", "must be 0 (no budget) or a number of calls.");
        }
        if (ThrottleBudgetWindowSeconds is { } window && !(window >= 1 && window <= MaxDelaySeconds))
        {
            return ("throttleBudgetWindowSeconds", "must be between 1 and 86400 seconds.");
        }
        return null;
    }

    /// <summary>What a field's value must be, for a message about a value of the wrong kind.</summary>
    public static string? Expected(string field) =>
        typeof(FaultsDto).GetProperties().FirstOrDefault(p => string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase))?.PropertyType switch
        {
            var t when t == typeof(bool?) => "true or false",
            var t when t == typeof(int?) => "a whole number",
            var t when t == typeof(double?) => "a number",
            _ => null,
        };

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
        GraphEnforcementDelay = GraphEnforcementDelaySeconds is { } p ? TimeSpan.FromSeconds(p) : current.GraphEnforcementDelay,
        BulkTimeoutAppliedThreshold = BulkTimeoutAppliedThreshold ?? current.BulkTimeoutAppliedThreshold,
        BulkTimeoutDroppedThreshold = BulkTimeoutDroppedThreshold ?? current.BulkTimeoutDroppedThreshold,
        Seed = Seed ?? current.Seed,
        LongOperationDuration = LongOperationSeconds is { } d ? TimeSpan.FromSeconds(d) : current.LongOperationDuration,
        LongOperationMemberThreshold = LongOperationMemberThreshold ?? current.LongOperationMemberThreshold,
        ThrottleBudget = ThrottleBudget ?? current.ThrottleBudget,
        ThrottleBudgetWindow = ThrottleBudgetWindowSeconds is { } w ? TimeSpan.FromSeconds(w) : current.ThrottleBudgetWindow,
        AmbiguousIdentities = AmbiguousIdentities ?? current.AmbiguousIdentities,
    };
}

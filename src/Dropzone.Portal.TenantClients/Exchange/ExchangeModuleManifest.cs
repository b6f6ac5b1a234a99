namespace Dropzone.Portal.TenantClients.Exchange;

/// <summary>
/// The cmdlets Exchange lets the portal's app run, as the module manifest lists them; <see cref="Outcome"/> says why
/// the list is missing (401: no Exchange.ManageAsApp, 403: no Exchange role, or the tenant did not answer).
/// </summary>
public sealed record ExchangeModuleManifest(ExchangeOutcome Outcome, IReadOnlySet<string> ExportedCmdlets);

/// <summary>
/// Reads <c>GET adminapi/v1.0/{tenant}/EXOModuleFile</c>: the manifest the ExchangeOnlineManagement module downloads
/// when it connects, whose <c>value[0].exportedCmdlets</c> names the cmdlets the caller's roles allow (open-source
/// clients of the same API read it to tell what a tenant allows). Sent through the Exchange client's pipeline
/// (retries, timeouts, the per-tenant concurrency limit).
/// </summary>
public sealed class ExchangeModuleManifestClient(IHttpClientFactory clients, ITenantTokenProvider tokens, IOptions<TenantClientsOptions> options)
{
    // The module version the manifest is asked for; the cmdlet list depends on the caller's roles, not on it.
    private const string ModuleVersion = "3.9.0";

    public async Task<ExchangeModuleManifest> GetAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var tenant = string.IsNullOrWhiteSpace(settings.TenantId) ? throw new InvalidOperationException(
            $"No tenant configured: set {TenantClientsOptions.SectionName}:TenantId or {settings.AzureAdSection}:TenantId to the tenant's GUID.") : settings.TenantId;
        string authorization;
        try
        {
            authorization = await tokens.GetAuthorizationHeaderAsync(settings.ExchangeScope, cancellationToken);
        }
        catch (TenantTokenException ex)
        {
            return Refused(new ExchangeOutcome.PermissionMissing(MissingPermission.AppCredentials, ex.Remedy, ex.Message));
        }

        var url = new Uri(settings.ExchangeBaseUrl, $"/adminapi/v1.0/{Uri.EscapeDataString(tenant)}/EXOModuleFile?Version={ModuleVersion}");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        request.Headers.TryAddWithoutValidation("X-ClientApplication", settings.ClientApplication);
        request.Options.Set(CallTelemetry.Key, new CallTelemetry("exchange", "EXOModuleFile", tenant));
        try
        {
            using var response = await clients.CreateClient(ExchangeClient.HttpClientName).SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return Refused(ExchangeErrorParser.Parse(response.StatusCode, body, null));
            }

            return ReadCmdlets(body) is { } cmdlets
                ? new ExchangeModuleManifest(new ExchangeOutcome.Success(), cmdlets)
                : Refused(new ExchangeOutcome.Other((int)response.StatusCode, "The module manifest is not the admin API's JSON (no value[0].exportedCmdlets)."));
        }
        catch (Exception ex) when (ex is TimeoutRejectedException or HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return Refused(new ExchangeOutcome.Transient($"The module manifest could not be read: {ex.GetType().Name}."));
        }
    }

    private static ExchangeModuleManifest Refused(ExchangeOutcome outcome) => new(outcome, new HashSet<string>());

    /// <summary><c>value[0].exportedCmdlets</c>: one comma-separated string of cmdlet names.</summary>
    internal static IReadOnlySet<string>? ReadCmdlets(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0
                && value[0].TryGetProperty("exportedCmdlets", out var exported) && exported.ValueKind == JsonValueKind.String)
            {
                return exported.GetString()!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .ToHashSet(StringComparer.OrdinalIgnoreCase);
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}

using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Dropzone.TenantEmulator.Directory;
using Dropzone.TenantEmulator.Entra;
using Dropzone.TenantEmulator.Hosting;
using Dropzone.TenantEmulator.State;
using Microsoft.AspNetCore.WebUtilities;

namespace Dropzone.TenantEmulator.Exchange;

/// <summary>
/// outlook.office365.com/adminapi/beta/{tenant}/InvokeCommand and $batch: authentication and authorization
/// as Exchange does them, then the cmdlet, then paging of the output.
/// </summary>
public sealed class ExchangeAdminService(TenantState state, TokenIssuer tokens)
{
    public const int MaxPageSize = 1000;
    public const int MaxBatchSize = 10;
    private static readonly TimeSpan NextLinkLifetime = TimeSpan.FromMinutes(10);

    private static readonly Dictionary<string, CmdletDefinition> Cmdlets =
        GroupCmdlets.All.Concat(AccessCmdlets.All).ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Parameters PowerShell accepts on every cmdlet; they change nothing here.</summary>
    private static readonly HashSet<string> CommonParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "Confirm", "ErrorAction", "WarningAction", "Verbose", "Debug", "InformationAction",
    };

    public static IReadOnlyCollection<string> CmdletNames => Cmdlets.Keys;

    public async Task<EmulatorResponse> HandleAsync(EmulatorRequest request)
    {
        var s = request.Segments;
        if (s.Length != 4 || !s[0].Equals("adminapi", StringComparison.OrdinalIgnoreCase))
        {
            return EmulatorResponse.Empty(404);
        }
        if (!s[1].Equals("beta", StringComparison.OrdinalIgnoreCase))
        {
            // Measured: only beta answers InvokeCommand.
            return EmulatorResponse.Empty(405);
        }
        if (request.Method != "POST")
        {
            return EmulatorResponse.Empty(405);
        }
        if (!s[2].Equals(DemoTenant.TenantId, StringComparison.OrdinalIgnoreCase) && !s[2].Equals(DemoTenant.Domain, StringComparison.OrdinalIgnoreCase))
        {
            return Unauthorized("The tenant in the URL does not match the token.");
        }
        var identity = await tokens.ValidateAsync(request.Header("Authorization"), TenantState.Resources[1].Audience, TenantState.ExchangeAppId);
        if (identity is null)
        {
            return Unauthorized("The access token is missing, invalid or expired.");
        }
        if (!identity.HasClaim(c => c.Type is "roles" or ClaimTypes.Role && c.Value == "Exchange.ManageAsApp"))
        {
            return Unauthorized("The access token lacks the Exchange.ManageAsApp application permission.");
        }
        var appId = identity.FindFirst("azp")?.Value ?? identity.FindFirst("appid")?.Value ?? "";
        lock (state.Gate)
        {
            if (state.FindApp(appId) is not { } app || !app.DirectoryRoles.Contains(TenantState.ExchangeAdministratorRole))
            {
                return Forbidden();
            }
        }
        return s[3] switch
        {
            "InvokeCommand" => Invoke(request, request.JsonBody(), appId),
            "$batch" => Batch(request, appId),
            _ => EmulatorResponse.Empty(404),
        };
    }

    private EmulatorResponse Invoke(EmulatorRequest request, JsonNode? body, string appId)
    {
        var input = JsonProperties.Get(body, "CmdletInput");
        var name = JsonProperties.Get(input, "CmdletName") is { } n && n.GetValueKind() == System.Text.Json.JsonValueKind.String ? n.GetValue<string>() : null;
        if (name is null || !Cmdlets.TryGetValue(name, out var cmdlet))
        {
            // Measured: an unknown cmdlet is a 403 whose body is NUL bytes.
            return Forbidden(name);
        }
        var parameters = new CmdletParameters(JsonProperties.Get(input, "Parameters") as JsonObject);
        var unknown = parameters.Names.FirstOrDefault(n => !cmdlet.Parameters.Contains(n, StringComparer.OrdinalIgnoreCase) && !CommonParameters.Contains(n));
        if (unknown is not null)
        {
            return Operation(cmdlet.Name, ExchangeCmdletException.BadParameter($"A parameter cannot be found that matches parameter name '{unknown}'.", ExchangeCmdletException.ParameterBinding)
                .ToResponse(cmdlet.Name));
        }
        var missing = cmdlet.Mandatory.FirstOrDefault(m => string.IsNullOrEmpty(parameters.Text(m)));
        if (missing is not null)
        {
            return Operation(cmdlet.Name, ExchangeCmdletException.BadParameter($"Cannot process command because of one or more missing mandatory parameters: {missing}.", ExchangeCmdletException.ParameterBinding)
                .ToResponse(cmdlet.Name));
        }
        var offset = 0;
        if (request.QueryValue("$skiptoken") is { } skipToken && !TryReadSkipToken(skipToken, out offset))
        {
            return Operation(cmdlet.Name, ExchangeCmdletException.BadParameter("The $skiptoken has expired or is not valid; run the command again.").ToResponse(cmdlet.Name));
        }
        List<JsonObject> rows;
        CmdletContext context;
        try
        {
            lock (state.Gate)
            {
                context = new CmdletContext(state, cmdlet.Name, parameters, appId);
                rows = [.. cmdlet.Run(context)];
            }
        }
        catch (ExchangeCmdletException ex)
        {
            return Operation(cmdlet.Name, ex.ToResponse(cmdlet.Name));
        }
        catch (ExchangeTimeoutException)
        {
            return Operation(cmdlet.Name, ExchangeTimeoutException.Response());
        }
        var pageSize = PageSize(request);
        var page = rows.Skip(offset).Take(pageSize).ToList();
        var result = new JsonObject
        {
            ["@odata.context"] = $"{request.ServiceBaseUrl}/adminapi/beta/{DemoTenant.TenantId}/$metadata#Collection(Exchange.GenericHashTable)",
            ["value"] = new JsonArray([.. page]),
        };
        if (offset + pageSize < rows.Count)
        {
            result["@odata.nextLink"] = QueryHelpers.AddQueryString($"{request.ServiceBaseUrl}/adminapi/beta/{DemoTenant.TenantId}/InvokeCommand", "$skiptoken", SkipToken(offset + pageSize));
        }
        if (context.Warnings.Count > 0)
        {
            result["@adminapi.warnings"] = new JsonArray([.. context.Warnings.Select(w => (JsonNode)w)]);
        }
        return Operation(cmdlet.Name, EmulatorResponse.Json(200, result));
    }

    private EmulatorResponse Batch(EmulatorRequest request, string appId)
    {
        if (JsonProperties.Get(request.JsonBody(), "requests") is not JsonArray requests || requests.Count == 0 || requests.Count > MaxBatchSize)
        {
            return ExchangeCmdletException.BadParameter($"A batch holds between 1 and {MaxBatchSize} requests.").ToResponse("$batch");
        }
        var responses = new JsonArray();
        foreach (var item in requests)
        {
            var id = item?["id"]?.ToString() ?? "";
            var url = item?["url"]?.GetValue<string>() ?? "";
            var query = url.Contains('?', StringComparison.Ordinal) ? QueryHelpers.ParseQuery(url[url.IndexOf('?', StringComparison.Ordinal)..]) : [];
            var inner = new EmulatorRequest
            {
                Service = request.Service,
                Method = "POST",
                Path = request.Path,
                Query = query,
                Headers = item?["headers"] is JsonObject h ? h.ToDictionary(kv => kv.Key, kv => kv.Value?.ToString() ?? "", StringComparer.OrdinalIgnoreCase) : EmulatorRequest.HeaderDictionary(),
                Body = [],
                ServiceBaseUrl = request.ServiceBaseUrl,
                BrowserLoginBaseUrl = request.BrowserLoginBaseUrl,
            };
            EmulatorResponse answer = url.Contains("InvokeCommand", StringComparison.OrdinalIgnoreCase)
                ? Invoke(inner, item?["body"]?.DeepClone(), appId)
                : EmulatorResponse.Empty(404);
            responses.Add(new JsonObject
            {
                ["id"] = id,
                ["status"] = answer.Status,
                ["body"] = answer.Body.Length > 0 && answer.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true ? JsonNode.Parse(answer.Body) : null,
            });
        }
        return EmulatorResponse.Json(200, new JsonObject { ["responses"] = responses });
    }

    private static int PageSize(EmulatorRequest request)
    {
        var prefer = request.Header("Prefer");
        const string key = "odata.maxpagesize=";
        var at = prefer?.IndexOf(key, StringComparison.OrdinalIgnoreCase) ?? -1;
        if (at >= 0 && int.TryParse(prefer![(at + key.Length)..].Split(',', ';')[0].Trim(), out var requested) && requested > 0)
        {
            return Math.Min(requested, MaxPageSize);
        }
        return MaxPageSize;
    }

    private string SkipToken(int offset) =>
        string.Create(CultureInfo.InvariantCulture, $"{offset}.{(state.Now + NextLinkLifetime).ToUnixTimeSeconds()}");

    private bool TryReadSkipToken(string token, out int offset)
    {
        var parts = token.Split('.');
        offset = 0;
        return parts.Length == 2 && int.TryParse(parts[0], out offset) && long.TryParse(parts[1], out var expires)
            && DateTimeOffset.FromUnixTimeSeconds(expires) > state.Now;
    }

    private static EmulatorResponse Operation(string name, EmulatorResponse response)
    {
        response.Operation = name;
        return response;
    }

    private static EmulatorResponse Unauthorized(string reason)
    {
        var r = EmulatorResponse.Json(401, new JsonObject { ["error"] = new JsonObject { ["code"] = "Unauthorized", ["message"] = reason } });
        r.Headers["WWW-Authenticate"] = $"Bearer client_id=\"{TenantState.ExchangeAppId}\", token_types=\"app_asserted_user_v1 service_asserted_app_v1\", error=\"invalid_token\"";
        return r;
    }

    /// <summary>Measured: Exchange answers 403 with a body of NUL bytes, not JSON.</summary>
    private static EmulatorResponse Forbidden(string? operation = null) =>
        new() { Status = 403, ContentType = "application/json; charset=utf-8", Body = new byte[16], Operation = operation };
}

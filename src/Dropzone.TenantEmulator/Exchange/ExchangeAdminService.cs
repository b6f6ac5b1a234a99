using Dropzone.TenantEmulator.Exchange.Reference;

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
    private readonly PagingCursors _cursors = new(state.Time, NextLinkLifetime);

    private static readonly Dictionary<string, CmdletDefinition> Cmdlets =
        GroupCmdlets.All.Concat(AccessCmdlets.All).ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyCollection<string> CmdletNames => Cmdlets.Keys;

    public async Task<EmulatorResponse> HandleAsync(EmulatorRequest request, CancellationToken cancellationToken = default)
    {
        var s = request.Segments;
        if (s.Length != 4 || !s[0].Equals("adminapi", StringComparison.OrdinalIgnoreCase))
        {
            return EmulatorResponse.Empty(404);
        }
        var moduleFile = s[3].Equals("EXOModuleFile", StringComparison.OrdinalIgnoreCase);
        if (moduleFile ? request.Method != "GET" || !s[1].Equals("v1.0", StringComparison.OrdinalIgnoreCase)
            : request.Method != "POST" || !s[1].Equals("beta", StringComparison.OrdinalIgnoreCase))
        {
            // Measured: only beta answers InvokeCommand; the module manifest is a GET on v1.0.
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
        AppRegistration caller;
        lock (state.Gate)
        {
            if (state.FindApp(appId) is not { } app || !ExchangeRoles.HasExchangeRole(app))
            {
                return Forbidden();
            }
            caller = app;
        }
        if (moduleFile)
        {
            return ModuleFile(request, caller);
        }
        List<Task> running = [];
        var response = s[3] switch
        {
            "InvokeCommand" => Invoke(request, request.JsonBody(), caller, running),
            "$batch" => Batch(request, caller, running),
            _ => EmulatorResponse.Empty(404),
        };
        // The answer waits for the operations the call started; a caller that stops waiting does not stop them.
        await Task.WhenAll(running).WaitAsync(cancellationToken);
        return response;
    }

    /// <summary>
    /// The module manifest the ExchangeOnlineManagement module downloads at connect time; <c>exportedCmdlets</c>
    /// lists what the caller's roles let it run (the open-source clients read it to tell what a tenant allows).
    /// </summary>
    private EmulatorResponse ModuleFile(EmulatorRequest request, AppRegistration caller)
    {
        string exported;
        lock (state.Gate)
        {
            exported = string.Join(',', ExchangeRoles.Exported(caller));
        }
        return Operation("EXOModuleFile", EmulatorResponse.Json(200, new JsonObject
        {
            ["@odata.context"] = $"{request.ServiceBaseUrl}/adminapi/v1.0/{DemoTenant.TenantId}/$metadata#EXOModuleFile",
            ["value"] = new JsonArray(new JsonObject
            {
                ["ModuleVersion"] = request.QueryValue("Version") ?? "3.9.0",
                ["exportedCmdlets"] = exported,
            }),
        }));
    }

    private EmulatorResponse Invoke(EmulatorRequest request, JsonNode? body, AppRegistration caller, List<Task> running)
    {
        var input = JsonProperties.Get(body, "CmdletInput");
        var name = JsonProperties.Get(input, "CmdletName") is { } n && n.GetValueKind() == System.Text.Json.JsonValueKind.String ? n.GetValue<string>() : null;
        if (name is null || !Cmdlets.TryGetValue(name, out var cmdlet))
        {
            // Measured: an unknown cmdlet is a 403 whose body is NUL bytes.
            return Forbidden(name);
        }
        bool allowed;
        lock (state.Gate)
        {
            allowed = ExchangeRoles.Allows(caller, cmdlet.Name);
        }
        if (!allowed)
        {
            return Operation(cmdlet.Name, NotAllowedToCall(cmdlet.Name));
        }
        var parameters = new CmdletParameters(JsonProperties.Get(input, "Parameters") as JsonObject);
        var target = parameters.Text("Identity");
        if (ParameterBinder.Bind(CmdletReference.Cmdlets[cmdlet.Name], parameters) is { } refused)
        {
            return Operation(cmdlet.Name, refused.ToResponse(cmdlet.Name, target));
        }
        var missing = cmdlet.Mandatory.FirstOrDefault(m => string.IsNullOrEmpty(parameters.Text(m)));
        if (missing is not null)
        {
            return Operation(cmdlet.Name, ExchangeCmdletException.BadParameter($"Cannot process command because of one or more missing mandatory parameters: {missing}.", ExchangeCmdletException.ParameterBinding)
                .ToResponse(cmdlet.Name, target));
        }
        var offset = 0;
        var skipToken = request.QueryValue("$skiptoken");
        List<JsonObject>? kept = null;
        if (skipToken is not null && !_cursors.TryRead(skipToken, out kept, out offset))
        {
            return Operation(cmdlet.Name, ExchangeCmdletException.BadParameter("The $skiptoken has expired or is not valid; run the command again.").ToResponse(cmdlet.Name));
        }
        List<JsonObject> rows;
        var context = new CmdletContext(state, cmdlet.Name, parameters, caller.AppId);
        try
        {
            lock (state.Gate)
            {
                // A next page comes from the output computed for the first one (PagingCursors).
                rows = kept ?? [.. cmdlet.Run(context)];
            }
        }
        catch (ExchangeCmdletException ex)
        {
            return Operation(cmdlet.Name, ex.ToResponse(cmdlet.Name, target));
        }
        catch (ExchangeTimeoutException)
        {
            running.AddRange(context.Running is { } started ? [started] : []);
            return Operation(cmdlet.Name, ExchangeTimeoutException.Response());
        }
        if (context.Running is { } operation)
        {
            running.Add(operation);
        }
        var pageSize = Preferences.Parse(request.Header("Prefer")).MaxPageSize(MaxPageSize);
        var select = request.QueryValue("$select")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var page = rows.Skip(offset).Take(pageSize).Select(row => Project(row, select)).ToList();
        var result = new JsonObject
        {
            ["@odata.context"] = $"{request.ServiceBaseUrl}/adminapi/beta/{DemoTenant.TenantId}/$metadata#Collection(Exchange.GenericHashTable)",
            ["value"] = new JsonArray([.. page]),
        };
        if (offset + pageSize < rows.Count)
        {
            var token = skipToken is null ? _cursors.Open(rows, offset + pageSize) : PagingCursors.Next(skipToken, offset + pageSize);
            var next = QueryHelpers.AddQueryString($"{request.ServiceBaseUrl}/adminapi/beta/{DemoTenant.TenantId}/InvokeCommand", "$skiptoken", token);
            result["@odata.nextLink"] = select is null ? next : QueryHelpers.AddQueryString(next, "$select", string.Join(',', select));
        }
        if (context.Warnings.Count > 0)
        {
            result["@adminapi.warnings"] = new JsonArray([.. context.Warnings.Select(w => (JsonNode)w)]);
        }
        return Operation(cmdlet.Name, EmulatorResponse.Json(200, result));
    }

    /// <summary><c>$select</c>: only the named properties of each row (names match case-insensitively, as OData's do).</summary>
    private static JsonObject Project(JsonObject row, string[]? select)
    {
        if (select is null || select.Length == 0)
        {
            // A kept row already sent once (a page asked for again) belongs to that answer: send a copy.
            return row.Parent is null ? row : (JsonObject)row.DeepClone();
        }
        var projected = new JsonObject();
        foreach (var (key, value) in row)
        {
            if (select.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                projected[key] = value?.DeepClone();
            }
        }
        return projected;
    }

    /// <summary>
    /// JSON batch as OData defines it: without <c>Prefer: odata.continue-on-error</c> the service stops at the first
    /// failed request and answers nothing for the rest; with it every request runs. A part whose answer is not JSON
    /// (the NUL-byte 403) gets no body, and never fails the batch as a whole.
    /// </summary>
    private EmulatorResponse Batch(EmulatorRequest request, AppRegistration caller, List<Task> running)
    {
        if (JsonProperties.Get(request.JsonBody(), "requests") is not JsonArray requests || requests.Count == 0 || requests.Count > MaxBatchSize)
        {
            return ExchangeCmdletException.BadParameter($"A batch holds between 1 and {MaxBatchSize} requests.").ToResponse("$batch");
        }
        var continueOnError = Preferences.Parse(request.Header("Prefer")).ContinueOnError;
        var responses = new List<(string Id, EmulatorResponse Answer)>();
        foreach (var item in requests)
        {
            var id = item?["id"]?.ToString() ?? "";
            var url = JsonProperties.Text(item?["url"]) ?? "";
            var query = url.Contains('?', StringComparison.Ordinal) ? QueryHelpers.ParseQuery(url[url.IndexOf('?', StringComparison.Ordinal)..]) : [];
            var headers = EmulatorRequest.HeaderDictionary();
            foreach (var (key, value) in item?["headers"] as JsonObject ?? [])
            {
                headers[key] = value?.ToString() ?? "";
            }
            var inner = new EmulatorRequest
            {
                Service = request.Service,
                Method = "POST",
                Path = request.Path,
                Query = query,
                Headers = headers,
                Body = [],
                ServiceBaseUrl = request.ServiceBaseUrl,
                BrowserLoginBaseUrl = request.BrowserLoginBaseUrl,
            };
            var answer = url.Contains("InvokeCommand", StringComparison.OrdinalIgnoreCase)
                ? Invoke(inner, item?["body"]?.DeepClone(), caller, running)
                : EmulatorResponse.Empty(404);
            responses.Add((id, answer));
            if (answer.Status >= 400 && !continueOnError)
            {
                break;
            }
        }
        return BatchResponse(responses);
    }

    /// <summary>The batch's answer, each part's JSON body written into it as it is (a part can hold a thousand rows: not parsed again).</summary>
    private static EmulatorResponse BatchResponse(IReadOnlyList<(string Id, EmulatorResponse Answer)> responses)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, new System.Text.Json.JsonWriterOptions { Encoder = EmulatorResponse.Compact.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("responses");
            foreach (var (id, answer) in responses)
            {
                writer.WriteStartObject();
                writer.WriteString("id", id);
                writer.WriteNumber("status", answer.Status);
                writer.WritePropertyName("body");
                if (IsJsonBody(answer))
                {
                    // IsJsonBody has read the whole body already; the writer need not validate it a second time.
                    writer.WriteRawValue(answer.Body, skipInputValidation: true);
                }
                else
                {
                    writer.WriteNullValue();
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return new EmulatorResponse { Status = 200, ContentType = "application/json; charset=utf-8", Body = buffer.ToArray() };
    }

    /// <summary>A body a batch part can carry as JSON: the NUL-byte 403 and other non-JSON bodies become null.</summary>
    private static bool IsJsonBody(EmulatorResponse answer)
    {
        if (answer.Body.Length == 0 || answer.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            return false;
        }
        var reader = new System.Text.Json.Utf8JsonReader(answer.Body);
        try
        {
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
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

    /// <summary>The app's roles lack the cmdlet: 401 with the text of MicrosoftDocs/office-docs-powershell#7970.</summary>
    private static EmulatorResponse NotAllowedToCall(string cmdlet)
    {
        var text = $"User is not allowed to call {cmdlet}";
        return EmulatorResponse.Json(401, new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = "Unauthorized",
                ["message"] = text,
                ["innererror"] = new JsonObject { ["message"] = text, ["type"] = "Microsoft.Exchange.Admin.OData.Core.ODataServiceException" },
            },
        });
    }

    /// <summary>Measured: Exchange answers 403 with a body of NUL bytes, not JSON.</summary>
    private static EmulatorResponse Forbidden(string? operation = null) =>
        new() { Status = 403, ContentType = "application/json; charset=utf-8", Body = new byte[16], Operation = operation };
}

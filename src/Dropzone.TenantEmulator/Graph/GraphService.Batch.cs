namespace Dropzone.TenantEmulator.Graph;

/// <summary>JSON <c>$batch</c> and Graph's error bodies.</summary>
public sealed partial class GraphService
{
    /// <summary>A <c>$batch</c>: authenticated once, as Graph does, then each part answered in turn.</summary>
    private EmulatorResponse Batch(EmulatorRequest request, ClaimsIdentity identity)
    {
        if (JsonProperties.Get(request.JsonBody(), "requests") is not JsonArray requests || requests.Count == 0)
        {
            return Error(400, "BadRequest", "Invalid batch payload format.");
        }
        if (requests.Count > MaxBatchSize)
        {
            return Error(400, "BadRequest", $"The number of batch requests exceeds the limit of {MaxBatchSize}.");
        }
        var responses = new JsonArray();
        foreach (var item in requests)
        {
            var url = item?["url"]?.GetValue<string>() ?? "";
            var (path, query) = url.Split('?', 2) is var parts && parts.Length == 2 ? (parts[0], "?" + parts[1]) : (url, "");
            var headers = EmulatorRequest.HeaderDictionary();
            headers["Authorization"] = request.Header("Authorization") ?? "";
            if (item?["headers"] is JsonObject h)
            {
                foreach (var (k, v) in h)
                {
                    headers[k] = v?.ToString() ?? "";
                }
            }
            var inner = new EmulatorRequest
            {
                Service = EmulatedService.Graph,
                Method = item?["method"]?.GetValue<string>()?.ToUpperInvariant() ?? "GET",
                Path = "/v1.0/" + path.TrimStart('/'),
                Query = QueryHelpers.ParseQuery(query),
                Headers = headers,
                Body = item?["body"] is { } b ? System.Text.Encoding.UTF8.GetBytes(b.ToJsonString()) : [],
                ServiceBaseUrl = request.ServiceBaseUrl,
                BrowserLoginBaseUrl = request.BrowserLoginBaseUrl,
            };
            // Each part spends the tenant's Graph budget like a request of its own; a spent budget throttles that part alone.
            var wait = state.SpendBudget(nameof(EmulatedService.Graph));
            var answer = wait is null ? Handle(inner, identity)
                : Error(429, "TooManyRequests", "Too many requests. Please retry after the time given in Retry-After.");
            // Graph evaluates (and throttles) each part as a request of its own; the call log shows each.
            state.RecordCall(new CallRecord(state.Now, state.Now, "graph", inner.Method, inner.Path, "$batch part " + answer.Operation, answer.Status));
            responses.Add(new JsonObject
            {
                ["id"] = item?["id"]?.ToString(),
                ["status"] = answer.Status,
                ["headers"] = wait is { } after
                    ? new JsonObject { ["Content-Type"] = answer.ContentType ?? "application/json", ["Retry-After"] = Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture) }
                    : new JsonObject { ["Content-Type"] = answer.ContentType ?? "application/json" },
                ["body"] = answer.Body.Length > 0 ? JsonNode.Parse(answer.Body) : null,
            });
        }
        return EmulatorResponse.Json(200, new JsonObject { ["responses"] = responses });
    }

    internal static EmulatorResponse Error(int status, string code, string message) => EmulatorResponse.Json(status, new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["code"] = code,
            ["message"] = message,
            ["innerError"] = new JsonObject
            {
                ["date"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture),
                ["request-id"] = Guid.NewGuid().ToString(),
                ["client-request-id"] = Guid.NewGuid().ToString(),
            },
        },
    });

    private static EmulatorResponse NotFound(string id) =>
        Error(404, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");
}

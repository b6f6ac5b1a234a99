namespace Dropzone.TenantEmulator.Hosting;

/// <summary>Which emulated Microsoft service a request is for; each has its own host and path prefix.</summary>
public enum EmulatedService
{
    Login,
    Graph,
    Outlook,
    Control,
}

/// <summary>
/// A request as the emulator sees it, whichever way it came in (the <c>/_emulator</c> mount or the
/// in-process <see cref="EmulatorHttpHandler"/>), so that both paths run exactly the same code.
/// </summary>
public sealed class EmulatorRequest
{
    public required EmulatedService Service { get; init; }
    public required string Method { get; init; }
    /// <summary>Path below the service root, starting with '/', e.g. "/v1.0/users".</summary>
    public required string Path { get; init; }
    public required Dictionary<string, StringValues> Query { get; init; }
    public required Dictionary<string, string> Headers { get; init; }
    public required byte[] Body { get; init; }
    /// <summary>Absolute URL of this service's root as the caller addressed it, without trailing '/'.</summary>
    public required string ServiceBaseUrl { get; init; }
    /// <summary>The browser-facing root of the login service (the portal's <c>/_emulator/login</c>).</summary>
    public required string BrowserLoginBaseUrl { get; init; }

    public string[] Segments => Path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    public string? QueryValue(string name) => Query.TryGetValue(name, out var v) ? v.ToString() : null;

    public string BodyText => Encoding.UTF8.GetString(Body);

    public Dictionary<string, StringValues> Form() => QueryHelpers.ParseQuery(BodyText);

    public JsonNode? JsonBody()
    {
        try
        {
            return Body.Length == 0 ? null : JsonNode.Parse(Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static Dictionary<string, string> HeaderDictionary() => new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>A response before it is written to an <c>HttpResponse</c> or an <c>HttpResponseMessage</c>.</summary>
public sealed class EmulatorResponse
{
    public int Status { get; init; } = 200;
    public string? ContentType { get; init; }
    public byte[] Body { get; init; } = [];
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>What the call did, for the call log (a cmdlet name, a grant type).</summary>
    public string? Operation { get; set; }

    // The one encoder of every emulator body (and of JSON nested in one). Relaxed escaping keeps quotes and apostrophes readable in error texts; the bodies are never embedded in HTML.
    internal static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static EmulatorResponse Json(int status, JsonNode? body) => new()
    {
        Status = status,
        ContentType = "application/json; charset=utf-8",
        Body = body is null ? "null"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(body, Compact),
    };

    public static EmulatorResponse Html(string html) => new()
    {
        Status = 200,
        ContentType = "text/html; charset=utf-8",
        Body = Encoding.UTF8.GetBytes(html),
    };

    public static EmulatorResponse Redirect(string location)
    {
        var r = new EmulatorResponse { Status = 302 };
        r.Headers["Location"] = location;
        return r;
    }

    public static EmulatorResponse Empty(int status) => new() { Status = status };
}

namespace Dropzone.Portal.TenantClients.Exchange;

/// <summary>
/// Reads an Exchange admin API error answer, in every shape EXCHANGE.md lists, into an
/// <see cref="ExchangeOutcome"/>. Pure and total: a body of any shape (NUL bytes, HTML, truncated JSON)
/// yields an outcome, never an exception.
/// </summary>
public static partial class ExchangeErrorParser
{
    /// <summary>Exception names that mean "try again" whatever the status code says.</summary>
    public static readonly IReadOnlyList<string> TransientExceptionNames =
    [
        "DCOverloadedException",
        "ServerInMMException",
        "SuitabilityDirectoryException",
        "ADServerSettingsChangedException",
        "StorageTransientException",
        "ServerBusyException",
        "TransientException",
    ];

    private const int MaxMessageLength = 2000;

    /// <summary>The error details found in a body: the most specific message and exception type.</summary>
    public readonly record struct ErrorDetail(string? ExceptionType, string? Message, string? Code);

    public static ExchangeOutcome Parse(HttpStatusCode status, ReadOnlySpan<byte> body, TimeSpan? retryAfter = null)
    {
        try
        {
            var detail = ReadDetail(body);
            return Classify((int)status, detail, retryAfter);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Unreachable by design; kept so that a parser bug degrades to "Other" instead of failing a job.
            return new ExchangeOutcome.Other((int)status, $"Unreadable answer ({ex.GetType().Name}).");
        }
    }

    public static ExchangeOutcome Parse(HttpStatusCode status, string? body, TimeSpan? retryAfter = null) =>
        Parse(status, Encoding.UTF8.GetBytes(body ?? string.Empty), retryAfter);

    /// <summary>
    /// Finds the most specific error text: <c>innererror.internalexception</c>, then <c>details[0].message</c>
    /// (<c>|Type|text</c>, <c>ErrId|Type|text</c> or JSON <c>{"Message","TypeName"}</c>), then <c>error.message</c>.
    /// </summary>
    public static ErrorDetail ReadDetail(ReadOnlySpan<byte> body)
    {
        if (IsBlank(body))
        {
            return default;
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (!JsonDocument.TryParseValue(ref reader, out var parsed) || parsed is null)
            {
                return new ErrorDetail(null, Snippet(body), null);
            }

            document = parsed;
        }
        catch (JsonException)
        {
            // HTML from a proxy, plain text, a truncated body: keep a short snippet for the admin.
            return new ErrorDetail(null, Snippet(body), null);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Property(root, "error") is not { } error)
            {
                return new ErrorDetail(null, Truncate(root.GetRawText()), null);
            }

            if (error.ValueKind == JsonValueKind.String)
            {
                return new ErrorDetail(null, Truncate(error.GetString()), null);
            }

            if (error.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            var code = StringProperty(error, "code");
            string? type = null;
            string? message = null;

            // Live bodies spell these innererror/innerError and internalexception/internalException, and some carry
            // the message and type on innererror itself ("User is not allowed to call ..."): read every variant.
            if (Property(error, "innererror") is { ValueKind: JsonValueKind.Object } inner)
            {
                if (Property(inner, "internalexception") is { ValueKind: JsonValueKind.Object } internalException)
                {
                    type = StringProperty(internalException, "type");
                    message = StringProperty(internalException, "message");
                }

                type ??= StringProperty(inner, "type");
                if (string.IsNullOrWhiteSpace(message))
                {
                    message = StringProperty(inner, "message");
                }
            }

            if (string.IsNullOrWhiteSpace(message) || type is null)
            {
                if (Property(error, "details") is { ValueKind: JsonValueKind.Array } details
                    && details.GetArrayLength() > 0 && details[0].ValueKind == JsonValueKind.Object)
                {
                    var (detailType, detailMessage) = ParseDetailMessage(StringProperty(details[0], "message"));
                    type ??= detailType;
                    if (string.IsNullOrWhiteSpace(message))
                    {
                        message = detailMessage;
                    }
                }
            }

            if (string.IsNullOrWhiteSpace(message))
            {
                message = StringProperty(error, "message");
            }

            return new ErrorDetail(ShortTypeName(type), Truncate(message), code);
        }
    }

    /// <summary>Reads <c>|Type|text</c>, <c>ErrId|Type|text</c>, or <c>{"Message":..,"TypeName":..}</c>.</summary>
    public static (string? Type, string? Message) ParseDetailMessage(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, null);
        }

        var trimmed = text.Trim();
        if (trimmed.StartsWith('{'))
        {
            try
            {
                using var json = JsonDocument.Parse(trimmed);
                if (json.RootElement.ValueKind == JsonValueKind.Object)
                {
                    return (StringProperty(json.RootElement, "TypeName"), StringProperty(json.RootElement, "Message"));
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: fall through to the pipe forms and the raw text.
            }
        }

        var parts = trimmed.Split('|', 3);
        if (parts.Length == 3 && LooksLikeTypeName(parts[1]))
        {
            return (parts[1], parts[2]);
        }

        return (null, trimmed);
    }

    private static ExchangeOutcome Classify(int status, ErrorDetail detail, TimeSpan? retryAfter)
    {
        var type = detail.ExceptionType;
        var message = detail.Message ?? string.Empty;
        ExchangeOutcome outcome = Decide(status, type, message, detail.Code, retryAfter);
        return outcome with { ExceptionType = type };
    }

    private static ExchangeOutcome Decide(int status, string? type, string message, string? code, TimeSpan? retryAfter)
    {
        var display = message.Length > 0 ? message : DefaultMessage(status);

        if (status == 429)
        {
            return new ExchangeOutcome.Throttled(retryAfter, display);
        }

        if (NamesTransient(type) || NamesTransient(message))
        {
            return new ExchangeOutcome.Transient(display);
        }

        // Exchange names the exception ManagementObjectNotFoundException or ManagementObjectAmbiguousException;
        // the text is what tells "several match" from "none match".
        if (message.Contains("matches multiple entries", StringComparison.OrdinalIgnoreCase) || type == "ManagementObjectAmbiguousException")
        {
            return new ExchangeOutcome.Ambiguous(display);
        }

        switch (type)
        {
            case "MemberAlreadyExistsException":
                return new ExchangeOutcome.MemberAlreadyPresent(display);
            case "MemberNotFoundException":
                return new ExchangeOutcome.MemberAbsent(display);
            case "ManagementObjectNotFoundException":
                return new ExchangeOutcome.NotFound(display);
            case "ProxyAddressExistsException":
                return new ExchangeOutcome.AlreadyExists(ConflictingProperty.Address, display);
            case "ADObjectAlreadyExistsException":
                return new ExchangeOutcome.AlreadyExists(WhichConflict(message), display);
        }

        if (type is not null && type.EndsWith("AlreadyExistsException", StringComparison.Ordinal))
        {
            return new ExchangeOutcome.AlreadyExists(WhichConflict(message), display);
        }

        // The app holds Exchange.ManageAsApp but none of its Exchange roles has this cmdlet (MicrosoftDocs/office-docs-powershell#7970).
        if (status == 401 && NotAllowedToCall().Match(message) is { Success: true } notAllowed)
        {
            var cmdlet = notAllowed.Groups["cmdlet"].Value;
            return new ExchangeOutcome.PermissionMissing(MissingPermission.ExchangeRoleLacksCmdlet, Remedies.ExchangeRoleLacksCmdlet(cmdlet), display) { Cmdlet = cmdlet };
        }

        return status switch
        {
            401 => new ExchangeOutcome.PermissionMissing(MissingPermission.ExchangeManageAsApp, Remedies.ExchangeManageAsApp, display),
            403 => new ExchangeOutcome.PermissionMissing(MissingPermission.ExchangeAdministratorRole, Remedies.ExchangeAdministratorRole, display),
            404 => new ExchangeOutcome.NotFound(display),
            408 or 504 => new ExchangeOutcome.Timeout(display),
            503 or 502 => new ExchangeOutcome.Transient(display),
            400 or 405 or 409 or 413 or 422 => new ExchangeOutcome.InvalidInput(display),
            _ when (type is not null && type.EndsWith("NotFoundException", StringComparison.Ordinal)) => new ExchangeOutcome.NotFound(display),
            _ when code == "BadRequest" => new ExchangeOutcome.InvalidInput(display),
            _ => new ExchangeOutcome.Other(status, display),
        };
    }

    private static ConflictingProperty WhichConflict(string message)
    {
        if (message.Contains("alias", StringComparison.OrdinalIgnoreCase))
        {
            return ConflictingProperty.Alias;
        }

        if (message.Contains("proxy address", StringComparison.OrdinalIgnoreCase)
            || message.Contains("smtp", StringComparison.OrdinalIgnoreCase)
            || message.Contains("email address", StringComparison.OrdinalIgnoreCase))
        {
            return ConflictingProperty.Address;
        }

        return ConflictingProperty.Name;
    }

    public static bool NamesTransient(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        foreach (var name in TransientExceptionNames)
        {
            if (text.Contains(name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string DefaultMessage(int status) => status switch
    {
        401 => "Exchange refused the portal's token (401).",
        403 => "Exchange refused the call (403).",
        404 => "Not found (404).",
        429 => "Exchange is throttling the portal (429).",
        503 => "Exchange is unavailable (503).",
        504 => "Exchange did not answer in time (504).",
        _ => string.Create(CultureInfo.InvariantCulture, $"Exchange answered {status} without details."),
    };

    private static string? ShortTypeName(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return null;
        }

        var trimmed = type.Trim();
        var dot = trimmed.LastIndexOf('.');
        return dot >= 0 ? trimmed[(dot + 1)..] : trimmed;
    }

    private static bool LooksLikeTypeName(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '+');

    private static string? StringProperty(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    /// <summary>OData property names match case-insensitively; an exact match wins.</summary>
    private static JsonElement? Property(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (element.TryGetProperty(name, out var exact))
        {
            return exact;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static bool IsBlank(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            // The 403 of a missing role is a body of NUL bytes.
            if (b is not (0 or (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Snippet(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body[..Math.Min(body.Length, 4096)]);
        if (text.Contains('<', StringComparison.Ordinal))
        {
            // An HTML error page: its <title> is the useful part.
            var start = text.IndexOf("<title>", StringComparison.OrdinalIgnoreCase);
            var end = start >= 0 ? text.IndexOf("</title>", start, StringComparison.OrdinalIgnoreCase) : -1;
            if (start >= 0 && end > start)
            {
                return Truncate(text[(start + 7)..end].Trim())!;
            }
        }

        var sb = new StringBuilder(Math.Min(text.Length, 300));
        foreach (var c in text)
        {
            if (sb.Length >= 300)
            {
                break;
            }

            sb.Append(char.IsControl(c) ? ' ' : c);
        }

        return sb.ToString().Trim();
    }

    private static string? Truncate(string? text) =>
        text is null ? null : text.Length <= MaxMessageLength ? text : text[..MaxMessageLength];

    [System.Text.RegularExpressions.GeneratedRegex(@"is not allowed to call (?<cmdlet>[A-Za-z]+-[A-Za-z0-9]+)", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex NotAllowedToCall();
}

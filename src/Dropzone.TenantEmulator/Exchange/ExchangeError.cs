namespace Dropzone.TenantEmulator.Exchange;

/// <summary>The three forms the live service uses in <c>details[0].message</c>; clients must read all of them.</summary>
public enum ErrorDetailForm
{
    /// <summary><c>|Type.Name|text</c></summary>
    Pipe,
    /// <summary><c>ErrId|Type.Name|text</c></summary>
    ErrorIdPipe,
    /// <summary><c>{"Message":"...","TypeName":"Type.Name"}</c> as a JSON string</summary>
    JsonString,
}

/// <summary>A cmdlet failure, rendered as the admin API's error JSON with its exception type name.</summary>
public sealed class ExchangeCmdletException(int status, string exceptionType, string text, ErrorDetailForm form, string topMessage = "Error executing cmdlet")
    : Exception(text)
{
    public int Status { get; } = status;
    public string ExceptionType { get; } = exceptionType;

    public const string NotFound = "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException";
    public const string AlreadyExists = "Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException";
    public const string ProxyAddressExists = "Microsoft.Exchange.Data.ProxyAddressExistsException";
    public const string MemberAlreadyExists = "Microsoft.Exchange.Management.Tasks.MemberAlreadyExistsException";
    public const string MemberNotFound = "Microsoft.Exchange.Management.Tasks.MemberNotFoundException";
    public const string RecipientTask = "Microsoft.Exchange.Management.Tasks.RecipientTaskException";
    public const string ParameterBinding = "System.Management.Automation.ParameterBindingException";
    public const string GroupManagerRequired = "Microsoft.Exchange.Configuration.Tasks.OperationRequiresGroupManagerException";
    public const string DataValidation = "Microsoft.Exchange.Data.DataValidationException";
    public const string TaskArgument = "Microsoft.Exchange.Configuration.Tasks.TaskArgumentException";

    public static ExchangeCmdletException ObjectNotFound(string identity) =>
        new(404, NotFound, $"The operation couldn't be performed because object '{identity}' couldn't be found on 'AM6PR01A001DC02.EURPR01A001.PROD.OUTLOOK.COM'.", ErrorDetailForm.Pipe);

    /// <summary>What the error is about (a parameter or an identity); the cmdlet's Identity when unset.</summary>
    public string? Target { get; init; }

    /// <summary>An identity several recipients share: Exchange picks none (the text is what clients can rely on).</summary>
    public static ExchangeCmdletException Ambiguous(string identity) =>
        new(404, NotFound, $"The operation couldn't be performed because '{identity}' matches multiple entries.", ErrorDetailForm.Pipe) { Target = identity };

    public static ExchangeCmdletException BadParameter(string text, string type = TaskArgument, string? target = null) =>
        new(400, type, text, ErrorDetailForm.JsonString, "Invalid Operation") { Target = target };

    /// <summary>
    /// Exchange's short error id, "Ex" and six hex digits (e.g. <c>Ex6F9304|...ManagementObjectNotFoundException|...</c>,
    /// timmcmic/DLConversionV2#130): stable per exception type, as the live ids are.
    /// </summary>
    public string ErrorId => $"Ex{Fnv1a(ExceptionType) & 0xFFFFFF:X6}";

    // string.GetHashCode is randomized per process; the id must be the same on every run.
    private static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return hash;
    }

    public EmulatorResponse ToResponse(string cmdletName, string? target = null)
    {
        var detail = form switch
        {
            ErrorDetailForm.Pipe => $"|{ExceptionType}|{Message}",
            ErrorDetailForm.ErrorIdPipe => $"{ErrorId}|{ExceptionType}|{Message}",
            // Written with the same encoder as the body around it, so an apostrophe reads as one, not as \u0027.
            _ => new JsonObject { ["Message"] = Message, ["TypeName"] = ExceptionType }.ToJsonString(EmulatorResponse.Compact),
        };
        return EmulatorResponse.Json(Status, new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = Status == 404 ? "NotFound" : "BadRequest",
                ["message"] = topMessage,
                ["details"] = new JsonArray(new JsonObject { ["code"] = "Client", ["target"] = Target ?? target ?? "", ["message"] = detail }),
                ["innererror"] = new JsonObject
                {
                    ["message"] = Message,
                    ["type"] = ExceptionType,
                    ["internalexception"] = new JsonObject { ["message"] = Message, ["type"] = ExceptionType },
                },
            },
        });
    }
}

/// <summary>The large-array trap: the call answers a gateway timeout, after applying the change or not.</summary>
public sealed class ExchangeTimeoutException(bool applied) : Exception("The operation has timed out.")
{
    public bool Applied { get; } = applied;

    public static EmulatorResponse Response() => EmulatorResponse.Json(504, new JsonObject
    {
        ["error"] = new JsonObject { ["code"] = "GatewayTimeout", ["message"] = "The operation has timed out." },
    });
}

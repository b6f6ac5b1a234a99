namespace Dropzone.Portal.TenantClients.Tests.Exchange;

/// <summary>Recorded answer bodies, one per wire variant of EXCHANGE.md, and the typed outcome each must give.</summary>
public class ExchangeErrorParserTests
{
    private const string InnerErrorNotFound = """
        {"error":{"code":"NotFound","message":"Error executing cmdlet","details":[{"code":"Client","target":"","message":"ignored"}],
         "innererror":{"internalexception":{"message":"The operation couldn't be performed because object 'x@contoso.com' couldn't be found on 'AM0PR01A001DC01.EURPR01A001.prod.outlook.com'.",
         "type":"Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException"}}}}
        """;

    private const string PipeFormMemberExists = """
        {"error":{"code":"BadRequest","message":"Error executing cmdlet","details":[{"code":"Client","target":"",
         "message":"|Microsoft.Exchange.Management.Tasks.MemberAlreadyExistsException|The recipient \"pat@contoso.com\" is already a member of the group \"Dropzone\"."}]}}
        """;

    private const string ErrIdPipeFormMemberAbsent = """
        {"error":{"code":"BadRequest","message":"Error executing cmdlet","details":[{"code":"Client","target":"",
         "message":"Ex4F8AA2|Microsoft.Exchange.Management.Tasks.MemberNotFoundException|Couldn't find object \"pat@contoso.com\". Please make sure that it was spelled correctly."}]}}
        """;

    private const string JsonFormProxyExists = """
        {"error":{"code":"BadRequest","message":"Invalid Operation","details":[{"code":"Client","target":"",
         "message":"{\"Message\":\"The proxy address \\\"SMTP:dropzone@contoso.com\\\" is already being used by the proxy addresses or LegacyExchangeDN.\",\"TypeName\":\"Microsoft.Exchange.Data.Directory.ADObjects.ProxyAddressExistsException\"}"}]}}
        """;

    private const string NameExists = """
        {"error":{"code":"BadRequest","message":"Error executing cmdlet","details":[{"code":"Client","target":"",
         "message":"|Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException|Active Directory operation failed on AM0P. The object 'CN=Dropzone,OU=contoso.onmicrosoft.com' already exists."}]}}
        """;

    private const string AliasExists = """
        {"error":{"code":"BadRequest","message":"Error executing cmdlet","innererror":{"internalexception":{"type":"Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException",
         "message":"The alias \"dropzone\" is already being used by another recipient."}}}}
        """;

    private const string MessageOnly = """{"error":{"code":"BadRequest","message":"A parameter cannot be found that matches parameter name 'Bogus'."}}""";

    private const string TransientIn400 = """
        {"error":{"code":"BadRequest","message":"Error executing cmdlet","details":[{"code":"Client","target":"",
         "message":"|Microsoft.Exchange.Data.Directory.DCOverloadedException|The domain controller is overloaded."}]}}
        """;

    private const string Html = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>";

    [Fact]
    public void Parse_InnerErrorInternalException_IsReadFirst()
    {
        var outcome = ExchangeErrorParser.Parse(HttpStatusCode.NotFound, InnerErrorNotFound);

        var notFound = Assert.IsType<ExchangeOutcome.NotFound>(outcome);
        Assert.StartsWith("The operation couldn't be performed", notFound.Message, StringComparison.Ordinal);
        Assert.Equal("ManagementObjectNotFoundException", outcome.ExceptionType);
    }

    /// <summary>Add or remove of a member that is already in place is a success, in either pipe form of the details.</summary>
    [Theory]
    [InlineData(PipeFormMemberExists, typeof(ExchangeOutcome.MemberAlreadyPresent), "The recipient")]
    [InlineData(ErrIdPipeFormMemberAbsent, typeof(ExchangeOutcome.MemberAbsent), "Couldn't find object")]
    public void Parse_DetailsPipeForms_MemberAlreadyInPlaceIsSuccess(string body, Type expected, string messageStart)
    {
        var outcome = ExchangeErrorParser.Parse(HttpStatusCode.BadRequest, body);

        Assert.IsType(expected, outcome);
        Assert.True(outcome.IsSuccess);
        Assert.StartsWith(messageStart, outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DetailsJsonForm_IsAlreadyExistsOnAddress()
    {
        var outcome = ExchangeErrorParser.Parse(HttpStatusCode.BadRequest, JsonFormProxyExists);

        var exists = Assert.IsType<ExchangeOutcome.AlreadyExists>(outcome);
        Assert.Equal(ConflictingProperty.Address, exists.Property);
        Assert.Contains("SMTP:dropzone@contoso.com", exists.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(NameExists, ConflictingProperty.Name)]
    [InlineData(AliasExists, ConflictingProperty.Alias)]
    public void Parse_ObjectAlreadyExists_NamesTheProperty(string body, ConflictingProperty expected)
    {
        var exists = Assert.IsType<ExchangeOutcome.AlreadyExists>(ExchangeErrorParser.Parse(HttpStatusCode.BadRequest, body));

        Assert.Equal(expected, exists.Property);
    }

    [Fact]
    public void Parse_ErrorMessageOnly_IsInvalidInputWithExchangesWords()
    {
        var invalid = Assert.IsType<ExchangeOutcome.InvalidInput>(ExchangeErrorParser.Parse(HttpStatusCode.BadRequest, MessageOnly));

        Assert.Equal("A parameter cannot be found that matches parameter name 'Bogus'.", invalid.Message);
    }

    [Fact]
    public void Parse_NulBytes403_IsExchangeRoleMissing()
    {
        var outcome = ExchangeErrorParser.Parse(HttpStatusCode.Forbidden, new byte[16]);

        var missing = Assert.IsType<ExchangeOutcome.PermissionMissing>(outcome);
        Assert.Equal(MissingPermission.ExchangeAdministratorRole, missing.Which);
        Assert.Contains("Exchange Administrator", missing.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_401_IsManageAsAppMissing()
    {
        var body = """{"error":{"code":"Unauthorized","message":"The access token lacks the Exchange.ManageAsApp application permission."}}""";

        var missing = Assert.IsType<ExchangeOutcome.PermissionMissing>(ExchangeErrorParser.Parse(HttpStatusCode.Unauthorized, body));

        Assert.Equal(MissingPermission.ExchangeManageAsApp, missing.Which);
        Assert.Contains("Exchange.ManageAsApp", missing.Remedy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, typeof(ExchangeOutcome.Other))]
    [InlineData(HttpStatusCode.BadRequest, typeof(ExchangeOutcome.InvalidInput))]
    [InlineData(HttpStatusCode.ServiceUnavailable, typeof(ExchangeOutcome.Transient))]
    [InlineData(HttpStatusCode.GatewayTimeout, typeof(ExchangeOutcome.Timeout))]
    public void Parse_EmptyBody_ClassifiesByStatus(HttpStatusCode status, Type expected)
    {
        var outcome = ExchangeErrorParser.Parse(status, Array.Empty<byte>());

        Assert.IsType(expected, outcome);
        Assert.False(string.IsNullOrEmpty(outcome.Message));
    }

    [Fact]
    public void Parse_HtmlBody_KeepsTheTitle()
    {
        var outcome = ExchangeErrorParser.Parse(HttpStatusCode.BadGateway, Html);

        Assert.IsType<ExchangeOutcome.Transient>(outcome);
        Assert.Equal("502 Bad Gateway", outcome.Message);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"error\":")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"error\":42}")]
    [InlineData("{\"error\":{\"details\":\"oops\",\"innererror\":[]}}")]
    [InlineData("{\"error\":{\"details\":[{\"message\":\"{broken json\"}]}}")]
    [InlineData("\"just a string\"")]
    public void Parse_OddBodies_NeverThrow(string body)
    {
        var outcome = ExchangeErrorParser.Parse(HttpStatusCode.InternalServerError, body);

        Assert.NotNull(outcome);
    }

    [Fact]
    public void Parse_ArbitraryBytesAndStatuses_NeverThrow()
    {
        Gen.Select(Gen.Int[100, 599], Gen.Byte.Array[0, 300]).Sample((status, body) =>
        {
            var outcome = ExchangeErrorParser.Parse((HttpStatusCode)status, body);
            Assert.NotNull(outcome.Message);
        }, iter: 5_000);
    }

    [Fact]
    public void Parse_TruncatedRecordedBodies_NeverThrow()
    {
        foreach (var body in new[] { InnerErrorNotFound, PipeFormMemberExists, ErrIdPipeFormMemberAbsent, JsonFormProxyExists, NameExists, Html })
        {
            for (var cut = 0; cut < body.Length; cut += 7)
            {
                Assert.NotNull(ExchangeErrorParser.Parse(HttpStatusCode.BadRequest, body[..cut]));
            }
        }
    }

    [Fact]
    public void Parse_TransientExceptionNameIn400_IsTransient()
    {
        Assert.IsType<ExchangeOutcome.Transient>(ExchangeErrorParser.Parse(HttpStatusCode.BadRequest, TransientIn400));
    }

    [Theory]
    [InlineData("ServerInMMException")]
    [InlineData("SuitabilityDirectoryException")]
    [InlineData("ADServerSettingsChangedException")]
    [InlineData("StorageTransientException")]
    [InlineData("ServerBusyException")]
    [InlineData("TransientException")]
    public void Parse_EveryTransientName_IsTransient(string name)
    {
        var body = """{"error":{"code":"InternalServerError","message":"Error executing cmdlet","innererror":{"internalexception":{"type":"Microsoft.Exchange.""" +
            name + "\",\"message\":\"busy\"}}}}";

        Assert.IsType<ExchangeOutcome.Transient>(ExchangeErrorParser.Parse(HttpStatusCode.InternalServerError, body));
    }

    [Fact]
    public void Parse_429_IsThrottledWithRetryAfter()
    {
        var throttled = Assert.IsType<ExchangeOutcome.Throttled>(ExchangeErrorParser.Parse((HttpStatusCode)429, "{}", TimeSpan.FromSeconds(7)));

        Assert.Equal(TimeSpan.FromSeconds(7), throttled.RetryAfter);
    }

    [Theory]
    [InlineData("|Some.Type|text | with | pipes", "Some.Type", "text | with | pipes")]
    [InlineData("Ex12|Some.Type|text", "Some.Type", "text")]
    [InlineData("{\"Message\":\"m\",\"TypeName\":\"T.N\"}", "T.N", "m")]
    [InlineData("plain words", null, "plain words")]
    public void ParseDetailMessage_EachForm_SplitsTypeAndText(string text, string? type, string message)
    {
        Assert.Equal((type, message), ExchangeErrorParser.ParseDetailMessage(text));
    }
}

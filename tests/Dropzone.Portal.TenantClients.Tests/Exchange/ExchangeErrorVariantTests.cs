namespace Dropzone.Portal.TenantClients.Tests.Exchange;

/// <summary>Error bodies the live service sends beyond the variants of EXCHANGE.md (recorded in public issue threads).</summary>
public class ExchangeErrorVariantTests
{
    // MicrosoftDocs/office-docs-powershell#7970: the app holds Exchange.ManageAsApp, its role lacks the cmdlet.
    private const string NotAllowedToCall = """
        {"error":{"code":"Unauthorized","message":"User is not allowed to call Get-Mailbox",
         "innererror":{"message":"User is not allowed to call Get-Mailbox","type":"Microsoft.Exchange.Admin.OData.Core.ODataServiceException"}}}
        """;

    private const string CamelCaseInternalException = """
        {"error":{"code":"NotFound","message":"Error executing cmdlet",
         "innerError":{"internalException":{"message":"The operation couldn't be performed because object 'x' couldn't be found.",
         "type":"Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException"}}}}
        """;

    private const string InnerErrorMessageAndType = """
        {"error":{"code":"BadRequest","message":"Error executing cmdlet",
         "innererror":{"message":"The recipient \"pat@contoso.com\" is already a member of the group.","type":"Microsoft.Exchange.Management.Tasks.MemberAlreadyExistsException"}}}
        """;

    [Fact]
    public void Parse_401NotAllowedToCall_IsRoleLacksCmdletNamingTheCmdlet()
    {
        var outcome = ExchangeErrorParser.Parse(HttpStatusCode.Unauthorized, NotAllowedToCall);

        var missing = Assert.IsType<ExchangeOutcome.PermissionMissing>(outcome);
        Assert.Equal(MissingPermission.ExchangeRoleLacksCmdlet, missing.Which);
        Assert.Equal("Get-Mailbox", missing.Cmdlet);
        Assert.Contains("Get-Mailbox", missing.Remedy, StringComparison.Ordinal);
        Assert.DoesNotContain("Add a permission", missing.Remedy, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_401WithoutCmdletText_IsStillMissingManageAsApp()
    {
        var outcome = ExchangeErrorParser.Parse(HttpStatusCode.Unauthorized, """{"error":{"code":"Unauthorized","message":"The access token is missing, invalid or expired."}}""");

        Assert.Equal(MissingPermission.ExchangeManageAsApp, Assert.IsType<ExchangeOutcome.PermissionMissing>(outcome).Which);
    }

    [Fact]
    public void Parse_CamelCaseInnerErrorAndInternalException_AreRead()
    {
        var outcome = ExchangeErrorParser.Parse(HttpStatusCode.NotFound, CamelCaseInternalException);

        Assert.IsType<ExchangeOutcome.NotFound>(outcome);
        Assert.Equal("ManagementObjectNotFoundException", outcome.ExceptionType);
        Assert.StartsWith("The operation couldn't be performed", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InnerErrorMessageAndType_AreReadWithoutInternalException()
    {
        var outcome = ExchangeErrorParser.Parse(HttpStatusCode.BadRequest, InnerErrorMessageAndType);

        Assert.IsType<ExchangeOutcome.MemberAlreadyPresent>(outcome);
        Assert.StartsWith("The recipient", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MatchesMultipleEntries_IsAmbiguousNotNotFound()
    {
        var body = """{"error":{"code":"NotFound","message":"Error executing cmdlet","details":[{"code":"Client","target":"Olivia","message":"|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because 'Olivia' matches multiple entries."}]}}""";

        Assert.IsType<ExchangeOutcome.Ambiguous>(ExchangeErrorParser.Parse(HttpStatusCode.NotFound, body));
    }
}

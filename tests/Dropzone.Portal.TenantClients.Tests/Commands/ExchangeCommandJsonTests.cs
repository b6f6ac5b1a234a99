namespace Dropzone.Portal.TenantClients.Tests.Commands;

public class ExchangeCommandJsonTests
{
    [Fact]
    public void ToInvokeCommandBody_TypedParameters_HaveTheWireShape()
    {
        var command = ExchangeCommand.Create("Set-DistributionGroup")
            .With("Identity", "g\"roup")
            .WithList("Members", ["a", "b"])
            .WithAddRemove("ManagedBy", ["c"], ["d", "e"])
            .WithSwitch("BypassSecurityGroupManagerCheck")
            .WithSwitch("Confirm", false)
            .With("ResultSize", new ExchangeParameterValue.Number(10))
            .WithOptional("RequireSenderAuthenticationEnabled", false);

        var json = Encoding.UTF8.GetString(command.ToInvokeCommandBody());

        const string expected =
            "{\"CmdletInput\":{\"CmdletName\":\"Set-DistributionGroup\",\"Parameters\":{\"Identity\":\"g\\u0022roup\",\"Members\":[\"a\",\"b\"]," +
            "\"ManagedBy\":{\"@odata.type\":\"#Exchange.GenericHashTable\",\"Add\":[\"c\"],\"Remove\":[\"d\",\"e\"]},\"BypassSecurityGroupManagerCheck\":true," +
            "\"Confirm\":false,\"ResultSize\":10,\"RequireSenderAuthenticationEnabled\":false}}}";
        Assert.Equal(
            expected,
            json);
    }

    [Fact]
    public void ToInvokeCommandBody_NoParameters_HasEmptyParametersObject()
    {
        using var doc = JsonDocument.Parse(ExchangeCommands.GetAcceptedDomain().ToInvokeCommandBody());

        Assert.Equal(JsonValueKind.Object, doc.RootElement.GetProperty("CmdletInput").GetProperty("Parameters").ValueKind);
    }

    [Fact]
    public void ToInvokeCommandBody_AddOnlyHashtable_OmitsRemove()
    {
        using var doc = JsonDocument.Parse(ExchangeCommands.SetDistributionGroup("g", addOwners: ["x"]).ToInvokeCommandBody());
        var managedBy = doc.RootElement.GetProperty("CmdletInput").GetProperty("Parameters").GetProperty("ManagedBy");

        Assert.False(managedBy.TryGetProperty("Remove", out _));
        Assert.Equal("#Exchange.GenericHashTable", managedBy.GetProperty("@odata.type").GetString());
    }

    [Fact]
    public void NewDistributionGroup_Always_IsSecurityTypeWithOwners()
    {
        var command = ExchangeCommands.NewDistributionGroup("n", ["owner@contoso.com"]);

        Assert.Equal(new ExchangeParameterValue.Text("Security"), command["Type"]);
        Assert.IsType<ExchangeParameterValue.TextList>(command["ManagedBy"]);
        Assert.Equal(ReplaySafety.Create, command.ReplaySafety);
    }

    [Theory]
    [InlineData("Get-Mailbox", ReplaySafety.ReadOnly)]
    [InlineData("Test-ApplicationAccessPolicy", ReplaySafety.ReadOnly)]
    [InlineData("Add-DistributionGroupMember", ReplaySafety.Idempotent)]
    [InlineData("Remove-DistributionGroup", ReplaySafety.Idempotent)]
    [InlineData("New-ManagementScope", ReplaySafety.Create)]
    public void ReplaySafety_ByVerb_IsAsDesigned(string cmdlet, ReplaySafety expected) =>
        Assert.Equal(expected, ExchangeCommand.Create(cmdlet).ReplaySafety);

    [Fact]
    public void UpdateDistributionGroupMember_BulkWrite_IsReadBackFirst() =>
        Assert.Equal(ReplaySafety.ReadBackFirst, ExchangeCommands.UpdateDistributionGroupMember("g", ["a"]).With("Extra", "x").ReplaySafety);

    [Theory]
    [InlineData("Get-Mailbox; rm")]
    [InlineData("GetMailbox")]
    [InlineData("Get-Mail-box")]
    [InlineData("Get-$x")]
    public void Create_NotAVerbNoun_Throws(string name) =>
        Assert.Throws<ArgumentException>(() => ExchangeCommand.Create(name));

    [Theory]
    [InlineData("Identity x")]
    [InlineData("-Identity")]
    [InlineData("")]
    [InlineData("Id;")]
    public void With_InvalidParameterName_Throws(string name) =>
        Assert.Throws<ArgumentException>(() => ExchangeCommand.Create("Get-Mailbox").With(name, "x"));

    [Fact]
    public void With_SameParameterTwice_Throws() =>
        Assert.Throws<ArgumentException>(() => ExchangeCommands.GetMailbox("x").With("identity", "y"));

    [Fact]
    public void MemberOfGroupFilter_QuoteInDn_IsDoubled() =>
        Assert.Equal("MemberOfGroup -eq 'CN=O''Brien,OU=x'", ExchangeCommands.MemberOfGroupFilter("CN=O'Brien,OU=x"));
}

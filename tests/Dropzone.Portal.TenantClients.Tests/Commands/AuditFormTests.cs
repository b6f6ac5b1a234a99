namespace Dropzone.Portal.TenantClients.Tests.Commands;

public class AuditFormTests
{
    [Fact]
    public void ToAuditText_SecretParameter_IsMasked()
    {
        var command = ExchangeCommand.Create("Set-Thing").With("Identity", "x").With("Password", "hunter2", isSecret: true);

        var text = command.ToAuditText();

        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.Contains("-Password '********'", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", command.ToAuditJson().ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToAuditText_LargeMemberList_IsSummarisedWithCount()
    {
        var members = Enumerable.Range(0, 2_000).Select(i => $"user{i}@contoso.com").ToList();
        var command = ExchangeCommands.UpdateDistributionGroupMember("g", members);

        var text = command.ToAuditText();

        Assert.Contains("'user0@contoso.com','user1@contoso.com'", text, StringComparison.Ordinal);
        Assert.DoesNotContain("user5@contoso.com", text, StringComparison.Ordinal);
        Assert.Contains("+1995 more, 2000 in all", text, StringComparison.Ordinal);
        Assert.True(text.Length < 400);
    }

    [Fact]
    public void ToAuditJson_LargeList_KeepsCountAndFirstItems()
    {
        var command = ExchangeCommands.NewDistributionGroup("g", ["o"], members: Enumerable.Range(0, 50).Select(i => $"m{i}"));

        var json = command.ToAuditJson();

        Assert.Equal("New-DistributionGroup", (string?)json["cmdlet"]);
        Assert.Equal(50, (int)json["parameters"]!["Members"]!["count"]!);
        Assert.Equal(5, json["parameters"]!["Members"]!["first"]!.AsArray().Count);
        Assert.Equal("o", (string?)json["parameters"]!["ManagedBy"]![0]);
    }

    [Fact]
    public void ToAuditText_SmallCommand_EqualsThePowerShell()
    {
        var command = ExchangeCommands.AddDistributionGroupMember("g", "m");

        Assert.Equal(command.ToPowerShell(), command.ToAuditText());
    }
}


namespace Dropzone.Portal.Core.Tests.Setup.Wizard;

public sealed class MemberListResolverTests : SetupTestBedTest
{
    [Fact]
    public void Parse_SkipsHeaderAndBlankLines_TakesFirstColumn()
    {
        var rows = MemberListResolver.Parse("Email,Name\n\nann.archer@contoso.example,Ann\n  ben.archer@contoso.example ; x\n");
        Assert.Equal(["ann.archer@contoso.example", "ben.archer@contoso.example ; x"], rows.Select(r => r.Value));
        Assert.Equal(3, rows[0].Row);

        var noHeader = MemberListResolver.Parse("ann.archer@contoso.example\nben.archer@contoso.example");
        Assert.Equal(2, noHeader.Count);
        Assert.Equal(1, noHeader[0].Row);
    }

    [Fact]
    public async Task Resolve_EveryRowGetsItsOwnResult()
    {
        var text = string.Join('\n',
            "address",
            "ann.archer@contoso.example",
            "ANN.ARCHER@contoso.example",
            "nobody@contoso.example",
            DemoTenant.UnlicensedUserUpn,
            "not-an-address",
            DemoTenant.PhishingReportMailbox);

        var result = await new MemberListResolver(Bed.Directory).ResolveAsync(text);

        Assert.Null(result.Error);
        Assert.Equal(
            [MemberRowStatus.Valid, MemberRowStatus.Duplicate, MemberRowStatus.Unknown, MemberRowStatus.NotMailEnabled, MemberRowStatus.InvalidAddress, MemberRowStatus.Valid],
            result.Rows.Select(r => r.Status));
        Assert.Equal(["ann.archer@contoso.example", DemoTenant.PhishingReportMailbox], result.ValidMembers.Select(m => m.Address));
        Assert.All(result.ValidMembers, m => Assert.False(string.IsNullOrEmpty(m.ObjectId)));
        Assert.Equal(3, result.Rows[1].Row); // the line in the file, header included
    }

    [Fact]
    public async Task Resolve_TooManyRows_RefusedAsAWhole()
    {
        var text = string.Join('\n', Enumerable.Range(0, MemberListResolver.MaxRows + 1).Select(i => $"u{i}@contoso.example"));
        var result = await new MemberListResolver(Bed.Directory).ResolveAsync(text);
        Assert.Contains("10,000", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Rows);
    }

    [Fact]
    public async Task Resolve_TenThousandRows_AnswersEveryRow()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < MemberListResolver.MaxRows; i++)
        {
            builder.Append(i % 2 == 0 ? $"ann.archer+{i}@contoso.example" : $"nobody{i}@contoso.example").Append('\n');
        }
        var result = await new MemberListResolver(Bed.Directory).ResolveAsync(builder.ToString());

        Assert.Equal(MemberListResolver.MaxRows, result.Rows.Count);
        Assert.Equal(MemberListResolver.MaxRows, result.Count(MemberRowStatus.Unknown));
    }

    [Fact]
    public async Task Resolve_Empty_SaysSo()
    {
        var result = await new MemberListResolver(Bed.Directory).ResolveAsync("\n\n");
        Assert.Contains("no addresses", result.Error, StringComparison.Ordinal);
    }
}

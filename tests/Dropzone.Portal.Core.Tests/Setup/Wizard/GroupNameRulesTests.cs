namespace Dropzone.Portal.Core.Tests.Setup.Wizard;

public sealed class GroupNameRulesTests
{
    [Theory]
    [InlineData("dropzone-scope")]
    [InlineData("Dropzone.Scope_1")]
    [InlineData("a!#$%&'*+-/=?^_`{|}~b")]
    public void Alias_AllowedCharacters_Accepted(string alias) => Assert.Null(GroupNameRules.ValidateAlias(alias));

    [Theory]
    [InlineData("dropzone scope", "' '")]
    [InlineData("drop@zone", "'@'")]
    [InlineData("dröp", "'ö'")]
    [InlineData("a(b)", "'('")]
    public void Alias_InvalidCharacter_NamesTheCharacter(string alias, string shown) =>
        Assert.Contains(shown, GroupNameRules.ValidateAlias(alias), StringComparison.Ordinal);

    [Theory]
    [InlineData(".scope")]
    [InlineData("scope.")]
    [InlineData("drop..zone")]
    public void Alias_BadDots_Refused(string alias) => Assert.Contains("dot", GroupNameRules.ValidateAlias(alias), StringComparison.Ordinal);

    [Fact]
    public void Alias_And_DisplayName_LongerThan64_Refused()
    {
        Assert.Contains("at most 64", GroupNameRules.ValidateAlias(new string('a', 65)), StringComparison.Ordinal);
        Assert.Null(GroupNameRules.ValidateAlias(new string('a', 64)));
        Assert.Contains("at most 64", GroupNameRules.ValidateDisplayName(new string('a', 65)), StringComparison.Ordinal);
        Assert.NotNull(GroupNameRules.ValidateDisplayName("  "));
    }

    [Fact]
    public void Address_IsAliasAtDomain_LowerCase()
    {
        Assert.Equal("dropzone-scope@contoso.example", GroupNameRules.Address(" Dropzone-Scope ", "contoso.example"));
        Assert.Equal("", GroupNameRules.Address("x", ""));
    }

    [Theory]
    [InlineData("ann.archer@contoso.example", true)]
    [InlineData("ann.archer", false)]
    [InlineData("ann@archer@contoso.example", false)]
    [InlineData("Ann <ann@contoso.example>", false)]
    [InlineData("ann@localhost", false)]
    [InlineData("ann archer@contoso.example", false)]
    public void IsValidAddress(string address, bool expected) => Assert.Equal(expected, GroupNameRules.IsValidAddress(address));
}

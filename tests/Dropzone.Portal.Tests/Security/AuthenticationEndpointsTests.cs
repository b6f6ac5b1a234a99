using Dropzone.Portal.Security;

namespace Dropzone.Portal.Tests.Security;

public sealed class AuthenticationEndpointsTests
{
    [Theory]
    [InlineData("/groups", "/groups")]
    [InlineData("/audit?run=42", "/audit?run=42")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("evil.example", "/")]
    [InlineData("/groups\r\nSet-Cookie: x=1", "/")]
    public void LocalOnly_AnyReturnUrl_StaysOnThisSite(string? returnUrl, string expected)
    {
        Assert.Equal(expected, AuthenticationEndpoints.LocalOnly(returnUrl));
    }
}

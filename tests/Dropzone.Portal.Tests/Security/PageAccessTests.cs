using Dropzone.Portal.Security;

namespace Dropzone.Portal.Tests.Security;

public sealed class PageAccessTests
{
    [Fact]
    public void Pages_Discovered_IncludeTheShellRoutes()
    {
        var templates = PageAccess.Pages.Select(p => p.Template).ToHashSet(StringComparer.OrdinalIgnoreCase);

        Assert.Contains("/", templates);
        Assert.Contains("/setup", templates);
        Assert.Contains("/audit", templates);
        Assert.Contains("/access-denied", templates);
    }

    [Fact]
    public void PolicyForPath_UnknownPath_IsNull()
    {
        Assert.Null(PageAccess.PolicyForPath("/no/such/page"));
    }
}

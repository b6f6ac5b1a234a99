using Dropzone.Portal.Health;
using Microsoft.AspNetCore.Http;

namespace Dropzone.Portal.Tests.Health;

/// <summary>Probes are left out of traces; which requests are probes is decided as routing decides, ignoring case.</summary>
public sealed class ProbePathTests
{
    [Theory]
    [InlineData("/healthz/live")]
    [InlineData("/healthz/ready")]
    [InlineData("/healthz")]
    [InlineData("/HEALTHZ/Ready")]
    public void IsProbe_ProbePath_True(string path) => Assert.True(PortalHealth.IsProbe(new PathString(path)));

    [Theory]
    [InlineData("/healthz/tenant")]
    [InlineData("/healthz/ready/more")]
    [InlineData("/")]
    [InlineData("")]
    public void IsProbe_OtherPath_False(string path) => Assert.False(PortalHealth.IsProbe(new PathString(path)));
}

using Dropzone.Portal.TenantClients.Commands;
using Dropzone.Portal.TenantClients.Exchange;
using Dropzone.Portal.TenantClients.Tests.Support;
using Dropzone.TenantEmulator.Directory;

namespace Dropzone.Portal.TenantClients.Tests.Exchange;

/// <summary>Every cmdlet the portal uses, through the real token, HTTP and error code paths, against the emulator.</summary>
public class ExchangeEmulatorTests
{
    [Fact]
    public async Task GetAcceptedDomain_EmulatedTenant_ListsTheDemoDomain()
    {
        using var tenant = TenantHarness.Create();

        var result = await tenant.Exchange.InvokeAsync(ExchangeCommands.GetAcceptedDomain());

        Assert.True(result.IsSuccess, result.Outcome.ToString());
        Assert.Contains(result.Rows.Select(AcceptedDomainInfo.From), d => d.DomainName == DemoTenant.Domain);
    }
}

using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Dropzone.Portal.Features.Requests;

/// <summary>
/// The browser's IP address for the audit record of actions taken on a page. Interactive components have no
/// HttpContext, so it is read once when the circuit opens (the SignalR connection's request, after the
/// forwarded-headers middleware) and kept for the circuit's lifetime.
/// </summary>
public sealed class ClientAddress(IHttpContextAccessor accessor)
{
    private string? _ip;

    /// <summary>The address, or null when it could not be known (tests, a closed connection).</summary>
    public string? Ip => _ip ??= accessor.HttpContext?.Connection.RemoteIpAddress?.ToString();

    internal void Capture() => _ = Ip;
}

internal sealed class ClientAddressCircuitHandler(ClientAddress address) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        address.Capture();
        return Task.CompletedTask;
    }
}

namespace Dropzone.TenantEmulator.Control;

/// <summary>
/// Who may use <c>/_emulator/_control</c>, which shows the demo's secrets and sets faults and resets the tenant:
/// a caller on this machine, or one the host vouches for (the portal: its signed-in <c>Portal.Admin</c> users).
/// Calls that change something must not come from another site's page, which a browser would send with the
/// user's cookies or from the user's own machine.
/// </summary>
public static class ControlAccess
{
    /// <summary>Null when the call may proceed, else the answer that refuses it.</summary>
    public static async Task<EmulatorResponse?> RefusalAsync(HttpContext context, Func<HttpContext, Task<bool>>? isAdministrator)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) && IsCrossSite(context.Request))
        {
            return Refuse(403, "Cross-site requests to the emulator's control surface are refused.");
        }
        if (IsFromThisMachine(context) || (isAdministrator is not null && await isAdministrator(context)))
        {
            return null;
        }
        return context.User.Identity?.IsAuthenticated == true
            ? Refuse(403, "The emulator's control surface is for Portal.Admin users and for callers on this machine.")
            : Refuse(401, "Sign in as a Portal.Admin user, or call from this machine.");
    }

    /// <summary>
    /// A browser says where a request comes from (<c>Sec-Fetch-Site</c>, else <c>Origin</c>); tools such as
    /// curl and test clients send neither and are not browsers acting for someone else.
    /// </summary>
    internal static bool IsCrossSite(HttpRequest request)
    {
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0)
        {
            return fetchSite is not ("same-origin" or "none");
        }
        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0
            && !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Loopback, or no network peer at all (an in-process server). A request that came through a proxy
    /// (<c>X-Forwarded-For</c> left in place) is not local even when the proxy runs on this machine.
    /// </summary>
    internal static bool IsFromThisMachine(HttpContext context)
    {
        if (context.Request.Headers.ContainsKey("X-Forwarded-For") || context.Request.Headers.ContainsKey("Forwarded"))
        {
            return false;
        }
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null)
        {
            return true;
        }
        return IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);
    }

    private static EmulatorResponse Refuse(int status, string message) =>
        EmulatorResponse.Json(status, new JsonObject { ["error"] = message });
}

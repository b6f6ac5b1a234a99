using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Dropzone.Portal.Tests.Security;

/// <summary>
/// Makes every request to a test portal arrive from <paramref name="address"/> (the in-memory server has no
/// network peer), optionally carrying headers the caller chose, such as a forged <c>X-Forwarded-For</c>.
/// </summary>
internal sealed class RemoteClient(IPAddress address, IReadOnlyDictionary<string, string>? headers = null) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Connection.RemoteIpAddress = address;
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                context.Request.Headers[name] = value;
            }
            return nextMiddleware(context);
        });
        next(app);
    };

    public static Action<IServiceCollection> From(string address, IReadOnlyDictionary<string, string>? headers = null) =>
        services => services.AddSingleton<IStartupFilter>(new RemoteClient(IPAddress.Parse(address), headers));
}

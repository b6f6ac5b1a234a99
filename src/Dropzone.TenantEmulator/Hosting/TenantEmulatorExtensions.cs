using Dropzone.TenantEmulator.Control;
using Dropzone.TenantEmulator.Graph;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dropzone.TenantEmulator;

/// <summary>Registers and mounts the emulator in any ASP.NET Core host (the portal, or the emulator's own process).</summary>
public static class TenantEmulatorExtensions
{
    public const string MountPrefix = "/_emulator";

    /// <summary>
    /// Registers the emulator as singletons. <see cref="TimeProvider"/> is taken from the container when one is
    /// registered (tests register a FakeTimeProvider), else the system clock.
    /// </summary>
    public static IServiceCollection AddTenantEmulator(this IServiceCollection services, Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions();
        configure?.Invoke(options);
        // Checked here, at registration: the emulator's settings are read once, so a bad one stops the start.
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            && !(Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var publicUrl) && (publicUrl.Scheme == Uri.UriSchemeHttp || publicUrl.Scheme == Uri.UriSchemeHttps)))
        {
            throw new InvalidOperationException($"TenantEmulator:PublicBaseUrl '{options.PublicBaseUrl}' must be an absolute http(s) URL such as http://localhost:5080.");
        }
        if (!Uri.TryCreate(options.Instance, UriKind.Absolute, out var instance) || instance.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException($"TenantEmulator:Instance '{options.Instance}' must be an absolute https URL (MSAL refuses http authorities).");
        }
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var state = new TenantState(sp.GetRequiredService<TimeProvider>(), options.DefaultFaults);
            if (!string.IsNullOrWhiteSpace(options.StateFile))
            {
                state.KeepIn(new TenantStateFile(options.StateFile));
            }
            return state;
        });
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<ClientAuthenticator>();
        services.AddSingleton<LoginService>();
        services.AddSingleton<GraphService>();
        services.AddSingleton<ExchangeAdminService>();
        services.AddSingleton<ControlService>();
        services.AddSingleton<EmulatorDispatcher>();
        services.AddSingleton<EmulatorPublicUrl>();
        services.AddSingleton<EmulatorHttpHandler>();
        return services;
    }

    /// <summary>
    /// Serves every service below <c>/_emulator/{login|graph|outlook|_control}/</c> with the real service's paths.
    /// <paramref name="isControlAdministrator"/> lets the host admit its own administrators to <c>_control</c>
    /// from other machines; without it only callers on this machine may use it (<see cref="ControlAccess"/>).
    /// </summary>
    public static IEndpointConventionBuilder MapTenantEmulator(this IEndpointRouteBuilder endpoints, Func<HttpContext, Task<bool>>? isControlAdministrator = null)
    {
        // Loaded now, so that a state file that cannot be read stops the start instead of the first request.
        endpoints.ServiceProvider.GetRequiredService<TenantState>();
        return endpoints.Map(MountPrefix + "/{service}/{**rest}", async context =>
        {
            var service = EmulatorHttpHandler.ServiceFromPrefix((string)context.Request.RouteValues["service"]!);
            if (service is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            // The emulator's status codes and bodies are the contract; a host's status code pages must not replace them.
            if (context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } statusPages)
            {
                statusPages.Enabled = false;
            }
            if (service == EmulatedService.Control && await ControlAccess.RefusalAsync(context, isControlAdministrator) is { } refusal)
            {
                await WriteAsync(context, refusal);
                return;
            }
            var r = context.Request;
            var origin = $"{r.Scheme}://{r.Host}{r.PathBase}";
            var prefix = (string)r.RouteValues["service"]!;
            var request = await ToEmulatorRequestAsync(context, service.Value, "/" + (string?)r.RouteValues["rest"],
                $"{origin}{MountPrefix}/{prefix}", $"{origin}{MountPrefix}/login");
            var dispatcher = context.RequestServices.GetRequiredService<EmulatorDispatcher>();
            var response = await dispatcher.DispatchAsync(request, context.RequestAborted);
            await WriteAsync(context, response);
        }).WithDisplayName("Tenant emulator").ExcludeFromDescription();
    }

    /// <summary>
    /// Serves login, Graph and Exchange at the root of this host, by the real services' own paths: <c>/{tenant}/oauth2/v2.0/...</c>
    /// and <c>/common/discovery/instance</c> (Entra), <c>/v1.0/...</c> (Graph), <c>/adminapi/...</c> (Exchange). A portal then
    /// reaches the standalone emulator through its ordinary real-tenant settings, URLs being the only difference
    /// (<c>AzureAd:Instance</c> = this origin; MSAL takes the first path segment of an authority as the tenant, so the
    /// authority cannot live below <c>/_emulator/login</c>). The control surface stays under <c>/_emulator/_control</c>.
    /// </summary>
    public static IEndpointConventionBuilder MapTenantEmulatorAtRoot(this IEndpointRouteBuilder endpoints)
    {
        return endpoints.Map("/{**path}", async context =>
        {
            var r = context.Request;
            var path = r.Path.Value ?? "/";
            var first = path.TrimStart('/').Split('/')[0];
            var service = first switch
            {
                "adminapi" => EmulatedService.Outlook,
                "v1.0" or "beta" => EmulatedService.Graph,
                _ => EmulatedService.Login,
            };
            var origin = $"{r.Scheme}://{r.Host}{r.PathBase}";
            var browserOrigin = context.RequestServices.GetRequiredService<EmulatorOptions>().PublicBaseUrl?.TrimEnd('/') ?? origin;
            var request = await ToEmulatorRequestAsync(context, service, path, origin, browserOrigin);
            var response = await context.RequestServices.GetRequiredService<EmulatorDispatcher>().DispatchAsync(request, context.RequestAborted);
            await WriteAsync(context, response);
        }).WithDisplayName("Tenant emulator (real service paths)").WithOrder(int.MaxValue).ExcludeFromDescription();
    }

    private static async Task<EmulatorRequest> ToEmulatorRequestAsync(HttpContext context, EmulatedService service, string path, string serviceBaseUrl, string browserLoginBaseUrl)
    {
        var r = context.Request;
        using var buffer = new MemoryStream();
        await r.Body.CopyToAsync(buffer, context.RequestAborted);
        var headers = EmulatorRequest.HeaderDictionary();
        foreach (var (name, values) in r.Headers)
        {
            headers[name] = values.ToString();
        }
        return new EmulatorRequest
        {
            Service = service,
            Method = r.Method.ToUpperInvariant(),
            Path = path,
            Query = r.Query.ToDictionary(q => q.Key, q => q.Value, StringComparer.Ordinal),
            Headers = headers,
            Body = buffer.ToArray(),
            ServiceBaseUrl = serviceBaseUrl,
            BrowserLoginBaseUrl = browserLoginBaseUrl,
        };
    }

    private static async Task WriteAsync(HttpContext context, EmulatorResponse response)
    {
        context.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }
        if (response.ContentType is not null)
        {
            context.Response.ContentType = response.ContentType;
        }
        if (response.Body.Length > 0)
        {
            await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
        }
    }
}

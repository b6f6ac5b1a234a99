using System.Net.Http.Headers;

namespace Dropzone.TenantEmulator.Hosting;

/// <summary>
/// Sends any HttpClient request into the emulator, in-process, whatever its host: login.* (including MSAL's
/// instance discovery at login.microsoftonline.com), graph.microsoft.com, outlook.office365.com, or any host
/// with a <c>/_emulator/{service}/</c> path. Nothing reaches the network.
/// One instance is shared by every client; <see cref="Dispose(bool)"/> is a no-op so that IHttpClientFactory
/// handler rotation, or an HttpClient disposed by its owner, cannot break the others.
/// </summary>
public sealed class EmulatorHttpHandler(EmulatorDispatcher dispatcher, EmulatorPublicUrl publicUrl) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        var (service, path, serviceBase) = Route(uri);
        if (service is null)
        {
            return new HttpResponseMessage(System.Net.HttpStatusCode.NotFound)
            {
                RequestMessage = request,
                Content = new StringContent($"The tenant emulator does not serve {uri.Host}."),
            };
        }
        var headers = EmulatorRequest.HeaderDictionary();
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(", ", values);
        }
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        if (request.Content is not null)
        {
            foreach (var (name, values) in request.Content.Headers)
            {
                headers[name] = string.Join(", ", values);
            }
        }
        var emulated = new EmulatorRequest
        {
            Service = service.Value,
            Method = request.Method.Method.ToUpperInvariant(),
            Path = path,
            Query = QueryHelpers.ParseQuery(uri.Query),
            Headers = headers,
            Body = body,
            ServiceBaseUrl = serviceBase,
            BrowserLoginBaseUrl = publicUrl.Resolve() + "/_emulator/login",
        };
        var response = await dispatcher.DispatchAsync(emulated, cancellationToken);
        return ToMessage(response, request);
    }

    internal static (EmulatedService? Service, string Path, string ServiceBase) Route(Uri uri)
    {
        var origin = uri.GetLeftPart(UriPartial.Authority);
        var path = Uri.UnescapeDataString(uri.AbsolutePath);
        if (path.StartsWith("/_emulator/", StringComparison.OrdinalIgnoreCase))
        {
            var rest = path["/_emulator/".Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            var name = slash < 0 ? rest : rest[..slash];
            var service = ServiceFromPrefix(name);
            return (service, slash < 0 ? "/" : rest[slash..], $"{origin}/_emulator/{name}");
        }
        var host = uri.Host.ToLowerInvariant();
        EmulatedService? byHost = host switch
        {
            _ when host.StartsWith("login.", StringComparison.Ordinal) => EmulatedService.Login,
            "graph.microsoft.com" or "graph.emulator.test" => EmulatedService.Graph,
            "outlook.office365.com" or "outlook.office.com" or "outlook.emulator.test" => EmulatedService.Outlook,
            _ => null,
        };
        return (byHost, path, origin);
    }

    internal static EmulatedService? ServiceFromPrefix(string prefix) => prefix.ToLowerInvariant() switch
    {
        "login" => EmulatedService.Login,
        "graph" => EmulatedService.Graph,
        "outlook" => EmulatedService.Outlook,
        "_control" => EmulatedService.Control,
        _ => null,
    };

    private static HttpResponseMessage ToMessage(EmulatorResponse response, HttpRequestMessage request)
    {
        var message = new HttpResponseMessage((System.Net.HttpStatusCode)response.Status)
        {
            RequestMessage = request,
            Content = new ByteArrayContent(response.Body),
        };
        if (response.ContentType is not null)
        {
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(response.ContentType);
        }
        foreach (var (name, value) in response.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(name, value))
            {
                message.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return message;
    }

    /// <summary>
    /// The handler holds no resources, so a disposal by HttpClient or by handler rotation leaves it usable;
    /// the base call only satisfies the dispose pattern.
    /// </summary>
    protected override void Dispose(bool disposing) => base.Dispose(disposing);
}

/// <summary>Where a browser reaches the host that mounts the emulator; see <see cref="EmulatorOptions.PublicBaseUrl"/>.</summary>
public sealed class EmulatorPublicUrl(EmulatorOptions options, IServiceProvider services)
{
    private const string TestServerDefault = "http://localhost";
    private string? _fromServer;

    public string Resolve()
    {
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl))
        {
            return options.PublicBaseUrl.TrimEnd('/');
        }
        if (_fromServer is not null)
        {
            return _fromServer;
        }
        string? first = null;
        try
        {
            var server = services.GetService(typeof(Microsoft.AspNetCore.Hosting.Server.IServer)) as Microsoft.AspNetCore.Hosting.Server.IServer;
            first = server?.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        }
        catch (ObjectDisposedException)
        {
            // Identity.Web caches its issuer validator, and the HttpClient inside it, per process: a later test
            // host can reach this emulator after its own host is gone. Its metadata is still right; keep answering.
        }
        if (first is null)
        {
            // TestServer has no addresses and WebApplicationFactory's clients use http://localhost. Not cached:
            // Kestrel may simply not have bound yet.
            return TestServerDefault;
        }
        // Kestrel reports wildcard bindings; a browser needs a host name.
        // Loopback IPs become "localhost" too: the browser must stay on one site, or the sign-in cookies are cross-site.
        _fromServer = first.Replace("://127.0.0.1", "://localhost", StringComparison.Ordinal).Replace("://[::1]", "://localhost", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal).TrimEnd('/');
        return _fromServer;
    }
}

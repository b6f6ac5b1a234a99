using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dropzone.Portal.TenantClients.Tests.Support;

/// <summary>A request as the stub saw it (copied, since the client disposes the original).</summary>
public sealed record SeenRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>
/// The tenant clients over a scripted in-memory handler, for wire-level tests (headers, retries, paging,
/// timeouts) where the emulator's behaviour is not the point. Tokens come from a fake provider.
/// </summary>
public sealed class StubTenant : IDisposable
{
    public const string TenantId = "11111111-2222-3333-4444-555555555555";

    private readonly IHost _host;
    private readonly IServiceScope _scope;

    private StubTenant(IHost host, StubHandler handler)
    {
        _host = host;
        _scope = host.Services.CreateScope();
        Handler = handler;
    }

    public StubHandler Handler { get; }

    public IServiceProvider Services => _scope.ServiceProvider;

    public IExchangeClient Exchange => Services.GetRequiredService<IExchangeClient>();

    public VirtualTimeProvider Time => (VirtualTimeProvider)Services.GetRequiredService<TimeProvider>();

    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    public static StubTenant Create(Func<SeenRequest, int, CancellationToken, Task<HttpResponseMessage>> respond, IDictionary<string, string?>? settings = null, ITenantTokenProvider? tokens = null)
    {
        var handler = new StubHandler(respond);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var configuration = new Dictionary<string, string?>
        {
            ["TenantClients:TenantId"] = TenantId,
            ["TenantClients:RetryBaseDelay"] = "00:00:00.010",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.AddFakeLogging();
        builder.Services.AddSingleton<TimeProvider>(new VirtualTimeProvider());
        builder.AddTenantClients(_ => handler);
        builder.Services.RemoveAll<ITenantTokenProvider>();
        builder.Services.AddSingleton(tokens ?? new FakeTokens());
        return new StubTenant(builder.Build(), handler);
    }

    public static StubTenant Create(Func<SeenRequest, int, HttpResponseMessage> respond, IDictionary<string, string?>? settings = null) =>
        Create((r, n, _) => Task.FromResult(respond(r, n)), settings);

    public static HttpResponseMessage Json(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    public static HttpResponseMessage Ok(string rows = "[]") =>
        Json(HttpStatusCode.OK, $$"""{"@odata.context":"x","value":{{rows}}}""");

    public void Dispose()
    {
        _scope.Dispose();
        _host.Dispose();
    }

    private sealed class FakeTokens : ITenantTokenProvider
    {
        public Task<string> GetAuthorizationHeaderAsync(string scope, CancellationToken cancellationToken) =>
            Task.FromResult("Bearer test-token-for-" + scope);
    }
}

public sealed class StubHandler(Func<SeenRequest, int, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    private int _count;
    private int _inFlight;
    private int _maxInFlight;

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    public int MaxInFlight => _maxInFlight;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var seen = new SeenRequest(request.Method, request.RequestUri!, headers, body);
        Requests.Enqueue(seen);
        var n = Interlocked.Increment(ref _count);
        var now = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref _maxInFlight, now);
        try
        {
            var response = await respond(seen, n, cancellationToken);
            response.RequestMessage = request;
            return response;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

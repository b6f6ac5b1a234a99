using System.Net;
using System.Text;
using Dropzone.Portal.TenantClients;
using Dropzone.Portal.TenantClients.Authentication;
using Dropzone.Portal.TenantClients.Commands;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dropzone.Portal.Benchmarks.Scenarios;

/// <summary>
/// Client-side cost of one Exchange command: build it, serialise the body, go through the real client
/// pipeline (IHttpClientFactory, resilience, concurrency gate, headers, metrics) to an in-memory handler
/// that answers a canned success body, and parse the rows. No network, no token endpoint.
/// </summary>
public sealed class ClientOverheadScenario : IBenchmarkScenario
{
    public string Name => "client-overhead";

    public string Description => "per-command client cost through the full pipeline to an in-memory handler (--iterations, --warmup)";

    public async Task<int> RunAsync(BenchmarkArguments args)
    {
        var iterations = args.Count("iterations", 20_000);
        var warmup = args.Count("warmup", 2_000);

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TenantClients:TenantId"] = "11111111-2222-3333-4444-555555555555",
        });
        // Logging without providers: the cost measured is the client's, not a console sink's.
        builder.Logging.ClearProviders();
        builder.AddTenantClients(_ => new CannedHandler());
        builder.Services.RemoveAll<ITenantTokenProvider>();
        builder.Services.AddSingleton<ITenantTokenProvider, FixedToken>();
        using var host = builder.Build();
        using var scope = host.Services.CreateScope();
        var exchange = scope.ServiceProvider.GetRequiredService<IExchangeClient>();

        string[] owners = ["olivia.owner@contoso.com", "adele.admin@contoso.com"];
        string[] members = ["phishing-reports@contoso.com", "security-team@contoso.com", "soc@contoso.com"];

        async Task<int> OneAsync(int i)
        {
            var command = (i % 3) switch
            {
                0 => ExchangeCommands.NewDistributionGroup($"Dropzone {i}", owners, alias: $"dropzone{i}", primarySmtpAddress: $"dropzone{i}@contoso.com", members: members),
                1 => ExchangeCommands.AddDistributionGroupMember("dropzone@contoso.com", $"user{i}@contoso.com"),
                _ => ExchangeCommands.TestApplicationAccessPolicy($"user{i}@contoso.com", "dd0e0000-0000-4000-8000-0000000000b1"),
            };
            var result = await exchange.InvokeAsync(command);
            return result.IsSuccess ? DistributionGroupInfo.From(result.Rows[0]).Name!.Length : throw new InvalidOperationException(result.Outcome.ToString());
        }

        for (var i = 0; i < warmup; i++)
        {
            await OneAsync(i);
        }

        var samples = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await OneAsync(i);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(samples);
        var median = Percentiles.Of(samples, 50);
        var p95 = Percentiles.Of(samples, 95);
        var p99 = Percentiles.Of(samples, 99);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT {Name} median_us={median:F1} p95_us={p95:F1} p99_us={p99:F1} iterations={iterations} goal_median_us=200"));
        return 0;
    }

    private sealed class FixedToken : ITenantTokenProvider
    {
        public Task<string> GetAuthorizationHeaderAsync(string scope, CancellationToken cancellationToken) =>
            Task.FromResult("Bearer benchmark");
    }

    /// <summary>Answers every call with the same recorded New-DistributionGroup output.</summary>
    private sealed class CannedHandler : HttpMessageHandler
    {
        private static readonly byte[] Body = Encoding.UTF8.GetBytes("""
            {"@odata.context":"https://outlook.office365.com/adminapi/beta/t/$metadata#Collection(Exchange.GenericHashTable)","value":[
            {"Identity":"Dropzone","Guid":"7f0b7c0e-3f4b-4c9e-8d7e-1b2a3c4d5e6f","ExternalDirectoryObjectId":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
             "Name":"Dropzone","DisplayName":"Dropzone","Alias":"dropzone","PrimarySmtpAddress":"dropzone@contoso.com",
             "ManagedBy":["olivia.owner","adele.admin"],"RecipientTypeDetails":"MailUniversalSecurityGroup",
             "RequireSenderAuthenticationEnabled":true,"MemberJoinRestriction":"Closed",
             "DistinguishedName":"CN=Dropzone,OU=contoso.onmicrosoft.com,OU=Microsoft Exchange Hosted Organizations,DC=EURPR01A001,DC=prod,DC=outlook,DC=com"}]}
            """);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Read the body as a server would, so its serialisation is not optimised away.
            _ = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Body), RequestMessage = request };
            response.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
            return response;
        }
    }
}

using Dropzone.TenantEmulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dropzone.TenantEmulator.Tests.Infrastructure;

/// <summary>
/// A minimal ASP.NET Core host that mounts the emulator under /_emulator on a TestServer: requests go
/// through the real pipeline, routing and serialization. Time is a FakeTimeProvider the test moves.
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    public const string Exchange = "/_emulator/outlook/adminapi/beta/" + DemoTenant.TenantId + "/InvokeCommand";
    public const string Token = "/_emulator/login/" + DemoTenant.TenantId + "/oauth2/v2.0/token";

    private static readonly System.Text.Json.JsonSerializerOptions PascalCase = new();
    private readonly WebApplication _app;

    private EmulatorHost(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }
    public FakeTimeProvider Time => (FakeTimeProvider)_app.Services.GetRequiredService<TimeProvider>();
    public TenantState State => _app.Services.GetRequiredService<TenantState>();
    public IServiceProvider Services => _app.Services;

    public static async Task<EmulatorHost> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero)));
        builder.Services.AddTenantEmulator();
        var app = builder.Build();
        app.MapTenantEmulator();
        await app.StartAsync();
        return new EmulatorHost(app);
    }

    /// <summary>A client that reaches the emulator through the in-process handler, by real Microsoft host names.</summary>
    public HttpClient InProcessClient() => new(Services.GetRequiredService<EmulatorHttpHandler>(), disposeHandler: false);

    public async Task<string> AppTokenAsync(string scope = "https://outlook.office365.com/.default", string clientId = DemoTenant.PortalClientId, string secret = DemoTenant.PortalClientSecret)
    {
        using var response = await Client.PostAsync(Token, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["scope"] = scope,
        }));
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return body!["access_token"]!.GetValue<string>();
    }

    /// <summary>POSTs an InvokeCommand body with a fresh portal token, as the portal's Exchange client does.</summary>
    public async Task<HttpResponseMessage> InvokeAsync(string cmdlet, object? parameters = null, string? token = null, string path = Exchange, string? prefer = null,
        CancellationToken cancellationToken = default)
    {
        token ??= await AppTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            // Default (PascalCase) serializer options: the wire names are CmdletInput, CmdletName, Parameters.
            Content = JsonContent.Create(new { CmdletInput = new { CmdletName = cmdlet, Parameters = parameters ?? new { } } }, options: PascalCase),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-AnchorMailbox", $"APP:SystemMailbox{{bb558c35-97f1-4cb9-8ff7-d53741dc928c}}@{DemoTenant.TenantId}");
        if (prefer is not null)
        {
            request.Headers.Add("Prefer", prefer);
        }
        return await Client.SendAsync(request, cancellationToken);
    }

    public async Task<JsonObject> InvokeOkAsync(string cmdlet, object? parameters = null, string path = Exchange)
    {
        using var response = await InvokeAsync(cmdlet, parameters, path: path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{cmdlet} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Invokes a command Exchange must refuse with 400 Bad Request; returns the error body.</summary>
    public async Task<string> InvokeBadRequestAsync(string cmdlet, object parameters)
    {
        using var response = await InvokeAsync(cmdlet, parameters);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    public Task<JsonObject> NewSecurityGroupAsync(string name, params string[] members) =>
        InvokeOkAsync("New-DistributionGroup", new
        {
            Name = name,
            Alias = name.Replace(" ", "", StringComparison.Ordinal),
            PrimarySmtpAddress = $"{name.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()}@{DemoTenant.Domain}",
            Type = "Security",
            ManagedBy = new[] { DemoTenant.OwnerUpn },
            Members = members,
        });

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}

/// <summary>Reads the admin API's error body the way EXCHANGE.md tells clients to.</summary>
public static class ExchangeErrorBody
{
    public static async Task<string> ExceptionTypeAsync(HttpResponseMessage response) => ExceptionType(await response.Content.ReadAsStringAsync());

    public static string ExceptionType(string body) =>
        JsonNode.Parse(body)!["error"]!["innererror"]!["internalexception"]!["type"]!.GetValue<string>();
}

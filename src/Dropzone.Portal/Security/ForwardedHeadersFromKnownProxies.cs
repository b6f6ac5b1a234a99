using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Dropzone.Portal.Security;

/// <summary>
/// Settings under <c>ForwardedHeaders</c>. <c>X-Forwarded-*</c> decides the client address the audit records
/// and the scheme sign-in redirects use, so it is believed only from the reverse proxies named here
/// (loopback when none is named), never from whoever connects.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Whether the portal runs behind a reverse proxy that sends <c>X-Forwarded-For/Proto/Host</c>.</summary>
    public bool Enabled { get; set; }

    /// <summary>Addresses of the proxies to believe, e.g. <c>10.0.0.5</c>. With no proxies and no networks: loopback only.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of the proxies to believe in CIDR form, e.g. <c>172.18.0.0/16</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>Host names accepted in <c>X-Forwarded-Host</c>, separated by ';' (empty: any).</summary>
    public string? AllowedHosts { get; set; }

    internal IEnumerable<string> Proxies => KnownProxies.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim());

    internal IEnumerable<string> Networks => KnownNetworks.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim());
}

public static class ForwardedHeadersFromKnownProxies
{
    public static IHostApplicationBuilder AddForwardedHeadersFromKnownProxies(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ForwardedHeadersSettings>()
            .Bind(builder.Configuration.GetSection(ForwardedHeadersSettings.SectionName))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ForwardedHeadersSettings>, ForwardedHeadersSettingsValidation>();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((options, settings) =>
        {
            var configured = settings.Value;
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            if (configured.Proxies.Any() || configured.Networks.Any())
            {
                // Named proxies replace the loopback default: only they may speak for the client.
                options.KnownProxies.Clear();
                options.KnownIPNetworks.Clear();
                foreach (var proxy in configured.Proxies)
                {
                    options.KnownProxies.Add(IPAddress.Parse(proxy));
                }
                foreach (var network in configured.Networks)
                {
                    options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
                }
            }
            foreach (var host in (configured.AllowedHosts ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                options.AllowedHosts.Add(host);
            }
        });
        return builder;
    }

    public static WebApplication UseForwardedHeadersFromKnownProxies(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value.Enabled)
        {
            app.UseForwardedHeaders();
        }
        return app;
    }
}

internal sealed class ForwardedHeadersSettingsValidation : IValidateOptions<ForwardedHeadersSettings>
{
    public ValidateOptionsResult Validate(string? name, ForwardedHeadersSettings options)
    {
        var failures = new List<string>();
        foreach (var (proxy, index) in options.KnownProxies.Select((p, i) => (p, i)))
        {
            if (!string.IsNullOrWhiteSpace(proxy) && !IPAddress.TryParse(proxy.Trim(), out _))
            {
                failures.Add($"ForwardedHeaders:KnownProxies:{index} '{proxy}' is not an IP address (e.g. 10.0.0.5).");
            }
        }
        foreach (var (network, index) in options.KnownNetworks.Select((n, i) => (n, i)))
        {
            if (!string.IsNullOrWhiteSpace(network) && !System.Net.IPNetwork.TryParse(network.Trim(), out _))
            {
                failures.Add($"ForwardedHeaders:KnownNetworks:{index} '{network}' is not a network in CIDR form (e.g. 172.18.0.0/16).");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

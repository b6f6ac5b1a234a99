using System.Net.Http.Json;
using Dropzone.Portal.TenantClients;
using Dropzone.Portal.TenantClients.Authentication;

namespace Dropzone.Portal.Core.Requests.Notifications;

/// <summary>One plain-text mail.</summary>
public sealed record MailMessage(IReadOnlyList<string> To, string Subject, string Body);

/// <summary>Sends mail from the configured mailbox; an interface so tests can capture mails without a tenant.</summary>
public interface IMailSender
{
    Task SendAsync(string senderMailbox, MailMessage message, CancellationToken cancellationToken = default);
}

/// <summary>
/// Graph <c>POST /users/{sender}/sendMail</c> on the tenant clients' Graph HttpClient, so sending gets the same
/// retries, throttling, logging (personal data templated out of paths) and emulator routing as every other call.
/// </summary>
/// <remarks>
/// The body is written here rather than by the Graph SDK: the SDK (6.x) names the top-level properties
/// <c>Message</c> and <c>SaveToSentItems</c>. Graph matches names case-insensitively, but the documented form is
/// lower camel case, and sending exactly that keeps the request readable in logs and strict readers happy.
/// </remarks>
public sealed class GraphMailSender(IHttpClientFactory httpClientFactory, ITenantTokenProvider tokens, IOptions<TenantClientsOptions> options)
    : IMailSender
{
    public async Task SendAsync(string senderMailbox, MailMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var settings = options.Value;
        var uri = new Uri($"{settings.GraphBaseUrl.AbsoluteUri.TrimEnd('/')}/users/{Uri.EscapeDataString(senderMailbox)}/sendMail");
        var body = new
        {
            message = new
            {
                subject = message.Subject,
                // Text, not HTML: names and justifications typed by users would go in unescaped otherwise.
                body = new { contentType = "Text", content = message.Body },
                toRecipients = message.To.Select(a => new { emailAddress = new { address = a } }).ToArray(),
            },
            saveToSentItems = false,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("Authorization", await tokens.GetAuthorizationHeaderAsync(settings.GraphScope, cancellationToken));
        using var client = httpClientFactory.CreateClient(DirectoryClient.HttpClientName);
        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // Graph's error text names the problem (no Mail.Send, mailbox not found); it carries no credential.
            var detail = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"Graph sendMail answered {(int)response.StatusCode}: {Truncate(detail, 500)}", null, response.StatusCode);
        }
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}

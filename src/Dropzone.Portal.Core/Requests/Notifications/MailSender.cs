using Dropzone.Portal.TenantClients;
using Dropzone.Portal.TenantClients.Authentication;
using Dropzone.Portal.TenantClients.Graph;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Users.Item.SendMail;

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
public sealed class GraphMailSender(IHttpClientFactory httpClientFactory, ITenantTokenProvider tokens, IOptions<TenantClientsOptions> options)
    : IMailSender
{
    public async Task SendAsync(string senderMailbox, MailMessage message, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        using var graph = new GraphServiceClient(
            httpClientFactory.CreateClient(DirectoryClient.HttpClientName),
            new GraphAuthenticationProvider(tokens, settings.GraphScope),
            settings.GraphBaseUrl.AbsoluteUri.TrimEnd('/'));
        var body = new SendMailPostRequestBody
        {
            Message = new Message
            {
                Subject = message.Subject,
                // Text, not HTML: names and justifications typed by users go in unescaped otherwise.
                Body = new ItemBody { ContentType = BodyType.Text, Content = message.Body },
                ToRecipients = [.. message.To.Select(a => new Recipient { EmailAddress = new EmailAddress { Address = a } })],
            },
            SaveToSentItems = false,
        };
        await graph.Users[senderMailbox].SendMail.PostAsync(body, cancellationToken: cancellationToken);
    }
}

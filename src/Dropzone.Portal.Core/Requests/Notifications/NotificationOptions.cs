namespace Dropzone.Portal.Core.Requests.Notifications;

/// <summary>Settings under <c>Notifications</c> (docs/requests.md).</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>Send email at all. Off, the portal still works: people see states and the badge in the portal.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The mailbox mail is sent from (Graph <c>users/{mailbox}/sendMail</c>; the portal's app needs Mail.Send).
    /// Empty: nothing is sent. With the emulated tenant it defaults to a demo shared mailbox.
    /// </summary>
    public string? SenderMailbox { get; set; }

    /// <summary>The portal's public address, for links in the mails (e.g. https://portal.contoso.com). Optional.</summary>
    public string? PortalBaseUrl { get; set; }
}

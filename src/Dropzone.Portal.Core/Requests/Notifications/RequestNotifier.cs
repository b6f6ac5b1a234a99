namespace Dropzone.Portal.Core.Requests.Notifications;

/// <summary>
/// Tells people about requests by email: owners when one arrives, the requester when it is decided, applied,
/// failed or expired. Best effort by design: a mail that cannot be sent is logged and never undoes or blocks
/// the state change that triggered it (that change is already committed when this runs).
/// </summary>
public sealed partial class RequestNotifier(IMailSender sender, IOptions<NotificationOptions> options, ILogger<RequestNotifier> logger)
{
    public Task RequestSubmittedAsync(MemberRequest request, ManagedGroup group, CancellationToken cancellationToken = default)
    {
        // The requester is told in the portal already; owners who asked themselves need no mail about it.
        var to = group.Owners
            .Where(o => !string.Equals(o.ObjectId, request.RequestedByObjectId, StringComparison.OrdinalIgnoreCase) && o.UserPrincipalName.Length > 0)
            .Select(o => o.UserPrincipalName)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        var body = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"{request.RequestedByName} ({request.RequestedByUpn}) asks to {Verb(request)} {request.MailboxDisplayName} <{request.MailboxAddress}> {Preposition(request)} {group.DisplayName}.")
            .AppendLine()
            .AppendLine("Why:")
            .AppendLine(request.Justification)
            .AppendLine()
            .AppendLine("As an owner of the group you can approve or reject it under My approvals in Dropzone Portal.");
        AppendLink(body, "requests/approvals");
        return SendAsync(to, $"Approval needed: {request.MailboxAddress} for {group.DisplayName}", body.ToString(), request, cancellationToken);
    }

    public Task RequestDecidedAsync(MemberRequest request, ManagedGroup group, CancellationToken cancellationToken = default)
    {
        var approved = request.State is MemberRequestState.Approved or MemberRequestState.Applied;
        var word = approved ? "approved" : "rejected";
        var body = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"{request.DecidedByName} {word} your request to {Verb(request)} {request.MailboxAddress} {Preposition(request)} {group.DisplayName}.");
        if (request.DecisionComment is { } comment)
        {
            body.AppendLine().AppendLine("Comment:").AppendLine(comment);
        }
        if (approved)
        {
            body.AppendLine().AppendLine("The portal is making the change in Exchange now; you will get another mail when it is done.");
        }
        AppendLink(body, "requests");
        return SendAsync([request.RequestedByUpn], $"Request {word}: {request.MailboxAddress} for {group.DisplayName}", body.ToString(), request, cancellationToken);
    }

    public Task RequestAppliedAsync(MemberRequest request, ManagedGroup group, CancellationToken cancellationToken = default)
    {
        var done = request.Change == MembershipChange.Add
            ? $"{request.MailboxAddress} is now a member of {group.DisplayName}, and Exchange confirms that {group.RestrictedAppDisplayName ?? "the restricted app"} may read it."
            : $"{request.MailboxAddress} is no longer a member of {group.DisplayName}, and Exchange confirms that {group.RestrictedAppDisplayName ?? "the restricted app"} may no longer read it.";
        var body = new StringBuilder().AppendLine(done)
            .AppendLine()
            .AppendLine("Microsoft Graph can take an hour or more to honour the change everywhere.");
        AppendLink(body, "requests");
        return SendAsync([request.RequestedByUpn], $"Done: {request.MailboxAddress} {(request.Change == MembershipChange.Add ? "added to" : "removed from")} {group.DisplayName}", body.ToString(), request, cancellationToken);
    }

    public Task RequestFailedAsync(MemberRequest request, ManagedGroup group, CancellationToken cancellationToken = default)
    {
        var body = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Your approved request to {Verb(request)} {request.MailboxAddress} {Preposition(request)} {group.DisplayName} could not be completed:")
            .AppendLine(request.FailureReason)
            .AppendLine()
            .AppendLine("A group owner or portal admin can retry it once the cause is fixed.");
        AppendLink(body, "requests");
        return SendAsync([request.RequestedByUpn], $"Not done yet: {request.MailboxAddress} for {group.DisplayName}", body.ToString(), request, cancellationToken);
    }

    public Task RequestExpiredAsync(MemberRequest request, ManagedGroup group, CancellationToken cancellationToken = default)
    {
        var body = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Nobody decided your request to {Verb(request)} {request.MailboxAddress} {Preposition(request)} {group.DisplayName} in time, so it expired.")
            .AppendLine("You can ask again in the portal.");
        AppendLink(body, "requests");
        return SendAsync([request.RequestedByUpn], $"Request expired: {request.MailboxAddress} for {group.DisplayName}", body.ToString(), request, cancellationToken);
    }

    private async Task SendAsync(IReadOnlyList<string> to, string subject, string body, MemberRequest request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.Enabled || string.IsNullOrWhiteSpace(settings.SenderMailbox) || to.Count == 0 || to.All(string.IsNullOrWhiteSpace))
        {
            return;
        }
        try
        {
            await sender.SendAsync(settings.SenderMailbox, new MailMessage([.. to.Where(a => !string.IsNullOrWhiteSpace(a))], subject, body), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Mail is a courtesy: the request itself already moved on, and the portal shows its state.
            LogSendFailed(logger, request.Id, ex.GetType().Name, ex.Message);
        }
    }

    private void AppendLink(StringBuilder body, string path)
    {
        if (options.Value.PortalBaseUrl is { Length: > 0 } baseUrl)
        {
            body.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"{baseUrl.TrimEnd('/')}/{path}");
        }
    }

    private static string Verb(MemberRequest r) => r.Change == MembershipChange.Add ? "add" : "remove";

    private static string Preposition(MemberRequest r) => r.Change == MembershipChange.Add ? "to" : "from";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification mail for request {RequestId} was not sent ({ErrorType}: {Error}); the request is unaffected.")]
    private static partial void LogSendFailed(ILogger logger, Guid requestId, string errorType, string error);
}

namespace Dropzone.Portal.Core.Requests;

/// <summary>
/// The job behind an approval: adds or removes the member in Exchange with -BypassSecurityGroupManagerCheck
/// (the portal's app is not an owner), then asks Exchange whether the restricted app may now read that mailbox.
/// Safe to run twice: it acts only on an Approved request, Exchange's "already a member" / "not a member" count as
/// done, and the request's version stops a second runner from recording a second outcome.
/// </summary>
public sealed partial class MemberRequestApplier(
    IDbContextFactory<PortalDbContext> dbFactory,
    IExchangeClient exchange,
    RestrictionModeCatalog modes,
    AuditTrail audit,
    RequestNotifier notifier,
    MemberRequestEvents events,
    TimeProvider time,
    ILogger<MemberRequestApplier> logger)
{
    public const string JobActorId = "member-requests";

    private static readonly AuditActor Actor = AuditActor.Job(JobActorId, "Membership request job");

    public async Task ApplyAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.MemberRequests.FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        if (request is not { State: MemberRequestState.Approved })
        {
            return; // Already applied, failed or never approved: a duplicate job has nothing to do.
        }
        var group = await db.ManagedGroups.AsNoTracking().FirstAsync(g => g.Id == request.GroupId, cancellationToken);
        request.RecordApplyAttempt();

        var identity = GroupTenant.IdentityOf(group);
        var command = request.Change == MembershipChange.Add
            ? ExchangeCommands.AddDistributionGroupMember(identity, request.MailboxAddress)
            : ExchangeCommands.RemoveDistributionGroupMember(identity, request.MailboxAddress);
        var result = await exchange.InvokeAsync(command, cancellationToken);
        var memberAction = request.Change == MembershipChange.Add ? AuditActions.MemberAdded : AuditActions.MemberRemoved;
        Record(db, memberAction, request, group, command, result.IsSuccess ? Answer(result) : GroupTenant.Plain(result.Outcome),
            result.IsSuccess ? AuditOutcome.Succeeded : AuditOutcome.Failed);

        var now = time.GetUtcNow();
        if (!result.IsSuccess)
        {
            request.MarkFailed($"Exchange did not {(request.Change == MembershipChange.Add ? "add" : "remove")} the mailbox: {GroupTenant.Plain(result.Outcome)}", now);
        }
        else
        {
            var (verified, verification, failure, verifyCommand) = await VerifyAsync(request, group, cancellationToken);
            if (verifyCommand is not null)
            {
                Record(db, AuditActions.VerificationCompleted, request, group, verifyCommand, verification ?? failure,
                    verified ? AuditOutcome.Succeeded : AuditOutcome.Failed);
            }
            if (verified)
            {
                request.MarkApplied(verification!, now);
            }
            else
            {
                request.MarkFailed(failure!, now);
            }
        }
        Record(db, request.State == MemberRequestState.Applied ? AuditActions.RequestApplied : AuditActions.RequestFailed,
            request, group, command: null, request.State == MemberRequestState.Applied ? request.VerificationResult : request.FailureReason,
            request.State == MemberRequestState.Applied ? AuditOutcome.Succeeded : AuditOutcome.Failed);
        try
        {
            await AuditTrail.SaveChangesAsync(db, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another runner of the same job recorded the outcome first; theirs stands.
            LogLostRace(logger, request.Id);
            return;
        }
        if (result.IsSuccess && result.Outcome is not (ExchangeOutcome.MemberAlreadyPresent or ExchangeOutcome.MemberAbsent))
        {
            // The groups list shows what Exchange now holds, not the count the setup left. One statement, so two
            // approvals applied at once both count.
            var delta = request.Change == MembershipChange.Add ? 1 : -1;
            await db.ManagedGroups.Where(g => g.Id == group.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(g => g.MemberCount, g => g.MemberCount + delta < 0 ? 0 : g.MemberCount + delta), cancellationToken);
        }
        LogApplied(logger, request.Id, request.State, request.ApplyAttempts);
        events.Publish(new(request.Id, request.GroupId, request.State));
        if (request.State == MemberRequestState.Applied)
        {
            await notifier.RequestAppliedAsync(request, group, cancellationToken);
        }
        else
        {
            await notifier.RequestFailedAsync(request, group, cancellationToken);
        }
    }

    /// <summary>
    /// Asks Exchange whether the restricted app may read the mailbox now: it should for a member, and should not
    /// for a removed one. Exchange answers at once; Graph may lag behind for an hour, which the mails mention.
    /// </summary>
    private async Task<(bool Verified, string? Result, string? Failure, ExchangeCommand? Command)> VerifyAsync(
        MemberRequest request, ManagedGroup group, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(group.RestrictedAppId))
        {
            return (true, "NotChecked", null, null); // No restriction configured yet: membership is all there is.
        }
        var expectGranted = request.Change == MembershipChange.Add;
        var mode = modes.Get(group.RestrictionMode);
        var command = mode.AccessTest(group.RestrictedAppId, request.MailboxAddress);
        var result = await exchange.InvokeAsync(command, cancellationToken);
        if (!result.IsSuccess)
        {
            return (false, null, $"The membership change was made, but Exchange could not check the app's access to the mailbox: {GroupTenant.Plain(result.Outcome)} Retry to check again.", command);
        }

        // Only the application is known here (not the setup's scope names): any grant counts as access.
        var verdict = mode.ReadAccess(result, expectGranted, target: null);
        if (verdict.AsExpected)
        {
            return (true, verdict.Actual, null, command);
        }
        var (test, app, answer) = (mode.AccessTestName, group.RestrictedAppDisplayName ?? group.RestrictedAppId, verdict.Actual);
        return (false, answer, expectGranted
            ? $"The mailbox is now a member, but {test} says {app} still may not read it ({answer}). Check the group's restriction on the Groups page, then retry."
            : $"The mailbox was removed, but {test} says {app} may still read it ({answer}); another policy or role may grant it. Check the restriction, then retry.", command);
    }

    private static string Answer(ExchangeResult result) => result.Outcome switch
    {
        ExchangeOutcome.MemberAlreadyPresent => "Already a member (nothing to change).",
        ExchangeOutcome.MemberAbsent => "Already not a member (nothing to change).",
        _ => "Done.",
    };

    private void Record(PortalDbContext db, string action, MemberRequest request, ManagedGroup group, ExchangeCommand? command, string? answer, AuditOutcome outcome) =>
        audit.Record(db, new AuditEvent(action, Actor, outcome)
        {
            Target = AuditTarget.Mailbox(request.MailboxAddress),
            GroupId = group.Id.ToString(),
            RequestId = request.Id.ToString(),
            Command = command?.ToAuditText(),
            Answer = answer,
        });

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId} is {State} after attempt {Attempt}")]
    private static partial void LogApplied(ILogger logger, Guid requestId, MemberRequestState state, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId} was recorded by another runner first")]
    private static partial void LogLostRace(ILogger logger, Guid requestId);
}

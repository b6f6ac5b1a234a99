namespace Dropzone.Portal.Core.Setup;

/// <summary>The wizard's Apply: records the group, the run and its steps, then queues the run.</summary>
public interface ISetupRunLauncher
{
    /// <summary>Creates the managed group (or reuses the portal's record of it), the run and its steps in one transaction, then starts "advance run" (<see cref="ISetupRunScheduler.Start"/>). Returns the run id.</summary>
    Task<Guid> StartAsync(SetupRequest request, PortalUser actor, CancellationToken cancellationToken = default);
}

/// <summary>A setup cannot start: the message says why, in the admin's words.</summary>
public sealed class SetupRejectedException(string message) : Exception(message);

public sealed class SetupRunLauncher(
    IDbContextFactory<PortalDbContext> dbFactory,
    ISetupRunScheduler scheduler,
    IRunProgressNotifier notifier,
    SetupPlanBuilder planner,
    RestrictionModeCatalog modes,
    IOptions<SetupOptions> options,
    TimeProvider time) : ISetupRunLauncher
{
    public async Task<Guid> StartAsync(SetupRequest request, PortalUser actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        var plan = Plan(request);
        var r = plan.Request;
        var now = time.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var group = await db.ManagedGroups.SingleOrDefaultAsync(g => g.PrimarySmtpAddress == r.GroupAddress, cancellationToken);
        if (group is not null && await db.SetupRuns.AnyAsync(x => x.GroupId == group.Id && (x.State == SetupRunState.Pending || x.State == SetupRunState.Running), cancellationToken))
        {
            throw new SetupRejectedException($"A setup run for {r.GroupAddress} is already in progress.");
        }

        if (group is null)
        {
            group = new ManagedGroup { CreatedAt = now, CreatedByObjectId = actor.ObjectId };
            db.ManagedGroups.Add(group);
        }

        Describe(group, r, now);
        var run = new SetupRun
        {
            GroupId = group.Id,
            Kind = SetupRunKind.Setup,
            State = SetupRunState.Pending,
            PlanJson = SetupPlanJson.Serialize(plan),
            CreatedByObjectId = actor.ObjectId,
            CreatedByName = actor.DisplayName,
            CreatedAt = now.UtcDateTime,
            UpdatedAt = now.UtcDateTime,
            Steps = [.. plan.Steps.Select(s => new SetupStep { Index = s.Index, Kind = s.Kind, Title = s.Title, State = SetupStepState.Pending })],
        };
        db.SetupRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        // After the commit: a job must never look for a run that is not there yet. If the process stops in
        // between, start-up recovery finds the pending run and queues it. "Queued" is told first: the run's own
        // progress may follow at once.
        notifier.Publish(new RunProgress(run.Id, group.Id, run.State, 0, null, null, "Queued"));
        scheduler.Start(run.Id);
        return run.Id;
    }

    /// <summary>The plan of a request the launcher accepts; anything missing is refused in the admin's words.</summary>
    private SetupPlan Plan(SetupRequest request)
    {
        if (!modes.TryGet(request.RestrictionMode, out _))
        {
            throw new SetupRejectedException($"\"{request.RestrictionMode}\" is not a restriction mode this portal offers.");
        }

        var plan = planner.Build(request, options.Value);
        var r = plan.Request;
        if (string.IsNullOrWhiteSpace(r.GroupAddress) || string.IsNullOrWhiteSpace(r.GroupAlias) || string.IsNullOrWhiteSpace(r.GroupDisplayName))
        {
            throw new SetupRejectedException("The group needs a display name, an alias and an address.");
        }

        if (r.Owners.Count == 0)
        {
            throw new SetupRejectedException("The group needs at least one owner.");
        }

        if (string.IsNullOrWhiteSpace(r.RestrictedAppId))
        {
            throw new SetupRejectedException("Choose the application to restrict.");
        }

        return plan;
    }

    /// <summary>The portal's record of the group, as the request describes it, while the run configures it.</summary>
    private static void Describe(ManagedGroup group, SetupRequest r, DateTimeOffset now)
    {
        group.DisplayName = r.GroupDisplayName;
        group.Alias = r.GroupAlias;
        group.PrimarySmtpAddress = r.GroupAddress;
        group.Description = r.GroupDescription;
        group.AllowExternalSenders = r.AllowExternalSenders;
        group.OwnersApproveMembers = r.OwnersApproveMembers;
        group.RestrictionMode = r.RestrictionMode;
        group.RestrictedAppId = r.RestrictedAppId;
        group.RestrictedAppDisplayName = r.RestrictedAppDisplayName;
        group.Status = ManagedGroupStatus.Configuring;
        group.MemberCount = r.Members.Count;
        group.Owners = [.. r.Owners.Select(o => new GroupOwner { ObjectId = o.ObjectId, UserPrincipalName = o.UserPrincipalName, DisplayName = o.DisplayName })];
        group.OwnersRefreshedAt = now;
    }
}

namespace Dropzone.Portal.Core.Setup;

public sealed record OwnerChangeResult(Guid? RunId, string? Error)
{
    public bool Started => RunId is not null;
}

/// <summary>
/// Changes a managed group's owners as a setup run: the group's last plan, with the new owners and the members
/// Exchange lists now (so the run changes owners only), adopting the existing group. The run is idempotent,
/// audited and resumable like any other.
/// </summary>
public sealed class GroupOwnerChange(
    IDbContextFactory<PortalDbContext> dbFactory, IDirectoryClient directory, IExchangeClient exchange, ISetupRunLauncher launcher)
{
    public async Task<OwnerChangeResult> StartAsync(Guid groupId, IReadOnlyList<string> ownerNames, PortalUser actor, CancellationToken cancellationToken = default)
    {
        var names = ownerNames.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (names.Count == 0)
        {
            return new(null, "Name at least one owner: a group without owners has nobody to approve its members.");
        }

        var owners = new List<SetupPerson>();
        foreach (var name in names)
        {
            var user = await directory.FindUserAsync(name, cancellationToken);
            if (user is null)
            {
                return new(null, $"{name} is not a user of this tenant.");
            }
            if (string.IsNullOrWhiteSpace(user.Mail))
            {
                return new(null, $"{user.DisplayName ?? name} has no mailbox; owners of a mail-enabled security group must be mail-enabled.");
            }
            owners.Add(new SetupPerson(user.Id, user.UserPrincipalName ?? user.Mail, user.DisplayName ?? user.Mail));
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var group = await db.ManagedGroups.AsNoTracking().SingleOrDefaultAsync(g => g.Id == groupId, cancellationToken);
        var lastRun = (await db.SetupRuns.AsNoTracking().Where(r => r.GroupId == groupId).ToListAsync(cancellationToken)).MaxBy(r => r.CreatedAt);
        if (group is null || lastRun is null)
        {
            return new(null, "The portal has no setup of this group to start from.");
        }

        var members = await exchange.InvokeAsync(SetupCommands.GetMembers(group.DirectoryObjectId ?? group.PrimarySmtpAddress), cancellationToken);
        if (!members.IsSuccess)
        {
            return new(null, "Exchange did not list the group's members, so the owners were left as they are: " + TenantCallLog.Describe(members));
        }

        var request = SetupPlanJson.Deserialize(lastRun.PlanJson).Request with
        {
            Owners = owners,
            Members = [.. members.Rows.Select(RecipientInfo.From).Select(m =>
                new SetupMember(m.PrimarySmtpAddress ?? m.Identity ?? "", m.ExternalDirectoryObjectId, m.DisplayName))],
            AdoptExisting = true,
        };
        try
        {
            return new(await launcher.StartAsync(request, actor, cancellationToken), null);
        }
        catch (SetupRejectedException ex)
        {
            return new(null, ex.Message);
        }
    }
}

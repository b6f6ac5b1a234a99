using Dropzone.Portal.Core.Audit;
using Dropzone.Portal.Core.Groups;
using Dropzone.Portal.Core.Verification;
using Dropzone.Portal.TenantClients.Exchange;
using Dropzone.Portal.TenantClients.Graph;

namespace Dropzone.Portal.Core.Setup;

/// <summary>
/// The step implementations. Each one looks at the tenant (or at what this run's earlier answer proved)
/// before acting, and is safe to run twice: a second run finds the object and records "skipped".
/// A New-* is never replayed blindly: after an ambiguous answer the object is looked up first.
/// </summary>
public static class SetupSteps
{
    public static Task<StepResult> ExecuteAsync(SetupStepContext context, GroupVerifier verifier, CancellationToken cancellationToken) =>
        context.Step.Kind switch
        {
            SetupStepKind.EnsureApp => EnsureAppAsync(context, cancellationToken),
            SetupStepKind.EnsureGroup => EnsureGroupAsync(context, cancellationToken),
            SetupStepKind.EnsureOwners => EnsureOwnersAsync(context, cancellationToken),
            SetupStepKind.EnsureMembers => EnsureMembersAsync(context, cancellationToken),
            SetupStepKind.WaitForReplication => WaitForReplicationAsync(context, cancellationToken),
            SetupStepKind.EnsureAccessPolicy => EnsureAccessPolicyAsync(context, cancellationToken),
            SetupStepKind.EnsureServicePrincipal => EnsureServicePrincipalAsync(context, cancellationToken),
            SetupStepKind.EnsureManagementScope => EnsureManagementScopeAsync(context, cancellationToken),
            SetupStepKind.EnsureRoleAssignments => EnsureRoleAssignmentsAsync(context, cancellationToken),
            SetupStepKind.Verify => VerifyAsync(context, verifier, cancellationToken),
            _ => throw new InvalidOperationException($"Unknown step {context.Step.Kind}."),
        };

    // ---- Application ------------------------------------------------------------------------

    private static async Task<StepResult> EnsureAppAsync(SetupStepContext c, CancellationToken ct)
    {
        DirectoryServicePrincipal? sp;
        try
        {
            sp = await c.CallDirectoryAsync($"GET /servicePrincipals(appId='{c.Request.RestrictedAppId}')",
                d => d.GetServicePrincipalByAppIdAsync(c.Request.RestrictedAppId, ct));
        }
        catch (DirectoryException ex) when (ex.Failure is DirectoryFailure.Throttled or DirectoryFailure.Unavailable)
        {
            return new StepResult.Retry($"Microsoft Graph is busy or unavailable: {ex.Message}");
        }
        catch (DirectoryException ex)
        {
            return new StepResult.Failed($"The application could not be looked up in Microsoft Graph: {ex.Message}", ex.Remedy);
        }

        if (sp is null)
        {
            return new StepResult.Failed(
                $"The application {c.Request.RestrictedAppId} has no service principal (enterprise application) in this tenant.",
                "Sign in to the application once as an administrator (or grant it admin consent) so that it exists in the tenant, then retry from this step.");
        }

        c.Facts.AppServicePrincipalId = sp.Id;
        c.Facts.AppDisplayName = sp.DisplayName;
        c.Note($"Found {sp.DisplayName} (service principal {sp.Id})");
        if (c.Request.RestrictionMode == RestrictionMode.RbacForApplications)
        {
            // RBAC grants add to Entra consent: an unscoped Mail.* application grant would make the scope restrict nothing.
            try
            {
                var grants = await c.CallDirectoryAsync($"GET /servicePrincipals/{sp.Id}/appRoleAssignments", d => d.GetMailGrantsAsync(sp.Id, ct));
                if (grants.HasUnscopedMailGrant)
                {
                    return new StepResult.Done(
                        $"Found {sp.DisplayName ?? c.Request.RestrictedAppId}. WARNING: it still holds the tenant-wide Entra permission(s) " +
                        $"{string.Join(", ", grants.UnscopedMailPermissions)}, so the RBAC scope will restrict nothing until an administrator removes them " +
                        "(Entra ID > Enterprise applications > the app > Permissions).");
                }
            }
            catch (DirectoryException ex)
            {
                c.Note($"The application's Entra grants could not be read: {ex.Message}");
            }
        }

        return new StepResult.Done($"Found {sp.DisplayName ?? c.Request.RestrictedAppId}.");
    }

    // ---- Group ------------------------------------------------------------------------------

    private static async Task<StepResult> EnsureGroupAsync(SetupStepContext c, CancellationToken ct)
    {
        var r = c.Request;
        var before = await c.InvokeAsync(SetupCommands.GetGroup(r.GroupAddress), ct);
        if (before.IsSuccess && before.FirstRow is { } existingRow)
        {
            return Adopt(c, DistributionGroupInfo.From(existingRow), createdEarlier: c.IsRepeatAttempt || c.Facts.GroupCreatedByRun);
        }

        if (before.Outcome is not ExchangeOutcome.NotFound)
        {
            return SetupStepContext.FromFailure(before, "Looking for the group");
        }

        if (c.Facts.GroupCreateAcknowledged)
        {
            // An earlier attempt's create answered "already exists": the group is there but not replicated yet.
            // Poll; never send the create again.
            c.Facts.GroupCreatedByRun = true;
            return ReplicationPending(c);
        }

        var created = await c.InvokeAsync(SetupCommands.NewGroup(c.Plan), ct);
        if (created.IsSuccess && created.FirstRow is { } row)
        {
            var info = DistributionGroupInfo.From(row);
            RememberGroup(c, info);
            c.Facts.GroupCreatedByRun = true;
            c.Facts.OwnersSetAtCreate = true;
            c.Facts.MembersSetAtCreate = c.Plan.MembersFitInCreate;
            c.Facts.MembershipKnownEmpty = !c.Plan.MembersFitInCreate;
            c.Facts.ReplicationWaitStartedAt = c.UtcNow;
            c.AuditEvents.Add(new AuditEvent(AuditActions.GroupCreated, AuditActor.System)
            {
                Target = AuditTarget.Group(c.GroupIdentity, r.GroupDisplayName),
                Command = c.LastCommand,
                Answer = c.LastAnswer,
            });
            var members = SetupCommands.MembersInCreate(c.Plan).Count;
            if (members > 0)
            {
                c.AuditEvents.Add(new AuditEvent(AuditActions.MemberAdded, AuditActor.System)
                {
                    Target = AuditTarget.Group(c.GroupIdentity, r.GroupDisplayName),
                    Answer = $"{members} member(s) added with the group (one New-DistributionGroup call)",
                });
            }

            return new StepResult.Done(members > 0
                ? $"Created {r.GroupAddress} with its {r.Owners.Count} owner(s) and {members} member(s) in one call."
                : $"Created {r.GroupAddress} with its {r.Owners.Count} owner(s).");
        }

        // The create may have happened although the answer says otherwise (timeout), or it happened in an
        // earlier attempt and the group is not replicated yet ("already exists" but "not found"). Look first.
        if (created.Outcome is ExchangeOutcome.AlreadyExists or { IsTransient: true } or ExchangeOutcome.Other)
        {
            var after = await c.InvokeAsync(SetupCommands.GetGroup(r.GroupAddress), ct);
            if (after.IsSuccess && after.FirstRow is { } afterRow)
            {
                return Adopt(c, DistributionGroupInfo.From(afterRow), createdEarlier: true);
            }

            if (created.Outcome is ExchangeOutcome.AlreadyExists && (c.IsRepeatAttempt || c.Facts.GroupCreateAmbiguous))
            {
                // Ours (an earlier attempt's create did go through) and still replicating.
                c.Facts.GroupCreateAcknowledged = true;
                c.Facts.GroupCreatedByRun = true;
                return ReplicationPending(c);
            }

            if (created.Outcome.IsTransient)
            {
                // Whether it happened is unknown: the next attempt looks, and a resent create can only answer
                // "already exists" (the address is unique), never make a second group.
                c.Facts.GroupCreateAmbiguous = true;
                return SetupStepContext.FromFailure(created, "Creating the group");
            }
        }

        return SetupStepContext.FromFailure(created, "Creating the group");
    }

    private static StepResult Adopt(SetupStepContext c, DistributionGroupInfo info, bool createdEarlier)
    {
        var r = c.Request;
        if (!string.Equals(info.RecipientTypeDetails, "MailUniversalSecurityGroup", StringComparison.OrdinalIgnoreCase))
        {
            return new StepResult.Failed(
                $"{r.GroupAddress} belongs to a {info.RecipientTypeDetails ?? "recipient"} that is not a mail-enabled security group.",
                "Choose another address: an application restriction can only be scoped to a mail-enabled security group.");
        }

        RememberGroup(c, info);
        c.Facts.GroupVisible = true;
        if (createdEarlier)
        {
            // An earlier attempt of this run created it: the owners and members it sent are checked by the next steps.
            c.Facts.GroupCreatedByRun = true;
            return new StepResult.Skipped($"{r.GroupAddress} exists (created by an earlier attempt of this run); nothing sent.");
        }

        if (!r.AdoptExisting)
        {
            return new StepResult.Failed(
                $"A group with the address {r.GroupAddress} already exists in Exchange.",
                "Go back to the wizard and choose to adopt the existing group, or pick another address, then retry from this step.");
        }

        c.AuditEvents.Add(new AuditEvent(AuditActions.GroupAdopted, AuditActor.System)
        {
            Target = AuditTarget.Group(c.GroupIdentity, info.DisplayName),
            Command = c.LastCommand,
            Answer = c.LastAnswer,
        });
        return new StepResult.Skipped($"Adopted the existing group {info.PrimarySmtpAddress ?? r.GroupAddress}; nothing sent (owners and members are made to match next).");
    }

    private static void RememberGroup(SetupStepContext c, DistributionGroupInfo info)
    {
        c.Facts.GroupIdentity = info.ExternalDirectoryObjectId ?? info.ExchangeGuid ?? info.PrimarySmtpAddress ?? c.Request.GroupAddress;
        c.Facts.GroupDistinguishedName = info.DistinguishedName ?? c.Facts.GroupDistinguishedName;
        c.Group.DirectoryObjectId = info.ExternalDirectoryObjectId ?? c.Group.DirectoryObjectId;
        c.Group.DistinguishedName = c.Facts.GroupDistinguishedName;
    }

    /// <summary>
    /// Reads the group, polling on NotFound while it replicates. Answers the group, or the step result to
    /// return (retry later when the poll would block longer than one interval).
    /// </summary>
    private static async Task<(DistributionGroupInfo? Group, StepResult? Stop)> ReadGroupAsync(SetupStepContext c, CancellationToken ct)
    {
        var result = await c.InvokeAsync(SetupCommands.GetGroup(c.GroupIdentity), ct);
        if (result.IsSuccess && result.FirstRow is { } row)
        {
            c.Facts.GroupVisible = true;
            var info = DistributionGroupInfo.From(row);
            RememberGroup(c, info);
            return (info, null);
        }

        if (result.Outcome is ExchangeOutcome.NotFound && c.Facts.GroupCreatedByRun)
        {
            return (null, ReplicationPending(c));
        }

        if (result.Outcome is ExchangeOutcome.NotFound)
        {
            return (null, new StepResult.Failed($"The group {c.Request.GroupAddress} no longer exists in Exchange.",
                "It was deleted outside the portal. Retry from the group step to create it again."));
        }

        return (null, SetupStepContext.FromFailure(result, "Reading the group"));
    }

    /// <summary>Polling is a scheduled retry, not a blocked worker, so a long replication holds no thread and survives a restart.</summary>
    private static StepResult ReplicationPending(SetupStepContext c)
    {
        c.Facts.ReplicationWaitStartedAt ??= c.UtcNow;
        var waited = c.UtcNow - c.Facts.ReplicationWaitStartedAt.Value;
        if (waited >= c.Options.ReplicationDeadline)
        {
            return new StepResult.Failed(
                $"The group {c.Request.GroupAddress} was created but Exchange still cannot find it after {waited.TotalMinutes:F0} minute(s).",
                "Directory replication is unusually slow. Wait a few minutes, then retry from this step.");
        }

        return new StepResult.Retry("Waiting for the new group to replicate (Exchange answers \"not found\" for a while after a create).",
            c.Options.ReplicationPollInterval, CountsAsError: false);
    }

    // ---- Owners -----------------------------------------------------------------------------

    private static async Task<StepResult> EnsureOwnersAsync(SetupStepContext c, CancellationToken ct)
    {
        if (c.Facts.OwnersSetAtCreate && !c.IsRepeatAttempt)
        {
            return new StepResult.Skipped("Owners were set by the create call (-ManagedBy); nothing sent.");
        }

        var (group, stop) = await ReadGroupAsync(c, ct);
        if (group is null)
        {
            return stop!;
        }

        if (OwnersMatch(group.ManagedBy, c.Request.Owners))
        {
            return new StepResult.Skipped($"The group already has exactly the {c.Request.Owners.Count} owner(s); nothing sent.");
        }

        var set = await c.InvokeAsync(SetupCommands.SetOwners(c.GroupIdentity, c.Request), ct);
        if (!set.IsSuccess)
        {
            return SetupStepContext.FromFailure(set, "Setting the owners");
        }

        c.AuditEvents.Add(new AuditEvent(AuditActions.OwnerChanged, AuditActor.System)
        {
            Target = AuditTarget.Group(c.GroupIdentity, c.Request.GroupDisplayName),
            Command = c.LastCommand,
            Answer = c.LastAnswer,
        });
        return new StepResult.Done($"Set the {c.Request.Owners.Count} owner(s).");
    }

    /// <summary>Exchange lists owners by name; a wizard owner matches by object id, UPN, its alias part, or display name.</summary>
    public static bool OwnersMatch(IReadOnlyList<string> managedBy, IReadOnlyList<SetupPerson> owners)
    {
        if (managedBy.Count != owners.Count)
        {
            return false;
        }

        return owners.All(o => managedBy.Any(m => PersonMatches(m, o)));
    }

    private static bool PersonMatches(string name, SetupPerson person)
    {
        static bool Eq(string? a, string? b) => !string.IsNullOrEmpty(a) && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
        var alias = person.UserPrincipalName.Split('@')[0];
        return Eq(name, person.ObjectId) || Eq(name, person.UserPrincipalName) || Eq(name, alias) || Eq(name, person.DisplayName);
    }

    // ---- Members ----------------------------------------------------------------------------

    private static async Task<StepResult> EnsureMembersAsync(SetupStepContext c, CancellationToken ct)
    {
        var desired = SetupCommands.MemberNames(c.Request.Members);
        if (c.Facts.MembersSetAtCreate && !c.IsRepeatAttempt)
        {
            return new StepResult.Skipped(desired.Count == 0
                ? "No members requested; nothing sent."
                : $"The {desired.Count} member(s) were set by the create call (-Members); nothing sent.");
        }

        IReadOnlyList<RecipientInfo> current;
        if (c.Facts.MembershipKnownEmpty && !c.IsRepeatAttempt)
        {
            // Created by this run without members a moment ago: its membership is known to be empty, but it must
            // be visible before members can be added to it.
            if (!c.Facts.GroupVisible)
            {
                var (group, stop) = await ReadGroupAsync(c, ct);
                if (group is null)
                {
                    return stop!;
                }
            }

            current = [];
        }
        else
        {
            var read = await ReadMembersAsync(c, ct);
            if (read.Stop is not null)
            {
                return read.Stop;
            }

            current = read.Members!;
        }

        var plan = MembershipPlan.Create(desired, current, c.Options.BulkMemberThreshold);
        if (plan.IsSatisfied)
        {
            return new StepResult.Skipped($"The group already has exactly the {desired.Count} member(s); nothing sent.");
        }

        var added = 0;
        var removed = 0;
        var bulkTimedOut = false;
        if (plan.BulkReplacement is { } bulk)
        {
            var update = await c.InvokeAsync(SetupCommands.ReplaceMembers(c.GroupIdentity, bulk), ct);
            if (update.IsSuccess)
            {
                added += plan.AddedByBulk;
                removed += plan.RemovedByBulk;
            }
            else if (update.Outcome is ExchangeOutcome.Timeout or ExchangeOutcome.Transient)
            {
                // The large-array trap: a timeout may mean applied, partly applied or not applied. Read back.
                bulkTimedOut = true;
            }
            else
            {
                return SetupStepContext.FromFailure(update, "Setting the members");
            }
        }

        IReadOnlyList<string> toAdd = plan.SingleAdds;
        IReadOnlyList<string> toRemove = plan.SingleRemoves;
        if (bulkTimedOut)
        {
            var reread = await ReadMembersAsync(c, ct);
            if (reread.Stop is not null)
            {
                return reread.Stop;
            }

            var reconcile = MembershipPlan.Create(desired, reread.Members!, bulkThreshold: 0);
            added += plan.AddedByBulk - reconcile.SingleAdds.Count(a => plan.BulkReplacement!.Contains(a, StringComparer.OrdinalIgnoreCase));
            toAdd = reconcile.SingleAdds;
            toRemove = reconcile.SingleRemoves;
            c.Note($"Update-DistributionGroupMember timed out; read back {reread.Members!.Count} member(s): {toAdd.Count} to add and {toRemove.Count} to remove one by one.");
        }

        var singles = toAdd.Select(a => SetupCommands.AddMember(c.GroupIdentity, a))
            .Concat(toRemove.Select(a => SetupCommands.RemoveMember(c.GroupIdentity, a)))
            .ToList();
        var results = await c.InvokeManyAsync(singles, ct);
        var failed = results.Where(x => !x.IsSuccess).ToList();
        added += results.Count(x => x.IsSuccess && x.Command.CmdletName.StartsWith("Add", StringComparison.Ordinal));
        removed += results.Count(x => x.IsSuccess && x.Command.CmdletName.StartsWith("Remove", StringComparison.Ordinal));
        AuditMembers(c, added, removed, plan.BulkReplacement is not null, singles.Count);

        if (failed.Count > 0)
        {
            var transient = failed.FirstOrDefault(x => x.Outcome.IsTransient);
            if (transient is not null)
            {
                return new StepResult.Retry($"{failed.Count} member change(s) did not get through ({transient.Outcome.Kind}); the rest are done and the step will read back and continue.");
            }

            var names = string.Join(", ", failed.Take(10).Select(f => f.Command["Member"]?.ToString()));
            return new StepResult.Failed(
                $"Exchange refused {failed.Count} member(s), e.g. {names}: {failed[0].Outcome.Message}",
                "Remove or correct these addresses (they must be mailboxes or mail users in the tenant), then retry from this step.");
        }

        var how = plan.BulkReplacement is null ? "" : bulkTimedOut ? " (bulk call timed out; reconciled)" : " (one bulk call)";
        return new StepResult.Done($"Members set{how}: {added} added, {removed} removed, {desired.Count} in total.");
    }

    private static void AuditMembers(SetupStepContext c, int added, int removed, bool bulk, int singles)
    {
        if (added > 0)
        {
            c.AuditEvents.Add(new AuditEvent(AuditActions.MemberAdded, AuditActor.System)
            {
                Target = AuditTarget.Group(c.GroupIdentity, c.Request.GroupDisplayName),
                Answer = $"{added} member(s) added ({(bulk ? "Update-DistributionGroupMember" : "")}{(bulk && singles > 0 ? " + " : "")}{(singles > 0 ? $"{singles} single call(s)" : "")})",
            });
        }

        if (removed > 0)
        {
            c.AuditEvents.Add(new AuditEvent(AuditActions.MemberRemoved, AuditActor.System)
            {
                Target = AuditTarget.Group(c.GroupIdentity, c.Request.GroupDisplayName),
                Answer = $"{removed} member(s) not in the request removed",
            });
        }
    }

    private static async Task<(IReadOnlyList<RecipientInfo>? Members, StepResult? Stop)> ReadMembersAsync(SetupStepContext c, CancellationToken ct)
    {
        var result = await c.InvokeAsync(SetupCommands.GetMembers(c.GroupIdentity), ct);
        if (result.IsSuccess)
        {
            c.Facts.GroupVisible = true;
            return ([.. result.Rows.Select(RecipientInfo.From)], null);
        }

        if (result.Outcome is ExchangeOutcome.NotFound && c.Facts.GroupCreatedByRun)
        {
            return (null, ReplicationPending(c));
        }

        return (null, SetupStepContext.FromFailure(result, "Reading the members"));
    }

    // ---- Replication ------------------------------------------------------------------------

    private static async Task<StepResult> WaitForReplicationAsync(SetupStepContext c, CancellationToken ct)
    {
        var (group, stop) = await ReadGroupAsync(c, ct);
        if (group is null)
        {
            return stop!;
        }

        c.Group.MemberCount = c.Request.Members.Count;
        return new StepResult.Done(c.Facts.ReplicationWaitStartedAt is { } started && c.UtcNow - started > TimeSpan.FromSeconds(1)
            ? $"The group is visible in Exchange (after {(c.UtcNow - started).TotalSeconds:F0} s)."
            : "The group is visible in Exchange.");
    }

    // ---- Application access policy ----------------------------------------------------------

    private static async Task<StepResult> EnsureAccessPolicyAsync(SetupStepContext c, CancellationToken ct)
    {
        var r = c.Request;
        var existing = await FindPolicyAsync(c, ct);
        if (existing.Stop is not null)
        {
            return existing.Stop;
        }

        if (existing.Policy is { } found)
        {
            return found.AccessRight == "RestrictAccess"
                ? new StepResult.Skipped($"A RestrictAccess policy for the application on this group already exists; nothing sent.")
                : new StepResult.Failed($"A {found.AccessRight} policy for the application on this group exists; it would deny instead of restrict.",
                    "Remove that policy (Remove-ApplicationAccessPolicy) in Exchange, then retry from this step.");
        }

        var created = await c.InvokeAsync(SetupCommands.NewPolicy(r), ct);
        if (!created.IsSuccess)
        {
            if (created.Outcome is ExchangeOutcome.AlreadyExists or { IsTransient: true } or ExchangeOutcome.Other)
            {
                var again = await FindPolicyAsync(c, ct);
                if (again.Policy is not null)
                {
                    AuditPolicy(c);
                    return new StepResult.Done("Created the application access policy (confirmed by reading it back).");
                }
            }

            return SetupStepContext.FromFailure(created, "Creating the application access policy");
        }

        AuditPolicy(c);
        return new StepResult.Done("Created the RestrictAccess application access policy.");
    }

    private static void AuditPolicy(SetupStepContext c) =>
        c.AuditEvents.Add(new AuditEvent(AuditActions.PolicyCreated, AuditActor.System)
        {
            Target = new AuditTarget(AuditTargetTypes.Policy, c.Request.RestrictedAppId, c.Request.RestrictedAppDisplayName),
            Command = c.LastCommand,
            Answer = c.LastAnswer,
        });

    private static async Task<(ApplicationAccessPolicyInfo? Policy, StepResult? Stop)> FindPolicyAsync(SetupStepContext c, CancellationToken ct)
    {
        var result = await c.InvokeAsync(SetupCommands.GetPolicies(), ct);
        if (!result.IsSuccess && result.Outcome is not ExchangeOutcome.NotFound)
        {
            return (null, SetupStepContext.FromFailure(result, "Reading the application access policies"));
        }

        var policy = result.Rows.Select(ApplicationAccessPolicyInfo.From)
            .FirstOrDefault(p => string.Equals(p.AppId, c.Request.RestrictedAppId, StringComparison.OrdinalIgnoreCase) && IsThisGroup(c, p));
        return (policy, null);
    }

    /// <summary>A policy's scope is reported by name, address or id depending on the version; any of the group's names counts.</summary>
    public static bool IsThisGroup(SetupStepContext c, ApplicationAccessPolicyInfo p) =>
        IsGroupName(p.ScopeName, c.Request, c.Facts) || IsGroupName(p.ScopeIdentity, c.Request, c.Facts)
        || (p.Identity?.Contains(c.Facts.GroupIdentity ?? "\0", StringComparison.OrdinalIgnoreCase) ?? false);

    public static bool IsGroupName(string? name, SetupRequest r, SetupRunFacts facts)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        return new[] { r.GroupAddress, r.GroupAlias, r.GroupDisplayName, facts.GroupIdentity, facts.GroupDistinguishedName }
            .Any(n => !string.IsNullOrEmpty(n) && string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
    }

    // ---- RBAC for Applications --------------------------------------------------------------

    private static async Task<StepResult> EnsureServicePrincipalAsync(SetupStepContext c, CancellationToken ct)
    {
        var get = await c.InvokeAsync(SetupCommands.GetServicePrincipal(c.Request), ct);
        if (get.IsSuccess && get.Rows.Count > 0)
        {
            return new StepResult.Skipped("The application's service principal is already registered in Exchange; nothing sent.");
        }

        if (get.Outcome is not ExchangeOutcome.NotFound && !get.IsSuccess)
        {
            return SetupStepContext.FromFailure(get, "Looking for the service principal");
        }

        var objectId = c.Facts.AppServicePrincipalId ?? c.Request.RestrictedAppServicePrincipalId;
        if (string.IsNullOrEmpty(objectId))
        {
            return new StepResult.Failed("The application's service principal object id is unknown.", "Retry from the first step so the application is looked up again.");
        }

        var created = await c.InvokeAsync(SetupCommands.NewServicePrincipal(c.Request, objectId), ct);
        if (created.IsSuccess)
        {
            return new StepResult.Done("Registered the application's service principal in Exchange.");
        }

        if (created.Outcome is ExchangeOutcome.AlreadyExists or { IsTransient: true } or ExchangeOutcome.Other)
        {
            var again = await c.InvokeAsync(SetupCommands.GetServicePrincipal(c.Request), ct);
            if (again.IsSuccess && again.Rows.Count > 0)
            {
                return new StepResult.Done("Registered the application's service principal (confirmed by reading it back).");
            }
        }

        return SetupStepContext.FromFailure(created, "Registering the service principal");
    }

    private static async Task<StepResult> EnsureManagementScopeAsync(SetupStepContext c, CancellationToken ct)
    {
        var get = await c.InvokeAsync(SetupCommands.GetScope(c.Request, c.Options), ct);
        var expected = c.Facts.GroupDistinguishedName is { } dn ? TenantClients.Commands.ExchangeCommands.MemberOfGroupFilter(dn) : null;
        if (get.IsSuccess && get.FirstRow is { } row)
        {
            var scope = ManagementScopeInfo.From(row);
            return expected is null || string.Equals(scope.RecipientFilter, expected, StringComparison.OrdinalIgnoreCase)
                ? new StepResult.Skipped($"The management scope {scope.Name} already exists on this group; nothing sent.")
                : new StepResult.Failed($"A management scope named {scope.Name} exists with another filter ({scope.RecipientFilter}).",
                    "Remove or rename that scope in Exchange, then retry from this step.");
        }

        if (get.Outcome is not ExchangeOutcome.NotFound)
        {
            return SetupStepContext.FromFailure(get, "Looking for the management scope");
        }

        if (c.Facts.GroupDistinguishedName is null)
        {
            var (group, stop) = await ReadGroupAsync(c, ct);
            if (group is null)
            {
                return stop!;
            }
        }

        var created = await c.InvokeAsync(SetupCommands.NewScope(c.Request, c.Options, c.Facts.GroupDistinguishedName!), ct);
        if (created.IsSuccess)
        {
            AuditPolicy(c);
            return new StepResult.Done($"Created the management scope {SetupCommands.ScopeName(c.Request, c.Options)}.");
        }

        if (created.Outcome is ExchangeOutcome.AlreadyExists or { IsTransient: true } or ExchangeOutcome.Other)
        {
            var again = await c.InvokeAsync(SetupCommands.GetScope(c.Request, c.Options), ct);
            if (again.IsSuccess && again.Rows.Count > 0)
            {
                AuditPolicy(c);
                return new StepResult.Done("Created the management scope (confirmed by reading it back).");
            }
        }

        return SetupStepContext.FromFailure(created, "Creating the management scope");
    }

    private static async Task<StepResult> EnsureRoleAssignmentsAsync(SetupStepContext c, CancellationToken ct)
    {
        var roles = c.Request.RbacRoles;
        var gets = await c.InvokeManyAsync([.. roles.Select(role => SetupCommands.GetAssignment(c.Request, c.Options, role))], ct);
        var missing = new List<string>();
        for (var i = 0; i < roles.Count; i++)
        {
            if (gets[i].IsSuccess && gets[i].Rows.Count > 0)
            {
                continue;
            }

            if (gets[i].Outcome is not ExchangeOutcome.NotFound && !gets[i].IsSuccess)
            {
                return SetupStepContext.FromFailure(gets[i], "Looking for the role assignments");
            }

            missing.Add(roles[i]);
        }

        if (missing.Count == 0)
        {
            return new StepResult.Skipped($"All {roles.Count} role assignment(s) already exist; nothing sent.");
        }

        foreach (var role in missing)
        {
            var created = await c.InvokeAsync(SetupCommands.NewAssignment(c.Request, c.Options, role), ct);
            if (created.IsSuccess)
            {
                AuditPolicy(c);
                continue;
            }

            if (created.Outcome is ExchangeOutcome.AlreadyExists or { IsTransient: true } or ExchangeOutcome.Other)
            {
                var again = await c.InvokeAsync(SetupCommands.GetAssignment(c.Request, c.Options, role), ct);
                if (again.IsSuccess && again.Rows.Count > 0)
                {
                    AuditPolicy(c);
                    continue;
                }
            }

            return SetupStepContext.FromFailure(created, $"Assigning {role}");
        }

        return new StepResult.Done($"Assigned {string.Join(", ", missing)} within the scope ({roles.Count - missing.Count} already present).");
    }

    // ---- Verification -----------------------------------------------------------------------

    private static async Task<StepResult> VerifyAsync(SetupStepContext c, GroupVerifier verifier, CancellationToken ct)
    {
        var outcome = await verifier.CheckAsync(c, ct);
        c.VerificationResults.AddRange(outcome.Results);
        c.Group.ConfiguredAt ??= c.Time.GetUtcNow();
        c.Group.LastCheckedAt = c.Time.GetUtcNow();
        if (outcome.Stop is not null)
        {
            return outcome.Stop;
        }

        var failed = outcome.Results.Count(r => !r.Passed);
        if (failed > 0)
        {
            if (c.Step.Attempts < c.Options.MaxStepAttempts)
            {
                // Exchange applies a new restriction after a while (propagation); ask again later.
                return new StepResult.Retry($"{failed} of {outcome.Results.Count} check(s) do not show the restriction yet; Exchange may still be applying it.",
                    c.Options.ReplicationPollInterval, CountsAsError: false);
            }

            c.Group.Status = ManagedGroupStatus.Configured;
            AuditVerification(c, outcome, passed: false);
            return new StepResult.Done($"Configured, but {failed} of {outcome.Results.Count} check(s) still differ; a re-check is scheduled.");
        }

        c.Group.Status = ManagedGroupStatus.VerifiedInExchange;
        c.Group.VerifiedAt = c.Time.GetUtcNow();
        AuditVerification(c, outcome, passed: true);
        return new StepResult.Done(outcome.Summary);
    }

    private static void AuditVerification(SetupStepContext c, VerificationOutcome outcome, bool passed) =>
        c.AuditEvents.Add(new AuditEvent(AuditActions.VerificationCompleted, AuditActor.System, passed ? AuditOutcome.Succeeded : AuditOutcome.Failed)
        {
            Target = AuditTarget.Group(c.GroupIdentity, c.Request.GroupDisplayName),
            Answer = outcome.Summary,
        });
}

namespace Dropzone.Portal.Core.Setup.Wizard;

/// <summary>The answer of a step's server-side check: errors block Next, warnings are shown loudly but allow it.</summary>
public sealed record StepCheck(IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings)
{
    public static readonly StepCheck Ok = new([], []);

    public bool IsValid => Errors.Count == 0;

    public static StepCheck Error(string message) => new([message], []);
}

/// <summary>The group step's answer and what it found at the address.</summary>
public sealed record GroupCheck(StepCheck Check, ExistingGroupReport? Existing);

/// <summary>What the group step found at the address.</summary>
public sealed record ExistingGroupReport(string Address, string? RecipientType, string? DisplayName, bool IsSecurityGroup, IReadOnlyList<string> Changes);

/// <summary>
/// The wizard's checks against the tenant, one per step, each filling in what it looked up (app names, ids)
/// and answering specific messages. The page calls the check of a step before it moves on, and all of them
/// again before Apply.
/// </summary>
public sealed class SetupWizardService(IDirectoryClient directory, IExchangeClient exchange, RestrictionModeCatalog modes, SetupPermissionPreflight permissions)
{
    public const int MaxMembers = MemberListResolver.MaxRows;

    public MemberListResolver Members { get; } = new(directory);

    public async Task<StepCheck> CheckApplicationAsync(SetupWizardState state, CancellationToken cancellationToken = default)
    {
        var id = state.AppClientId?.Trim() ?? "";
        if (!Guid.TryParse(id, out _))
        {
            return StepCheck.Error("The client id must be a GUID such as 00000000-0000-0000-0000-000000000000 (Entra admin center → App registrations → Application (client) ID).");
        }
        var sp = await directory.GetServicePrincipalByAppIdAsync(id, cancellationToken);
        if (sp is null)
        {
            state.AppDisplayName = null;
            state.AppServicePrincipalId = null;
            return StepCheck.Error($"No application with client id {id} exists in this tenant. Consent to the app first (its enterprise application must exist), or check the id.");
        }
        var grants = await directory.GetAppRoleGrantsAsync(sp.Id, cancellationToken);
        state.AppClientId = id;
        state.AppDisplayName = sp.DisplayName;
        state.AppServicePrincipalId = sp.Id;
        // The one list of permissions that reach mail (Mail.ReadBasic and EWS full_access_as_app included), shared with effective access.
        var mail = Access.MailPermissions.UnscopedNames(grants.Select(g => g.AppRoleId));
        state.AppMailPermissions = [.. mail];
        state.AppUnscopedMailPermissions = [.. mail];
        return StepCheck.Ok;
    }

    /// <summary>Accepted (verified) domains, the default first.</summary>
    public async Task<IReadOnlyList<string>> GetDomainsAsync(CancellationToken cancellationToken = default)
    {
        var domains = await directory.GetDomainsAsync(cancellationToken);
        return [.. domains.Where(d => d.IsVerified).OrderByDescending(d => d.IsDefault).ThenBy(d => d.Id, StringComparer.OrdinalIgnoreCase).Select(d => d.Id)];
    }

    /// <summary>Name rules only: no tenant call, so the page can show them as the admin types.</summary>
    public static StepCheck CheckGroupNames(SetupWizardState state)
    {
        var errors = new List<string>();
        if (GroupNameRules.ValidateDisplayName(state.GroupDisplayName) is { } name) errors.Add(name);
        if (GroupNameRules.ValidateAlias(state.GroupAlias) is { } alias) errors.Add(alias);
        if (string.IsNullOrWhiteSpace(state.GroupDomain)) errors.Add("Choose the domain of the group's address.");
        if (state.GroupDescription?.Length > 1024) errors.Add("The description is longer than 1,024 characters.");
        return new StepCheck(errors, []);
    }

    /// <summary>Whether the address is free, a group that could be adopted, or taken by something else.</summary>
    public async Task<ExistingGroupReport?> FindExistingAsync(SetupWizardState state, CancellationToken cancellationToken = default)
    {
        var address = state.GroupAddress;
        var recipient = await exchange.InvokeAsync(ExchangeCommands.GetRecipient(address), cancellationToken);
        if (recipient.Outcome is ExchangeOutcome.NotFound || (recipient.IsSuccess && recipient.Rows.Count == 0))
        {
            return null;
        }
        if (!recipient.IsSuccess || recipient.FirstRow is not { } row)
        {
            throw new ExchangeCommandException(recipient);
        }
        var info = RecipientInfo.From(row);
        var isGroup = string.Equals(info.RecipientTypeDetails, "MailUniversalSecurityGroup", StringComparison.OrdinalIgnoreCase);
        if (!isGroup)
        {
            return new ExistingGroupReport(address, info.RecipientTypeDetails, info.DisplayName, false, []);
        }
        var group = await exchange.InvokeAsync(ExchangeCommands.GetDistributionGroup(address), cancellationToken);
        var changes = new List<string>();
        if (group.IsSuccess && group.FirstRow is { } g)
        {
            var existing = DistributionGroupInfo.From(g);
            if (!string.Equals(existing.DisplayName, state.GroupDisplayName.Trim(), StringComparison.Ordinal))
                changes.Add($"Display name stays \"{existing.DisplayName}\" (the portal records \"{state.GroupDisplayName.Trim()}\").");
            changes.Add($"Owners are replaced by the owners you choose next (today: {(existing.ManagedBy.Count == 0 ? "none" : string.Join(", ", existing.ManagedBy))}).");
            changes.Add("Members are made to match the members you choose (members not in your list are removed).");
            if (existing.RequireSenderAuthenticationEnabled == state.AllowExternalSenders)
                changes.Add(state.AllowExternalSenders ? "People outside the organization will be able to send to it." : "Only people inside the organization will be able to send to it.");
            if (!string.Equals(existing.MemberJoinRestriction, "Closed", StringComparison.OrdinalIgnoreCase))
                changes.Add($"Joining becomes Closed (today: {existing.MemberJoinRestriction ?? "unknown"}, which Exchange does not enforce for security groups): members are added through the portal.");
            changes.Add("The restriction is scoped to this group; existing restrictions of other apps are left alone.");
        }
        return new ExistingGroupReport(address, info.RecipientTypeDetails, info.DisplayName ?? info.Name, true, changes);
    }

    public async Task<GroupCheck> CheckGroupAsync(SetupWizardState state, CancellationToken cancellationToken = default)
    {
        var names = CheckGroupNames(state);
        if (!names.IsValid)
        {
            return new GroupCheck(names, null);
        }
        var existing = await FindExistingAsync(state, cancellationToken);
        if (existing is null)
        {
            state.AdoptExisting = false;
            return new GroupCheck(await CheckNamesAreFreeAsync(state, cancellationToken), null);
        }
        if (!existing.IsSecurityGroup)
        {
            return new GroupCheck(StepCheck.Error($"{existing.Address} already belongs to {existing.DisplayName ?? "a recipient"} ({Describe(existing.RecipientType)}). Choose another alias: the restriction needs a mail-enabled security group."), existing);
        }
        return state.AdoptExisting
            ? new GroupCheck(new StepCheck([], [$"{existing.Address} exists and will be adopted."]), existing)
            : new GroupCheck(StepCheck.Error($"A mail-enabled security group {existing.Address} ({existing.DisplayName}) already exists. Tick \"Adopt the existing group\" to take it over, or choose another alias."), existing);
    }

    /// <summary>
    /// A new group's name (its display name) and alias must be unique among Exchange's recipients, not only its
    /// address: New-DistributionGroup refuses a taken one. Asked here so the admin fixes it on this step, not
    /// after a failed run.
    /// </summary>
    private async Task<StepCheck> CheckNamesAreFreeAsync(SetupWizardState state, CancellationToken cancellationToken)
    {
        var name = state.GroupDisplayName.Trim();
        var alias = state.GroupAlias.Trim();
        var errors = new List<string>();
        if (await FindRecipientAsync(name, row => string.Equals(row.GetText("Name"), name, StringComparison.OrdinalIgnoreCase), cancellationToken) is { } byName)
        {
            errors.Add($"Display name: \"{name}\" is already the name of {Holder(byName)} in Exchange, and Exchange needs a unique name for the group. Choose another display name.");
        }
        if (await FindRecipientAsync(alias, row => string.Equals(row.GetText("Alias"), alias, StringComparison.OrdinalIgnoreCase), cancellationToken) is { } byAlias)
        {
            errors.Add($"Alias: \"{alias}\" is already the alias of {Holder(byAlias)} in Exchange. Choose another alias.");
        }
        return new StepCheck(errors, []);
    }

    private async Task<RecipientInfo?> FindRecipientAsync(string anr, Func<System.Text.Json.JsonElement, bool> matches, CancellationToken cancellationToken)
    {
        var result = await exchange.InvokeAsync(ExchangeCommands.FindRecipients(anr: anr, unlimited: true), cancellationToken);
        if (result.Outcome is ExchangeOutcome.NotFound)
        {
            return null;
        }
        if (!result.IsSuccess)
        {
            throw new ExchangeCommandException(result);
        }
        return result.Rows.Where(matches).Select(RecipientInfo.From).FirstOrDefault();
    }

    private static string Holder(RecipientInfo recipient) =>
        $"{recipient.DisplayName ?? recipient.Name} ({Describe(recipient.RecipientTypeDetails)}{(recipient.PrimarySmtpAddress is { } address ? ", " + address : "")})";

    private static string Describe(string? type) => type switch
    {
        "UserMailbox" => "a user mailbox",
        "SharedMailbox" => "a shared mailbox",
        "MailUniversalDistributionGroup" => "a distribution list",
        "MailUniversalSecurityGroup" => "a mail-enabled security group",
        "GroupMailbox" => "a Microsoft 365 group",
        null => "another recipient",
        _ => type,
    };

    public Task<IReadOnlyList<DirectoryUser>> SearchPeopleAsync(string text, CancellationToken cancellationToken = default) =>
        string.IsNullOrWhiteSpace(text) || text.Trim().Length < 2
            ? Task.FromResult<IReadOnlyList<DirectoryUser>>([])
            : directory.SearchPeopleAsync(text.Trim(), 15, cancellationToken);

    /// <summary>Owners are re-read from the directory: a picked person may have lost their mailbox since.</summary>
    public async Task<StepCheck> CheckOwnersAsync(SetupWizardState state, CancellationToken cancellationToken = default)
    {
        if (state.Owners.Count == 0)
        {
            return StepCheck.Error("Add at least one owner: owners approve who joins the group.");
        }
        var found = await directory.ResolveAddressesAsync(state.Owners.Select(o => o.UserPrincipalName), cancellationToken: cancellationToken);
        var errors = new List<string>();
        foreach (var owner in state.Owners)
        {
            var user = found.FirstOrDefault(p => string.Equals(p.Key, owner.UserPrincipalName, StringComparison.OrdinalIgnoreCase)).Value;
            if (user is null)
                errors.Add($"{owner.DisplayName} ({owner.UserPrincipalName}) is no longer in the tenant.");
            else if (string.IsNullOrEmpty(user.Mail))
                errors.Add($"{owner.DisplayName} ({owner.UserPrincipalName}) has no mailbox; Exchange accepts only mail-enabled owners.");
        }
        return new StepCheck(errors, []);
    }

    /// <summary>Why a picked person cannot be an owner or member, or null when they can.</summary>
    public static string? RefusePerson(DirectoryUser user) =>
        string.IsNullOrEmpty(user.Mail) ? $"{user.DisplayName ?? user.UserPrincipalName} has no mailbox (not mail-enabled) and cannot be added." : null;

    public static StepCheck CheckMembers(SetupWizardState state)
    {
        var count = state.AllMembers().Count;
        return count switch
        {
            0 => StepCheck.Error("Add at least one member: the restriction would leave the application no mailbox to read."),
            > MaxMembers => StepCheck.Error($"The group would have {count:N0} members; one setup adds at most {MaxMembers:N0}."),
            _ => StepCheck.Ok,
        };
    }

    /// <summary>The description, then the chosen mode's own checks (roles, grants it cannot narrow).</summary>
    public static StepCheck CheckRestriction(SetupWizardState state, RestrictionModeCatalog modes)
    {
        var errors = new List<string>();
        if (state.PolicyDescription?.Length > 256)
        {
            errors.Add("The description is longer than 256 characters.");
        }
        if (!modes.TryGet(state.RestrictionMode, out var mode))
        {
            return new StepCheck([.. errors, $"\"{state.RestrictionMode}\" is not a restriction mode this portal offers."], []);
        }
        var choices = mode.CheckChoices(state);
        return new StepCheck([.. errors, .. choices.Errors], choices.Warnings);
    }

    /// <summary>The review's preflight: exactly what the portal's app lacks for this setup's cmdlets, or nothing.</summary>
    public Task<StepCheck> CheckPermissionsAsync(SetupWizardState state, CancellationToken cancellationToken = default) =>
        permissions.CheckAsync(state.ToRequest(), cancellationToken);

    /// <summary>Every step again, as Apply needs them all to hold.</summary>
    public async Task<(int Step, StepCheck Check)?> CheckAllAsync(SetupWizardState state, CancellationToken cancellationToken = default)
    {
        var app = await CheckApplicationAsync(state, cancellationToken);
        if (!app.IsValid) return (SetupWizardSteps.Application, app);
        var (group, _) = await CheckGroupAsync(state, cancellationToken);
        if (!group.IsValid) return (SetupWizardSteps.Group, group);
        var owners = await CheckOwnersAsync(state, cancellationToken);
        if (!owners.IsValid) return (SetupWizardSteps.Owners, owners);
        var members = CheckMembers(state);
        if (!members.IsValid) return (SetupWizardSteps.Members, members);
        var restriction = CheckRestriction(state, modes);
        if (!restriction.IsValid) return (SetupWizardSteps.Restriction, restriction);
        // Last, and before anything is created: may the portal's app run every cmdlet this setup needs?
        var allowed = await CheckPermissionsAsync(state, cancellationToken);
        if (!allowed.IsValid) return (SetupWizardSteps.Review, allowed);
        return null;
    }
}

namespace Dropzone.TenantEmulator.Exchange;

/// <summary>Distribution group, membership and recipient cmdlets with Exchange's rules.</summary>
internal static partial class GroupCmdlets
{
    public const int MemberCap = 10_000;

    public static IEnumerable<CmdletDefinition> All =>
    [
        new("New-DistributionGroup", ["Name*", "DisplayName", "Alias", "PrimarySmtpAddress", "Type", "ManagedBy", "Members", "CopyOwnerToMember",
            "MemberJoinRestriction", "MemberDepartRestriction", "RequireSenderAuthenticationEnabled", "Description", "Notes"], NewGroup),
        new("Get-DistributionGroup", ["Identity", "ResultSize", "Anr", "RecipientTypeDetails"], GetGroups),
        new("Set-DistributionGroup", ["Identity*", "Name", "ManagedBy", "BypassSecurityGroupManagerCheck", "DisplayName", "Description",
            "MemberJoinRestriction", "RequireSenderAuthenticationEnabled", "PrimarySmtpAddress"], SetGroup),
        new("Remove-DistributionGroup", ["Identity*", "BypassSecurityGroupManagerCheck"], RemoveGroup),
        new("Get-DistributionGroupMember", ["Identity*", "ResultSize"], GetMembers),
        new("Add-DistributionGroupMember", ["Identity*", "Member*", "BypassSecurityGroupManagerCheck"], AddMember),
        new("Remove-DistributionGroupMember", ["Identity*", "Member*", "BypassSecurityGroupManagerCheck"], RemoveMember),
        new("Update-DistributionGroupMember", ["Identity*", "Members", "BypassSecurityGroupManagerCheck"], UpdateMembers),
        new("Get-Recipient", ["Identity", "ResultSize", "Anr", "RecipientTypeDetails"], GetRecipients),
        new("Get-Mailbox", ["Identity", "ResultSize", "Anr", "RecipientTypeDetails"], GetMailboxes),
        new("Get-AcceptedDomain", ["Identity"], GetAcceptedDomains),
    ];

    private static IEnumerable<JsonObject> NewGroup(CmdletContext c)
    {
        var p = c.Parameters;
        var state = c.State;
        var name = p.Required("Name");
        var displayName = p.Text("DisplayName") ?? name;
        var alias = p.Text("Alias") ?? AliasFrom(name);
        CheckLength("Name", name, 64);
        CheckLength("DisplayName", displayName, 256);
        CheckLength("Alias", alias, 64);
        if (!AliasPattern().IsMatch(alias))
        {
            throw ExchangeCmdletException.BadParameter($"The alias \"{alias}\" contains characters that aren't allowed.", ExchangeCmdletException.DataValidation);
        }
        var smtp = p.Text("PrimarySmtpAddress") ?? $"{alias}@{DemoTenant.Domain}";
        CheckAcceptedDomain(smtp);
        var type = p.Text("Type") ?? "Distribution";
        var isSecurity = type.Equals("Security", StringComparison.OrdinalIgnoreCase);
        if (!isSecurity && !type.Equals("Distribution", StringComparison.OrdinalIgnoreCase))
        {
            throw ExchangeCmdletException.BadParameter($"Cannot bind parameter 'Type'. Cannot convert value \"{type}\" to type \"Microsoft.Exchange.Management.RecipientTasks.GroupType\".", ExchangeCmdletException.ParameterBinding);
        }
        var joinRestriction = p.Text("MemberJoinRestriction") ?? "Closed";
        CheckJoinRestriction(joinRestriction, isSecurity);

        if (state.Objects.Any(o => TenantState.Eq(o.Name, name)))
        {
            throw new ExchangeCmdletException(400, ExchangeCmdletException.AlreadyExists,
                $"The name \"{name}\" is already being used. Please try another name.", ErrorDetailForm.ErrorIdPipe);
        }
        if (state.Objects.Any(o => TenantState.Eq(o.Alias, alias)))
        {
            throw new ExchangeCmdletException(400, ExchangeCmdletException.AlreadyExists,
                $"The alias \"{alias}\" is already being used by another recipient. Please try another alias.", ErrorDetailForm.ErrorIdPipe);
        }
        if (state.IsSmtpAddressTaken(smtp))
        {
            var holder = state.Objects.First(o => o.AllSmtpAddresses.Any(a => TenantState.Eq(a, smtp)) || TenantState.Eq(o.UserPrincipalName, smtp));
            throw new ExchangeCmdletException(400, ExchangeCmdletException.ProxyAddressExists,
                $"The proxy address \"SMTP:{smtp}\" is already being used by the proxy addresses or LegacyExchangeDN of \"{holder.Name}\". Please choose another proxy address.",
                ErrorDetailForm.Pipe);
        }

        var owners = p.List("ManagedBy")?.Select(c.DirectoryObject).ToList() ?? [];
        foreach (var owner in owners)
        {
            RequireMailEnabledOwner(owner);
        }
        if (owners.Count == 0)
        {
            c.Warnings.Add("The ManagedBy parameter wasn't specified; the group was created without owners because the caller is an application.");
        }
        var memberNames = p.List("Members") ?? [];
        var members = memberNames.Select(c.Recipient).ToList();
        if (p.Switch("CopyOwnerToMember"))
        {
            members.AddRange(owners);
        }
        members = [.. members.DistinctBy(m => m.Id)];
        CheckMemberCap(members.Count);
        var timeout = ClassifyBulk(state, members.Count);

        var group = DemoSeed.NewRecipient(state, state.NewId(), isSecurity ? RecipientKind.MailUniversalSecurityGroup : RecipientKind.MailUniversalDistributionGroup,
            alias, displayName, upn: null, jobTitle: null, department: null, visibleFrom: state.Now + state.Faults.ReplicationDelay);
        group.Name = name;
        group.PrimarySmtpAddress = smtp;
        group.MemberJoinRestriction = joinRestriction;
        group.RequireSenderAuthenticationEnabled = p.Bool("RequireSenderAuthenticationEnabled") ?? true;
        group.Description = p.Text("Description") ?? p.Text("Notes");
        group.ManagedBy.AddRange(owners.Select(o => o.Id).Distinct());
        group.Members.AddRange(members.Select(m => m.Id));
        state.Objects.Add(group);
        state.DirectoryChanged();
        ThrowIfAppliedTimeout(timeout);
        return [ExchangeShapes.Group(group, state)];
    }

    private static IEnumerable<JsonObject> GetGroups(CmdletContext c)
    {
        var identity = c.Parameters.Text("Identity");
        if (identity is not null)
        {
            return [ExchangeShapes.Group(c.Group(identity), c.State)];
        }
        return c.Limit(c.State.Objects.Where(o => o.IsGroup && c.State.IsVisible(o) && c.MatchesAnr(o) && c.MatchesTypeDetails(o))
            .Select(g => ExchangeShapes.Group(g, c.State)));
    }

    private static IEnumerable<JsonObject> SetGroup(CmdletContext c)
    {
        var p = c.Parameters;
        var group = c.Group(p.Required("Identity"));
        RequireManagerBypass(c, group);
        if (p.Text("MemberJoinRestriction") is { } join)
        {
            CheckJoinRestriction(join, group.Kind == RecipientKind.MailUniversalSecurityGroup);
        }
        List<Guid>? owners = null;
        if (p.List("ManagedBy") is { } whole)
        {
            owners = [.. whole.Select(c.DirectoryObject).Select(RequireMailEnabledOwner).Select(o => o.Id).Distinct()];
        }
        else if (p.HashTableEdit("ManagedBy") is { } edit)
        {
            var add = edit.Add.Select(c.DirectoryObject).Select(RequireMailEnabledOwner).Select(o => o.Id);
            var remove = edit.Remove.Select(c.DirectoryObject).Select(o => o.Id).ToHashSet();
            owners = [.. group.ManagedBy.Where(id => !remove.Contains(id)).Concat(add).Distinct()];
        }
        if (p.Text("PrimarySmtpAddress") is { } smtp && !TenantState.Eq(smtp, group.PrimarySmtpAddress))
        {
            CheckAcceptedDomain(smtp);
            if (c.State.IsSmtpAddressTaken(smtp))
            {
                throw new ExchangeCmdletException(400, ExchangeCmdletException.ProxyAddressExists,
                    $"The proxy address \"SMTP:{smtp}\" is already being used by the proxy addresses or LegacyExchangeDN. Please choose another proxy address.", ErrorDetailForm.JsonString);
            }
            group.SecondaryAddresses.Add(group.PrimarySmtpAddress);
            group.PrimarySmtpAddress = smtp;
        }
        var newName = p.Text("Name") is { } n && !TenantState.Eq(n, group.Name) ? n : null;
        if (newName is not null && c.State.Objects.Any(o => TenantState.Eq(o.Name, newName)))
        {
            throw new ExchangeCmdletException(400, ExchangeCmdletException.AlreadyExists,
                $"The name \"{newName}\" is already being used. Please try another name.", ErrorDetailForm.ErrorIdPipe);
        }
        // Every check passed: now apply, so a failed call changes nothing.
        group.Name = newName ?? group.Name;
        if (owners is not null)
        {
            group.ManagedBy.Clear();
            group.ManagedBy.AddRange(owners);
        }
        if (p.Text("DisplayName") is { } displayName)
        {
            CheckLength("DisplayName", displayName, 256);
            group.DisplayName = displayName;
        }
        if (p.Has("Description"))
        {
            group.Description = p.Text("Description");
        }
        group.MemberJoinRestriction = p.Text("MemberJoinRestriction") ?? group.MemberJoinRestriction;
        group.RequireSenderAuthenticationEnabled = p.Bool("RequireSenderAuthenticationEnabled") ?? group.RequireSenderAuthenticationEnabled;
        c.State.DirectoryChanged();
        return [];
    }

    private static IEnumerable<JsonObject> RemoveGroup(CmdletContext c)
    {
        var group = c.Group(c.Parameters.Required("Identity"));
        RequireManagerBypass(c, group);
        c.State.Objects.Remove(group);
        c.State.DirectoryChanged();
        foreach (var other in c.State.Objects.Where(o => o.IsGroup))
        {
            other.Members.Remove(group.Id);
            other.ManagedBy.Remove(group.Id);
        }
        return [];
    }

    private static IEnumerable<JsonObject> GetMembers(CmdletContext c)
    {
        var group = c.Group(c.Parameters.Required("Identity"));
        return c.Limit(group.Members.Select(c.State.FindById).OfType<DirectoryObject>().Select(ExchangeShapes.Recipient));
    }

    private static IEnumerable<JsonObject> AddMember(CmdletContext c)
    {
        var group = c.Group(c.Parameters.Required("Identity"));
        RequireManagerBypass(c, group);
        var member = c.Recipient(c.Parameters.Required("Member"));
        if (group.Members.Contains(member.Id))
        {
            throw new ExchangeCmdletException(400, ExchangeCmdletException.MemberAlreadyExists,
                $"The recipient \"{member.Name}\" is already a member of the group \"{group.Name}\".", ErrorDetailForm.ErrorIdPipe);
        }
        if (member.Id == group.Id)
        {
            throw ExchangeCmdletException.BadParameter("A group can't be a member of itself.", ExchangeCmdletException.RecipientTask);
        }
        CheckMemberCap(group.Members.Count + 1);
        group.Members.Add(member.Id);
        return [];
    }

    private static IEnumerable<JsonObject> RemoveMember(CmdletContext c)
    {
        var group = c.Group(c.Parameters.Required("Identity"));
        RequireManagerBypass(c, group);
        var member = c.Recipient(c.Parameters.Required("Member"));
        if (!group.Members.Remove(member.Id))
        {
            throw new ExchangeCmdletException(400, ExchangeCmdletException.MemberNotFound,
                $"The recipient \"{member.Name}\" isn't a member of the group \"{group.Name}\".", ErrorDetailForm.JsonString);
        }
        return [];
    }

    private static IEnumerable<JsonObject> UpdateMembers(CmdletContext c)
    {
        var group = c.Group(c.Parameters.Required("Identity"));
        RequireManagerBypass(c, group);
        var names = c.Parameters.List("Members") ?? [];
        // The trap is about the size of the array the service receives, checked before anything else.
        var timeout = ClassifyBulk(c.State, names.Count);
        var members = names.Select(c.Recipient).DistinctBy(m => m.Id).ToList();
        CheckMemberCap(members.Count);
        c.ApplyMembershipChange(names.Count, () =>
        {
            group.Members.Clear();
            group.Members.AddRange(members.Select(m => m.Id));
        });
        ThrowIfAppliedTimeout(timeout);
        return [];
    }

    private static IEnumerable<JsonObject> GetRecipients(CmdletContext c)
    {
        var identity = c.Parameters.Text("Identity");
        if (identity is not null)
        {
            return [ExchangeShapes.Recipient(c.Recipient(identity))];
        }
        return c.Limit(c.State.Objects.Where(o => o.IsMailEnabled && c.State.IsVisible(o) && c.MatchesAnr(o) && c.MatchesTypeDetails(o))
            .Select(ExchangeShapes.Recipient));
    }

    private static IEnumerable<JsonObject> GetMailboxes(CmdletContext c)
    {
        static bool IsMailbox(DirectoryObject o) => o.Kind is RecipientKind.UserMailbox or RecipientKind.SharedMailbox;
        var identity = c.Parameters.Text("Identity");
        if (identity is not null)
        {
            return c.State.ResolveVisible(identity) is { } o && IsMailbox(o) ? [ExchangeShapes.Mailbox(o)] : throw ExchangeCmdletException.ObjectNotFound(identity);
        }
        return c.Limit(c.State.Objects.Where(o => IsMailbox(o) && c.MatchesAnr(o) && c.MatchesTypeDetails(o)).Select(ExchangeShapes.Mailbox));
    }

    private static IEnumerable<JsonObject> GetAcceptedDomains(CmdletContext c)
    {
        var all = new[] { ExchangeShapes.AcceptedDomain(DemoTenant.Domain, true, false), ExchangeShapes.AcceptedDomain(DemoTenant.InitialDomain, false, true) };
        var identity = c.Parameters.Text("Identity");
        if (identity is null)
        {
            return all;
        }
        var match = all.FirstOrDefault(d => TenantState.Eq((string?)d["Name"], identity));
        return match is not null ? [match] : throw ExchangeCmdletException.ObjectNotFound(identity);
    }

    /// <summary>An app is never a group manager, so without the bypass switch Exchange refuses the change.</summary>
    private static void RequireManagerBypass(CmdletContext c, DirectoryObject group)
    {
        if (group.Kind == RecipientKind.MailUniversalSecurityGroup && !c.Parameters.Switch("BypassSecurityGroupManagerCheck"))
        {
            throw new ExchangeCmdletException(400, ExchangeCmdletException.GroupManagerRequired,
                "The executing user is not in the current organization. You don't have sufficient permissions. This operation can only be performed by a manager of the group.",
                ErrorDetailForm.Pipe);
        }
    }

    private static DirectoryObject RequireMailEnabledOwner(DirectoryObject owner) =>
        owner.Kind is RecipientKind.UserMailbox or RecipientKind.SharedMailbox or RecipientKind.MailUniversalSecurityGroup ? owner
        : throw ExchangeCmdletException.BadParameter(
            $"The recipient \"{owner.Name}\" can't be a group owner: owners must be mailboxes, mail users or mail-enabled security groups (RecipientTypeDetails is {owner.Kind}).",
            ExchangeCmdletException.RecipientTask);

    private static void CheckJoinRestriction(string value, bool isSecurity)
    {
        if (value is not ("Open" or "Closed" or "ApprovalRequired"))
        {
            throw ExchangeCmdletException.BadParameter($"Cannot bind parameter 'MemberJoinRestriction'. Cannot convert value \"{value}\".", ExchangeCmdletException.ParameterBinding);
        }
        if (isSecurity && value == "Open")
        {
            throw ExchangeCmdletException.BadParameter("Security groups can't be open to join. MemberJoinRestriction can't be set to Open for a security group.",
                ExchangeCmdletException.RecipientTask);
        }
    }

    private static void CheckMemberCap(int count)
    {
        if (count > MemberCap)
        {
            throw ExchangeCmdletException.BadParameter($"A group can't have more than {MemberCap} members; the request would give it {count}.", ExchangeCmdletException.RecipientTask);
        }
    }

    private static void CheckLength(string parameter, string value, int max)
    {
        if (value.Length > max)
        {
            throw ExchangeCmdletException.BadParameter($"The length of the property is too long. The maximum length is {max} and the length of the value provided is {value.Length}. Parameter: {parameter}.",
                ExchangeCmdletException.DataValidation);
        }
    }

    private static void CheckAcceptedDomain(string smtp)
    {
        var at = smtp.LastIndexOf('@');
        var domain = at > 0 ? smtp[(at + 1)..] : "";
        if (!TenantState.Eq(domain, DemoTenant.Domain) && !TenantState.Eq(domain, DemoTenant.InitialDomain))
        {
            throw ExchangeCmdletException.BadParameter($"The email address \"{smtp}\" isn't correct or its domain isn't an accepted domain of this organization.",
                "Microsoft.Exchange.Data.NotAcceptedDomainException");
        }
    }

    private enum BulkOutcome { Fine, TimeoutApplied }

    /// <summary>The large-array trap of EXCHANGE.md: above the upper threshold nothing is applied.</summary>
    private static BulkOutcome ClassifyBulk(TenantState state, int count)
    {
        if (count > state.Faults.BulkTimeoutDroppedThreshold)
        {
            throw new ExchangeTimeoutException(applied: false);
        }
        return count > state.Faults.BulkTimeoutAppliedThreshold ? BulkOutcome.TimeoutApplied : BulkOutcome.Fine;
    }

    private static void ThrowIfAppliedTimeout(BulkOutcome outcome)
    {
        if (outcome == BulkOutcome.TimeoutApplied)
        {
            throw new ExchangeTimeoutException(applied: true);
        }
    }

    private static string AliasFrom(string name) => NonAliasCharacters().Replace(name, "");

    [GeneratedRegex("^[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~.]+$")]
    private static partial Regex AliasPattern();

    [GeneratedRegex("[^A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~.]")]
    private static partial Regex NonAliasCharacters();
}

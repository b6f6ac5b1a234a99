namespace Dropzone.TenantEmulator.State;

/// <summary>
/// The whole emulated tenant, in memory. Every read and write holds <see cref="Gate"/>, so HTTP handlers
/// on many threads see a consistent directory. Time comes from the injected <see cref="TimeProvider"/>:
/// replication and propagation delays are instants compared with "now", never timers.
/// </summary>
public sealed partial class TenantState
{
    internal const string GraphAppId = "00000003-0000-0000-c000-000000000000";
    internal const string ExchangeAppId = "00000002-0000-0ff1-ce00-000000000000";
    internal const string ExchangeAdministratorRole = "Exchange Administrator";
    /// <summary>Directory role template id of Exchange Administrator, carried in the tokens' <c>wids</c> claim.</summary>
    internal const string ExchangeAdministratorTemplateId = "29232cdf-9323-42fd-ade2-1d097af3e4de";

    private readonly List<CallRecord> _calls = [];
    private readonly List<SentMail> _sentMail = [];
    private int _idCounter;
    private Dictionary<string, List<DirectoryObject>>? _identityIndex;
    private Dictionary<Guid, DirectoryObject>? _guidIndex;
    private Random _random = new(1);

    public TenantState(TimeProvider timeProvider, EmulatorFaults? defaultFaults = null)
    {
        Time = timeProvider;
        DefaultFaults = defaultFaults ?? EmulatorFaults.None;
        Reset();
    }

    /// <summary>The faults a reset returns to.</summary>
    public EmulatorFaults DefaultFaults { get; }

    internal Lock Gate { get; } = new();
    public TimeProvider Time { get; }
    public DateTimeOffset Now => Time.GetUtcNow();
    public EmulatorFaults Faults { get; private set; } = EmulatorFaults.None;

    internal List<DirectoryObject> Objects { get; } = [];
    internal List<AppRegistration> Apps { get; } = [];
    internal List<AccessPolicy> Policies { get; } = [];
    internal List<ExchangeServicePrincipal> ExchangeServicePrincipals { get; } = [];
    internal List<ManagementScope> Scopes { get; } = [];
    internal List<ManagementRoleAssignment> RoleAssignments { get; } = [];
    internal Dictionary<string, AuthorizationCodeGrant> AuthorizationCodes { get; } = new(StringComparer.Ordinal);
    internal Dictionary<string, RefreshTokenGrant> RefreshTokens { get; } = new(StringComparer.Ordinal);

    internal static IReadOnlyList<ResourceApp> Resources { get; } =
    [
        new(GraphAppId, "dd0e0000-0000-4000-8000-0000000000c1", "Microsoft Graph", "https://graph.microsoft.com"),
        new(ExchangeAppId, "dd0e0000-0000-4000-8000-0000000000c2", "Office 365 Exchange Online", "https://outlook.office365.com"),
    ];

    // Every public change below is saved to the state file (when there is one) before it returns.

    /// <summary>Back to the seeded demo tenant; faults are cleared too.</summary>
    public void Reset()
    {
        lock (Gate)
        {
            Objects.Clear();
            Apps.Clear();
            Policies.Clear();
            ExchangeServicePrincipals.Clear();
            Scopes.Clear();
            RoleAssignments.Clear();
            AuthorizationCodes.Clear();
            RefreshTokens.Clear();
            _calls.Clear();
            _sentMail.Clear();
            EndLongOperations();
            ClearBudgets();
            _idCounter = 0;
            Faults = DefaultFaults;
            _random = new Random(Faults.Seed);
            DemoSeed.Populate(this);
            DirectoryChanged();
            SeedAmbiguousIdentities();
        }
        SaveChanges();
    }

    public void SetFaults(EmulatorFaults faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        lock (Gate)
        {
            Faults = faults;
            _random = new Random(faults.Seed);
            ClearBudgets();
            SeedAmbiguousIdentities();
        }
        SaveChanges();
    }

    /// <summary>Registers a certificate whose private key may sign client assertions for the app.</summary>
    public void RegisterCertificate(string appId, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        lock (Gate)
        {
            FindApp(appId)?.Certificates.Add(certificate.Export(X509ContentType.Cert));
        }
        SaveChanges();
    }

    /// <summary>Grants or withdraws the Entra Exchange Administrator role (403 from Exchange without it).</summary>
    public void SetExchangeAdministrator(string appId, bool granted)
    {
        lock (Gate)
        {
            var app = FindApp(appId) ?? throw new ArgumentException($"Unknown app {appId}.", nameof(appId));
            app.DirectoryRoles.Remove(ExchangeAdministratorRole);
            if (granted)
            {
                app.DirectoryRoles.Add(ExchangeAdministratorRole);
            }
        }
        SaveChanges();
    }

    /// <summary>Gives the app exactly this Entra role for Exchange (e.g. Exchange Recipient Administrator), or none.</summary>
    public void SetExchangeRole(string appId, string? role)
    {
        lock (Gate)
        {
            var app = FindApp(appId) ?? throw new ArgumentException($"Unknown app {appId}.", nameof(appId));
            app.DirectoryRoles.RemoveAll(r => r.StartsWith("Exchange ", StringComparison.Ordinal));
            if (role is not null)
            {
                app.DirectoryRoles.Add(role);
            }
        }
    }

    /// <summary>
    /// Grants or revokes an application permission (an app role on Graph or Exchange Online), e.g. taking away
    /// the restricted app's unscoped Mail.Read so that only its RBAC scope grants access.
    /// </summary>
    public void SetApplicationPermission(string appId, string permission, bool granted)
    {
        lock (Gate)
        {
            var app = FindApp(appId) ?? throw new ArgumentException($"Unknown app {appId}.", nameof(appId));
            var known = DemoSeed.KnownPermissions.FirstOrDefault(p => p.Value == permission)
                ?? throw new ArgumentException($"Unknown permission {permission}.", nameof(permission));
            app.ApplicationPermissions.RemoveAll(p => p.Value == permission);
            if (granted)
            {
                app.ApplicationPermissions.Add(known);
            }
        }
        SaveChanges();
    }

    /// <summary>
    /// Adds a mailbox whose display name is the Name of the recipient <paramref name="identity"/> names, so that name
    /// (as ManagedBy lists owners) matches two recipients, as happens in real tenants.
    /// </summary>
    public Guid AddNamesake(string identity, string? alias = null)
    {
        lock (Gate)
        {
            var original = ResolveVisible(identity) ?? throw new ArgumentException($"Unknown recipient {identity}.", nameof(identity));
            var namesake = DemoSeed.NewUser(this, NewId(), alias ?? $"namesake{Objects.Count}", original.Name, "Staff", "Namesakes", hasMailbox: true);
            Objects.Add(namesake);
            DirectoryChanged();
            return namesake.Id;
        }
    }

    /// <summary>Alias of the demo's second "Pat Plain" (<see cref="EmulatorFaults.AmbiguousIdentities"/>).</summary>
    internal const string NamesakeAlias = "pat.plain.sales";

    /// <summary>With <see cref="EmulatorFaults.AmbiguousIdentities"/>, a second mailbox named as the demo's Pat Plain (once).</summary>
    private void SeedAmbiguousIdentities()
    {
        if (Faults.AmbiguousIdentities && ResolveVisible(NamesakeAlias) is null)
        {
            AddNamesake(DemoTenant.PlainUserUpn, NamesakeAlias);
        }
    }

    /// <summary>Replaces a group's members directly, bypassing the API (fast set-up for paging tests).</summary>
    public void ReplaceGroupMembers(Guid groupId, IEnumerable<Guid> memberIds)
    {
        lock (Gate)
        {
            var group = Objects.Single(o => o.Id == groupId && o.IsGroup);
            group.Members.Clear();
            group.Members.AddRange(memberIds);
        }
        SaveChanges();
    }

    /// <summary>Adds users with mailboxes beyond the demo set, e.g. for large-membership tests.</summary>
    public IReadOnlyList<Guid> AddBulkMailboxUsers(int count, string aliasPrefix = "bulk")
    {
        var ids = new List<Guid>(count);
        lock (Gate)
        {
            var first = Objects.Count;
            for (var i = 0; i < count; i++)
            {
                var alias = $"{aliasPrefix}{first + i:D5}";
                var user = DemoSeed.NewUser(this, NewId(), alias, $"Bulk {alias}", "Staff", "Bulk", hasMailbox: true);
                Objects.Add(user);
                ids.Add(user.Id);
            }
            DirectoryChanged();
        }
        SaveChanges();
        return ids;
    }

    /// <summary>A group as tests want to assert it: owners and members by address. Null when there is no such group.</summary>
    public GroupView? FindGroup(string identity)
    {
        lock (Gate)
        {
            var group = Objects.Find(o => o.IsGroup && (Eq(o.Id.ToString(), identity) || Eq(o.Name, identity) || o.AllSmtpAddresses.Any(a => Eq(a, identity))));
            if (group is null)
            {
                return null;
            }
            string Address(Guid id) => FindById(id) is { } o ? o.UserPrincipalName ?? o.PrimarySmtpAddress : id.ToString();
            return new GroupView(group.Id, group.Name, group.PrimarySmtpAddress, group.Kind, group.DistinguishedName,
                [.. group.ManagedBy.Select(Address)], [.. group.Members.Select(Address)], IsVisible(group));
        }
    }

    /// <summary>Application access policies as (app id, scope name, access right, description).</summary>
    public IReadOnlyList<(string AppId, string ScopeName, string AccessRight, string? Description)> AccessPolicies
    {
        get { lock (Gate) { return [.. Policies.Select(p => (p.AppId, p.ScopeName, p.AccessRight, p.Description))]; } }
    }

    /// <summary>Looks a user up by user principal name; the id is the Entra object id.</summary>
    public Guid? FindUserId(string userPrincipalName)
    {
        lock (Gate)
        {
            return Objects.Find(o => Eq(o.UserPrincipalName, userPrincipalName))?.Id;
        }
    }

    /// <summary>The user principal name of a user by object id; null when there is no such user.</summary>
    public string? FindUserPrincipalName(Guid id)
    {
        lock (Gate)
        {
            return FindById(id)?.UserPrincipalName;
        }
    }

    public IReadOnlyList<SentMail> SentMail
    {
        get { lock (Gate) { return [.. _sentMail]; } }
    }

    public IReadOnlyList<CallRecord> Calls
    {
        get { lock (Gate) { return [.. _calls]; } }
    }

    internal void RecordCall(CallRecord call)
    {
        lock (Gate)
        {
            // Bounded, so a long benchmark cannot grow memory without limit.
            if (_calls.Count >= 10_000)
            {
                _calls.RemoveRange(0, 1000);
            }
            _calls.Add(call);
        }
    }

    internal void RecordMail(SentMail mail)
    {
        lock (Gate)
        {
            _sentMail.Add(mail);
        }
    }

    /// <summary>Draws the next random number of the seeded fault sequence.</summary>
    internal double NextFaultSample()
    {
        lock (Gate)
        {
            return _random.NextDouble();
        }
    }

    /// <summary>Deterministic ids for objects created at run time (call under the gate).</summary>
    internal Guid NewId() => Guid.Parse($"dd0e0000-0000-4000-8009-{++_idCounter:D12}");

    internal AppRegistration? FindApp(string appId) =>
        Apps.Find(a => string.Equals(a.AppId, appId, StringComparison.OrdinalIgnoreCase));

    internal bool IsVisible(DirectoryObject o) => o.VisibleFrom <= Now;

    internal DirectoryObject? FindById(Guid id)
    {
        BuildIndexIfNeeded();
        return _guidIndex!.TryGetValue(id, out var found) && found.Id == id ? found : null;
    }

    /// <summary>Drops the identity index; call after adding, removing or renaming directory objects (under the gate).</summary>
    internal void DirectoryChanged()
    {
        _identityIndex = null;
        _guidIndex = null;
    }

    /// <summary>Exchange -Identity resolution: object id, Exchange guid, UPN, any SMTP address, alias, name, DN, display name.</summary>
    internal DirectoryObject? ResolveVisible(string identity)
    {
        // Indexed because bulk membership calls resolve thousands of identities against thousands of objects.
        BuildIndexIfNeeded();
        var trimmed = identity.Trim();
        if (Guid.TryParse(trimmed, out var guid))
        {
            return _guidIndex!.TryGetValue(guid, out var byGuid) && IsVisible(byGuid) ? byGuid : null;
        }
        return _identityIndex!.TryGetValue(trimmed, out var candidates)
            ? candidates.Find(o => IsVisible(o) && o.IdentityKeys().Any(k => Eq(k, trimmed)))
            : null;
    }

    /// <summary>Every visible object an identity names: more than one means Exchange answers "matches multiple entries".</summary>
    internal List<DirectoryObject> ResolveAllVisible(string identity)
    {
        BuildIndexIfNeeded();
        var trimmed = identity.Trim();
        if (Guid.TryParse(trimmed, out _))
        {
            return ResolveVisible(trimmed) is { } one ? [one] : [];
        }
        return _identityIndex!.TryGetValue(trimmed, out var candidates)
            ? [.. candidates.Where(o => IsVisible(o) && o.IdentityKeys().Any(k => Eq(k, trimmed))).Distinct()]
            : [];
    }

    private void BuildIndexIfNeeded()
    {
        if (_identityIndex is not null && _guidIndex is not null)
        {
            return;
        }
        var identities = new Dictionary<string, List<DirectoryObject>>(StringComparer.OrdinalIgnoreCase);
        var guids = new Dictionary<Guid, DirectoryObject>();
        foreach (var o in Objects)
        {
            guids.TryAdd(o.Id, o);
            guids.TryAdd(o.ExchangeGuid, o);
            foreach (var key in o.IdentityKeys().Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!identities.TryGetValue(key, out var list))
                {
                    identities[key] = list = [];
                }
                list.Add(o);
            }
        }
        (_identityIndex, _guidIndex) = (identities, guids);
    }

    internal static bool Eq(string? a, string? b) => a is not null && b is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    internal bool IsSmtpAddressTaken(string address) =>
        Objects.Any(o => o.AllSmtpAddresses.Any(a => Eq(a, address)) || Eq(o.UserPrincipalName, address));
}

public sealed record GroupView(Guid Id, string Name, string PrimarySmtpAddress, RecipientKind Kind, string DistinguishedName,
    IReadOnlyList<string> Owners, IReadOnlyList<string> Members, bool Visible);

internal sealed record AuthorizationCodeGrant(
    string ClientId, Guid UserId, string RedirectUri, string? CodeChallenge, string? Nonce, string Scope, DateTimeOffset ExpiresAt);

internal sealed record RefreshTokenGrant(string ClientId, Guid UserId, string Scope);

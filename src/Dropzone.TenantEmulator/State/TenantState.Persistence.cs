using System.Text.Json.Serialization;

namespace Dropzone.TenantEmulator.State;

/// <summary>
/// Keeping the tenant in a file (<see cref="TenantStateFile"/>): what is kept is the directory, the apps and
/// their credentials, policies, scopes and role assignments, sign-in grants, sent mail, the faults in force and
/// the token signing key, so that tokens issued before a restart stay valid. The call log is not kept.
/// </summary>
public sealed partial class TenantState : IDisposable
{
    private const int FormatVersion = 1;

    private static readonly JsonSerializerOptions FileFormat = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private TenantStateFile? _file;

    /// <summary>The file the tenant is kept in; null when it lives in memory only.</summary>
    public string? StateFilePath => _file?.Path;

    /// <summary>
    /// Continues the tenant kept in <paramref name="file"/>, or starts it there from the seeded tenant when the
    /// file does not exist yet. A file that cannot be read stops the start: silently reseeding would lose the tenant.
    /// </summary>
    internal void KeepIn(TenantStateFile file)
    {
        if (file.Read() is { } bytes)
        {
            Restore(Parse(bytes, file.Path));
        }
        _file = file;
        SaveChanges();
    }

    /// <summary>Writes the tenant to its file (when it has one) once changes made before this call are in it.</summary>
    public void SaveChanges() => _file?.Save(CaptureBytes);

    /// <inheritdoc cref="SaveChanges"/>
    public Task SaveChangesAsync(CancellationToken cancellationToken = default) =>
        _file?.SaveAsync(CaptureBytes, cancellationToken) ?? Task.CompletedTask;

    public void Dispose() => _file?.Dispose();

    private byte[] CaptureBytes()
    {
        lock (Gate)
        {
            var snapshot = new TenantSnapshot
            {
                FormatVersion = FormatVersion,
                TenantId = DemoTenant.TenantId,
                SigningKey = EmulatorSigningKey.Export(),
                IdCounter = _idCounter,
                Faults = Faults,
                Objects = Objects,
                Apps = Apps,
                Policies = Policies,
                ExchangeServicePrincipals = ExchangeServicePrincipals,
                Scopes = Scopes,
                RoleAssignments = RoleAssignments,
                AuthorizationCodes = AuthorizationCodes,
                RefreshTokens = RefreshTokens,
                SentMail = _sentMail,
            };
            return JsonSerializer.SerializeToUtf8Bytes(snapshot, FileFormat);
        }
    }

    private static TenantSnapshot Parse(byte[] bytes, string path)
    {
        const string Remedy = "Delete it to start again from the seeded demo tenant, or restore a good copy.";
        TenantSnapshot? snapshot;
        try
        {
            snapshot = JsonSerializer.Deserialize<TenantSnapshot>(bytes, FileFormat);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"The emulated tenant's state file {path} is not valid ({ex.Message}). {Remedy}", ex);
        }
        if (snapshot is null || snapshot.FormatVersion != FormatVersion || snapshot.TenantId != DemoTenant.TenantId)
        {
            throw new InvalidOperationException(
                $"The emulated tenant's state file {path} is not a version {FormatVersion} state of tenant {DemoTenant.TenantId}. {Remedy}");
        }
        return snapshot;
    }

    private void Restore(TenantSnapshot snapshot)
    {
        lock (Gate)
        {
            EmulatorSigningKey.Adopt(snapshot.SigningKey);
            Replace(Objects, snapshot.Objects);
            Replace(Apps, snapshot.Apps);
            Replace(Policies, snapshot.Policies);
            Replace(ExchangeServicePrincipals, snapshot.ExchangeServicePrincipals);
            Replace(Scopes, snapshot.Scopes);
            Replace(RoleAssignments, snapshot.RoleAssignments);
            Replace(_sentMail, snapshot.SentMail);
            AuthorizationCodes.Clear();
            foreach (var (code, grant) in snapshot.AuthorizationCodes)
            {
                AuthorizationCodes[code] = grant;
            }
            RefreshTokens.Clear();
            foreach (var (token, grant) in snapshot.RefreshTokens)
            {
                RefreshTokens[token] = grant;
            }
            _idCounter = snapshot.IdCounter;
            Faults = snapshot.Faults ?? DefaultFaults;
            _random = new Random(Faults.Seed);
            DirectoryChanged();
        }
    }

    private static void Replace<T>(List<T> target, List<T> source)
    {
        target.Clear();
        target.AddRange(source);
    }

    /// <summary>The file's layout. Version it: a file of another version is refused, never half read.</summary>
    private sealed class TenantSnapshot
    {
        public int FormatVersion { get; init; }
        public string TenantId { get; init; } = "";
        /// <summary>The emulator's token signing key (PKCS#8); a demo key, as public as the demo secrets.</summary>
        public string? SigningKey { get; init; }
        public int IdCounter { get; init; }
        public EmulatorFaults? Faults { get; init; }
        public List<DirectoryObject> Objects { get; init; } = [];
        public List<AppRegistration> Apps { get; init; } = [];
        public List<AccessPolicy> Policies { get; init; } = [];
        public List<ExchangeServicePrincipal> ExchangeServicePrincipals { get; init; } = [];
        public List<ManagementScope> Scopes { get; init; } = [];
        public List<ManagementRoleAssignment> RoleAssignments { get; init; } = [];
        public Dictionary<string, AuthorizationCodeGrant> AuthorizationCodes { get; init; } = [];
        public Dictionary<string, RefreshTokenGrant> RefreshTokens { get; init; } = [];
        public List<SentMail> SentMail { get; init; } = [];
    }
}

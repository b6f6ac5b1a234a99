namespace Dropzone.TenantEmulator.Directory;

/// <summary>
/// The demo directory, in one place so that a reader sees the whole tenant at a glance. Every id is a
/// fixed GUID starting with <c>dd0e</c> (Dropzone demo) so that nobody mistakes one for a real tenant,
/// and so that tests, docs and demos can name them.
/// </summary>
public static class DemoTenant
{
    public const string TenantId = "dd0e0000-0000-4000-8000-000000000001";
    public const string Domain = "contoso.example";
    public const string InitialDomain = "contoso.onmicrosoft.example";
    public const string OrganizationName = "Contoso (demo tenant)";

    /// <summary>The authority host MSAL and the OIDC handler are pointed at; MSAL refuses http authorities.</summary>
    public const string Instance = "https://login.emulator.test/";

    public const string PortalClientId = "dd0e0000-0000-4000-8000-0000000000a1";
    public const string PortalServicePrincipalId = "dd0e0000-0000-4000-8000-0000000000a2";
    /// <summary>Documented on purpose: the emulator signs anyone in, so this protects nothing.</summary>
    public const string PortalClientSecret = "dropzone-demo-secret-not-for-production";
    public const string PortalDisplayName = "Dropzone Portal";

    public const string RestrictedAppId = "dd0e0000-0000-4000-8000-0000000000b1";
    public const string RestrictedServicePrincipalId = "dd0e0000-0000-4000-8000-0000000000b2";
    public const string RestrictedAppDisplayName = "Dropzone AI";
    public const string RestrictedAppClientSecret = "dropzone-ai-demo-secret-not-for-production";

    public const string AdminUpn = "adele.admin@" + Domain;
    public const string AuditorUpn = "arthur.auditor@" + Domain;
    public const string OwnerUpn = "olivia.owner@" + Domain;
    public const string PlainUserUpn = "pat.plain@" + Domain;
    public const string UnlicensedUserUpn = "uma.unlicensed@" + Domain;
    public const string PhishingReportMailbox = "phishing-reports@" + Domain;
    public const string SecurityTeamMailbox = "security-team@" + Domain;
    public const string AllStaffDistributionList = "all-staff@" + Domain;

    public const string PortalAdminRole = "Portal.Admin";
    public const string PortalAuditorRole = "Portal.Auditor";

    public static Guid UserId(int index) => Guid.Parse($"dd0e0000-0000-4000-8001-{index:D12}");

    internal static Guid SharedMailboxId(int index) => Guid.Parse($"dd0e0000-0000-4000-8002-{index:D12}");

    internal static Guid SeedGroupId(int index) => Guid.Parse($"dd0e0000-0000-4000-8003-{index:D12}");

    /// <summary>People with a role or a purpose in the demo script, then generated staff.</summary>
    internal static IReadOnlyList<DemoPerson> People { get; } = BuildPeople();

    internal static IReadOnlyList<DemoSharedMailbox> SharedMailboxes { get; } =
    [
        new("phishing-reports", "Phishing Reports", "Where employees forward suspicious mail; Dropzone reads it."),
        new("security-team", "Security Team", "The SOC's shared inbox."),
        new("helpdesk", "IT Helpdesk", "Support requests."),
        new("ceo-office", "CEO Office", "Executive assistant mailbox; must never be readable by Dropzone."),
    ];

    private static List<DemoPerson> BuildPeople()
    {
        var people = new List<DemoPerson>
        {
            new("adele.admin", "Adele Admin", "Security Engineer", "Security", [PortalAdminRole]),
            new("arthur.auditor", "Arthur Auditor", "Compliance Auditor", "Compliance", [PortalAuditorRole]),
            new("olivia.owner", "Olivia Owner", "SOC Lead", "Security", []),
            new("pat.plain", "Pat Plain", "Analyst", "Security", []),
            new("sam.sample", "Sam Sample", "Accountant", "Finance", []),
            new("riley.regular", "Riley Regular", "Sales Manager", "Sales", []),
            new("uma.unlicensed", "Uma Unlicensed", "Contractor", "Facilities", [], HasMailbox: false),
        };
        string[] first = ["Ann", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lena", "Milo", "Nia", "Omar", "Pia", "Quin", "Rosa", "Seth", "Tara", "Uri", "Vera", "Wes", "Xena", "Yuri", "Zoe"];
        string[] last = ["Archer", "Baker", "Carter", "Dalton", "Ellis", "Foster", "Grant", "Hayes", "Irwin", "Jensen"];
        string[] departments = ["Finance", "Sales", "Engineering", "Legal", "Marketing", "Operations"];
        // 60 generated staff: deterministic, so that ids and names are the same in every run.
        for (var i = 0; i < 60; i++)
        {
            var given = first[i % first.Length];
            var family = last[i / first.Length % last.Length] + (i >= first.Length * 2 ? (i / (first.Length * 2)).ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
            var alias = $"{given}.{family}".ToLowerInvariant();
            people.Add(new DemoPerson(alias, $"{given} {family}", "Staff", departments[i % departments.Length], []));
        }
        return people;
    }
}

internal sealed record DemoPerson(string Alias, string DisplayName, string JobTitle, string Department, string[] PortalRoles, bool HasMailbox = true);

internal sealed record DemoSharedMailbox(string Alias, string DisplayName, string Purpose);

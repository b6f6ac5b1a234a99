namespace Dropzone.TenantEmulator.State;

/// <summary>Turns <see cref="DemoTenant"/> into state objects; the ids derive from the person's position.</summary>
internal static class DemoSeed
{
    /// <summary>The portal's optional permission to remove another application's grant; not granted by default (it can grant any permission too).</summary>
    internal const string RemoveGrantPermission = "AppRoleAssignment.ReadWrite.All";

    /// <summary>The application permissions the emulator can grant, with their real app role ids (so that a grant looks the same as in a live tenant).</summary>
    internal static IReadOnlyList<AppPermission> KnownPermissions { get; } =
    [
        new(TenantState.ExchangeAppId, "Exchange.ManageAsApp", new("dc50a0fb-09a3-484d-be87-e023b12c6440")),
        new(TenantState.GraphAppId, "User.Read.All", new("df021288-bdef-4463-88db-98f22de89214")),
        new(TenantState.GraphAppId, "Group.Read.All", new("5b567255-7703-4780-807c-7be8301ae99b")),
        new(TenantState.GraphAppId, "Application.Read.All", new("9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30")),
        new(TenantState.GraphAppId, "Domain.Read.All", new("dbb9058a-0e50-45d7-ae91-66909b5d4664")),
        new(TenantState.GraphAppId, "Mail.Send", new("b633e1c5-b582-4048-a93e-9f11b44c7e96")),
        new(TenantState.GraphAppId, "Mail.Read", new("810c84a8-4a9e-49e6-bf7d-12d183f40d01")),
        new(TenantState.GraphAppId, "Mail.ReadBasic", new("6be147d2-ea4f-4b5a-a3fa-3eab6f3c140a")),
        new(TenantState.GraphAppId, "Mail.ReadBasic.All", new("693c5e45-0940-467d-9b8a-1022fb9d42ef")),
        new(TenantState.GraphAppId, "Mail.ReadWrite", new("e2a3a72e-5f79-4c64-b1b1-878b674786c9")),
        // EWS: in an Exchange Online token, so it never opens Graph's /messages.
        new(TenantState.ExchangeAppId, "full_access_as_app", new("dc890d15-9560-4a4c-9b7f-a736ec74ec40")),
        new(TenantState.GraphAppId, RemoveGrantPermission, new("06b708a9-e830-4db3-a914-8e69da51d44f")),
    ];

    public static void Populate(TenantState state)
    {
        var seededAt = state.Now;
        for (var i = 0; i < DemoTenant.People.Count; i++)
        {
            var p = DemoTenant.People[i];
            var user = NewUser(state, DemoTenant.UserId(i + 1), p.Alias, p.DisplayName, p.JobTitle, p.Department, p.HasMailbox);
            user.PortalRoles.AddRange(p.PortalRoles);
            state.Objects.Add(user);
        }
        for (var i = 0; i < DemoTenant.SharedMailboxes.Count; i++)
        {
            var m = DemoTenant.SharedMailboxes[i];
            state.Objects.Add(NewRecipient(state, DemoTenant.SharedMailboxId(i + 1), RecipientKind.SharedMailbox, m.Alias, m.DisplayName,
                upn: $"{m.Alias}@{DemoTenant.Domain}", jobTitle: null, department: null));
        }

        // A plain distribution list, to show that an access policy cannot be scoped to one.
        var allStaff = NewRecipient(state, DemoTenant.SeedGroupId(1), RecipientKind.MailUniversalDistributionGroup, "all-staff", "All Staff",
            upn: null, jobTitle: null, department: null);
        allStaff.Name = "All Staff";
        allStaff.ManagedBy.Add(DemoTenant.UserId(1));
        allStaff.Members.AddRange(state.Objects.Where(o => o.Kind == RecipientKind.UserMailbox).Select(o => o.Id));
        state.Objects.Add(allStaff);

        var portal = NewApp(DemoTenant.PortalClientId, DemoTenant.PortalServicePrincipalId, DemoTenant.PortalDisplayName,
            DemoTenant.PortalClientSecret, seededAt);
        portal.AppRoles.AddRange([DemoTenant.PortalAdminRole, DemoTenant.PortalAuditorRole]);
        portal.DirectoryRoles.Add(TenantState.ExchangeAdministratorRole);
        portal.ApplicationPermissions.AddRange(KnownPermissions.Where(p =>
            !p.Value.StartsWith("Mail.Read", StringComparison.Ordinal) && p.Value is not ("full_access_as_app" or RemoveGrantPermission)));
        state.Apps.Add(portal);

        var restricted = NewApp(DemoTenant.RestrictedAppId, DemoTenant.RestrictedServicePrincipalId, DemoTenant.RestrictedAppDisplayName,
            DemoTenant.RestrictedAppClientSecret, seededAt);
        // The unscoped Entra grant the portal must warn about once RBAC scoping is in place.
        restricted.ApplicationPermissions.Add(KnownPermissions.Single(p => p.Value == "Mail.Read"));
        state.Apps.Add(restricted);
    }

    private static AppRegistration NewApp(string appId, string servicePrincipalId, string displayName, string clientSecret, DateTimeOffset createdAt)
    {
        var app = new AppRegistration
        {
            AppId = appId,
            ServicePrincipalId = servicePrincipalId,
            DisplayName = displayName,
            CreatedAt = createdAt,
        };
        app.ClientSecrets.Add(clientSecret);
        return app;
    }

    public static DirectoryObject NewUser(TenantState state, Guid id, string alias, string displayName, string jobTitle, string department, bool hasMailbox) =>
        NewRecipient(state, id, hasMailbox ? RecipientKind.UserMailbox : RecipientKind.None, alias, displayName,
            upn: $"{alias}@{DemoTenant.Domain}", jobTitle, department);

    public static DirectoryObject NewRecipient(TenantState state, Guid id, RecipientKind kind, string alias, string displayName,
        string? upn, string? jobTitle, string? department, DateTimeOffset? visibleFrom = null)
    {
        var o = new DirectoryObject
        {
            Id = id,
            ExchangeGuid = ExchangeGuidFor(id),
            Kind = kind,
            Name = alias,
            DisplayName = displayName,
            Alias = alias,
            PrimarySmtpAddress = $"{alias}@{DemoTenant.Domain}",
            Sid = SidFor(id),
            UserPrincipalName = upn,
            JobTitle = jobTitle,
            Department = department,
            CreatedAt = state.Now,
            VisibleFrom = visibleFrom ?? state.Now,
        };
        o.SecondaryAddresses.Add($"{alias}@{DemoTenant.InitialDomain}");
        return o;
    }

    /// <summary>Exchange keeps its own object guid; deriving it keeps it stable and distinct from the Entra id.</summary>
    private static Guid ExchangeGuidFor(Guid id)
    {
        var bytes = id.ToByteArray();
        bytes[0] ^= 0x5A;
        bytes[1] ^= 0xA5;
        return new Guid(bytes);
    }

    private static string SidFor(Guid id)
    {
        var tail = unchecked((uint)id.GetHashCode());
        return string.Create(CultureInfo.InvariantCulture, $"S-1-5-21-3650091840-1426571218-1092461826-{tail}");
    }
}

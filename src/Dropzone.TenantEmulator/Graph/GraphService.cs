using System.Diagnostics.CodeAnalysis;

namespace Dropzone.TenantEmulator.Graph;

/// <summary>The Microsoft Graph v1.0 subset the portal calls (EXCHANGE.md section 5), with Graph's error bodies.</summary>
public sealed partial class GraphService(TenantState state, TokenIssuer tokens)
{
    public const int MaxBatchSize = 20;
    private const string MesgWriteRefusal = "Cannot Update a mail-enabled security groups and or distribution list.";

    public async Task<EmulatorResponse> HandleAsync(EmulatorRequest request)
    {
        var identity = await tokens.ValidateAsync(request.Header("Authorization"), TenantState.Resources[0].Audience, TenantState.GraphAppId);
        if (identity is null)
        {
            return Error(401, "InvalidAuthenticationToken", request.Header("Authorization") is null ? "Access token is empty." : "Access token validation failure. Invalid audience or signature.");
        }
        var s = request.Segments;
        if (s.Length < 2 || s[0] != "v1.0")
        {
            return Error(400, "BadRequest", "Invalid version: the emulator serves v1.0 only.");
        }
        if (s[1] == "$batch" && request.Method == "POST")
        {
            return Batch(request, identity);
        }
        return Handle(request, identity);
    }

    private EmulatorResponse Handle(EmulatorRequest request, ClaimsIdentity identity)
    {
        var s = request.Segments;
        if (s.Length < 2 || s[0] != "v1.0" || s[1] == "$batch")
        {
            return Error(400, "BadRequest", "Invalid request inside a batch.");
        }
        var response = Route(request, identity, s[1..]);
        response.Operation = $"{request.Method} {string.Join('/', s[1..].Take(1))}";
        return response;
    }

    private EmulatorResponse Route(EmulatorRequest r, ClaimsIdentity caller, string[] s)
    {
        var head = s[0];
        var isGet = r.Method == "GET";
        if (head.StartsWith("servicePrincipals(", StringComparison.Ordinal))
        {
            return Require(caller, ["Application.Read.All", "Directory.Read.All"]) ?? ServicePrincipalByAppId(head);
        }
        return (head, s.Length, r.Method) switch
        {
            ("users", 1, "GET") => Require(caller, ["User.Read.All", "User.ReadBasic.All", "Directory.Read.All"]) ?? Users(r),
            ("users", 2, "GET") => Require(caller, ["User.Read.All", "User.ReadBasic.All", "Directory.Read.All"]) ?? User(s[1], r),
            ("users", 3, "POST") when s[2] == "sendMail" => Require(caller, ["Mail.Send"]) ?? SendMail(s[1], r),
            ("users", 3 or 5, "GET") when s[2] == "messages" || (s.Length == 5 && s[2] == "mailFolders" && s[4] == "messages") => ReadMail(caller, s[1]),
            ("servicePrincipals", 2, "GET") => Require(caller, ["Application.Read.All", "Directory.Read.All"]) ?? ServicePrincipalById(s[1]),
            ("servicePrincipals", 3, "GET") when s[2] == "appRoleAssignments" => Require(caller, AppRoleReaders) ?? AppRoleAssignments(s[1]),
            ("servicePrincipals", 3, "GET") when s[2] == "appRoleAssignedTo" => Require(caller, AppRoleReaders) ?? AppRoleAssignedTo(s[1]),
            ("servicePrincipals", 4, "DELETE") when s[2] is "appRoleAssignedTo" or "appRoleAssignments" =>
                Require(caller, AppRoleWriters) ?? DeleteAppRoleAssignment(s[1], s[2] == "appRoleAssignedTo", s[3]),
            ("groups", 1, "POST") => CreateGroup(r),
            ("groups", 2, "GET") => Require(caller, ["Group.Read.All", "GroupMember.Read.All", "Directory.Read.All"]) ?? Group(s[1]),
            ("groups", 3, "GET") when s[2] == "members" => Require(caller, ["Group.Read.All", "GroupMember.Read.All", "Directory.Read.All"]) ?? Members(s[1], r),
            ("groups", >= 3, "POST" or "DELETE") when s[2] == "members" => MemberWrite(s[1]),
            ("domains", 1, "GET") => Require(caller, ["Domain.Read.All", "Directory.Read.All"]) ?? Domains(),
            _ when isGet => Error(400, "BadRequest", $"Resource not found for the segment '{head}'."),
            _ => Error(405, "Request_BadRequest", "The emulator does not support this method on this resource."),
        };
    }

    /// <summary>App tokens need one of the application permissions; delegated tokens pass (the user's own rights are not modelled).</summary>
    private static EmulatorResponse? Require(ClaimsIdentity caller, string[] anyOf)
    {
        var delegated = caller.FindFirst("scp") is not null;
        var roles = caller.FindAll(c => c.Type is "roles" or ClaimTypes.Role).Select(c => c.Value);
        if (delegated && (anyOf[0] != "Mail.Send" || caller.FindFirst("scp")!.Value.Split(' ').Contains("Mail.Send")))
        {
            return null;
        }
        return roles.Intersect(anyOf).Any() ? null : Error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
    }

    /// <summary>The user whose mailbox a /messages or /sendMail call names, or Graph's answer when there is none.</summary>
    private bool TryFindMailbox(string idOrUpn, [NotNullWhen(true)] out DirectoryObject? user, [NotNullWhen(false)] out EmulatorResponse? refusal)
    {
        user = FindUser(idOrUpn);
        refusal = user is null ? NotFound(idOrUpn)
            : user.IsMailEnabled ? null
            : Error(404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is hosted on-premise.");
        return refusal is null;
    }

    private EmulatorResponse SendMail(string idOrUpn, EmulatorRequest r)
    {
        if (!TryFindMailbox(idOrUpn, out var user, out var refusal))
        {
            return refusal;
        }
        // Graph reads property names case-insensitively, and the Graph SDK sends "Message" and "SaveToSentItems".
        var message = JsonProperties.Get(r.JsonBody(), "message");
        var to = (JsonProperties.Get(message, "toRecipients") as JsonArray)?
            .Select(x => JsonProperties.Text(JsonProperties.Get(JsonProperties.Get(x, "emailAddress"), "address"))).OfType<string>().ToList() ?? [];
        if (message is null || to.Count == 0)
        {
            return Error(400, "ErrorInvalidRecipients", "At least one recipient isn't valid., A message can't be sent because it contains no recipients.");
        }
        state.RecordMail(new SentMail(user.PrimarySmtpAddress, to, JsonProperties.Text(JsonProperties.Get(message, "subject")) ?? "",
            JsonProperties.Text(JsonProperties.Get(JsonProperties.Get(message, "body"), "content")) ?? "", state.Now));
        return EmulatorResponse.Empty(202);
    }

    /// <summary>
    /// Reading a mailbox as an application: Entra consent (the token's Mail.Read) or an RBAC for Applications
    /// grant in scope, and then the application access policies, exactly as Exchange combines them.
    /// </summary>
    private EmulatorResponse ReadMail(ClaimsIdentity caller, string idOrUpn)
    {
        if (!TryFindMailbox(idOrUpn, out var user, out var refusal))
        {
            return refusal;
        }
        var appId = caller.FindFirst("azp")?.Value ?? caller.FindFirst("appid")?.Value ?? "";
        var servicePrincipalId = caller.FindFirst("oid")?.Value ?? "";
        var consented = caller.FindAll(c => c.Type is "roles" or ClaimTypes.Role).Any(c => c.Value is "Mail.Read" or "Mail.ReadWrite" or "Mail.ReadBasic" or "Mail.ReadBasic.All");
        bool permitted;
        lock (state.Gate)
        {
            // Graph enforces a change only once it has propagated (GraphEnforcementDelay), unlike the Test-* cmdlets.
            // Only roles that read messages open /messages: not Mail.Send, nor MailboxSettings.*, whose names also contain "Mail".
            var now = state.Now;
            var rbac = Exchange.AccessEvaluation.EffectiveAssignments(state, servicePrincipalId, now)
                .Any(a => Exchange.AccessEvaluation.ReadsMessages(a.Role) && Exchange.AccessEvaluation.IsInAssignmentScope(state, a, user, now));
            permitted = (consented || rbac) && Exchange.AccessEvaluation.IsGrantedByPolicies(state, appId, user, now);
        }
        if (!permitted)
        {
            return Error(403, "ErrorAccessDenied", "Access to OData is disabled.");
        }
        return EmulatorResponse.Json(200, new JsonObject
        {
            ["@odata.context"] = $"https://graph.microsoft.com/v1.0/$metadata#users('{user.Id}')/messages",
            ["value"] = new JsonArray([.. DemoMailbox.MessagesFor(user).Select(m => (JsonNode)m)]),
        });
    }

    private EmulatorResponse ServicePrincipalByAppId(string segment)
    {
        var m = AppIdKey().Match(segment);
        if (!m.Success)
        {
            return Error(400, "Request_BadRequest", $"Invalid object identifier '{segment}'.");
        }
        return ServicePrincipal(a => TenantState.Eq(a.AppId, m.Groups["id"].Value), m.Groups["id"].Value);
    }

    private EmulatorResponse ServicePrincipalById(string id) => ServicePrincipal(a => TenantState.Eq(a.ServicePrincipalId, id), id);

    private EmulatorResponse ServicePrincipal(Func<AppRegistration, bool> predicate, string key)
    {
        lock (state.Gate)
        {
            var app = state.Apps.FirstOrDefault(predicate);
            if (app is not null)
            {
                return EmulatorResponse.Json(200, new JsonObject
                {
                    ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity",
                    ["id"] = app.ServicePrincipalId,
                    ["appId"] = app.AppId,
                    ["displayName"] = app.DisplayName,
                    ["servicePrincipalType"] = "Application",
                    ["accountEnabled"] = true,
                    ["appOwnerOrganizationId"] = DemoTenant.TenantId,
                });
            }
            var resource = TenantState.Resources.FirstOrDefault(x => TenantState.Eq(x.AppId, key) || TenantState.Eq(x.ServicePrincipalId, key));
            return resource is null ? NotFound(key) : EmulatorResponse.Json(200, new JsonObject
            {
                ["id"] = resource.ServicePrincipalId,
                ["appId"] = resource.AppId,
                ["displayName"] = resource.DisplayName,
                ["servicePrincipalType"] = "Application",
                ["accountEnabled"] = true,
            });
        }
    }

    private EmulatorResponse Group(string id)
    {
        lock (state.Gate)
        {
            var group = FindVisibleGroup(id);
            return group is null ? NotFound(id) : EmulatorResponse.Json(200, GroupJson(group));
        }
    }

    private EmulatorResponse Members(string id, EmulatorRequest r)
    {
        lock (state.Gate)
        {
            var group = FindVisibleGroup(id);
            if (group is null)
            {
                return NotFound(id);
            }
            var top = int.TryParse(r.QueryValue("$top"), out var t) && t is > 0 and <= 999 ? t : 100;
            var skip = int.TryParse(r.QueryValue("$skiptoken"), out var k) ? k : 0;
            var members = group.Members.Select(state.FindById).OfType<DirectoryObject>().ToList();
            var page = members.Skip(skip).Take(top).Select(m => (JsonNode)(m.IsGroup ? GroupJson(m) : UserJson(m))).ToList();
            var body = new JsonObject
            {
                ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#directoryObjects",
                ["value"] = new JsonArray([.. page]),
            };
            if (skip + top < members.Count)
            {
                body["@odata.nextLink"] = QueryHelpers.AddQueryString($"{r.ServiceBaseUrl}/v1.0/groups/{id}/members",
                    new Dictionary<string, string?> { ["$top"] = top.ToString(CultureInfo.InvariantCulture), ["$skiptoken"] = (skip + top).ToString(CultureInfo.InvariantCulture) });
            }
            return EmulatorResponse.Json(200, body);
        }
    }

    private DirectoryObject? FindVisibleGroup(string id) =>
        Guid.TryParse(id, out var g) ? state.Objects.Find(o => o.Id == g && o.IsGroup && state.IsVisible(o)) : null;

    /// <summary>Graph treats mail-enabled security groups and distribution lists as read-only.</summary>
    private EmulatorResponse MemberWrite(string id)
    {
        lock (state.Gate)
        {
            return FindVisibleGroup(id) is null ? NotFound(id) : Error(400, "Request_BadRequest", MesgWriteRefusal);
        }
    }

    private static EmulatorResponse CreateGroup(EmulatorRequest r)
    {
        var body = r.JsonBody();
        var mailEnabled = JsonProperties.Get(body, "mailEnabled")?.GetValueKind() == System.Text.Json.JsonValueKind.True;
        var isUnified = (JsonProperties.Get(body, "groupTypes") as JsonArray)?.Any(x => JsonProperties.Text(x) == "Unified") == true;
        return mailEnabled && !isUnified
            ? Error(400, "Request_BadRequest", "Cannot Create a mail-enabled security groups and or distribution list.")
            : Error(403, "Authorization_RequestDenied", "The emulator creates groups through Exchange only.");
    }

    private static EmulatorResponse Domains() => EmulatorResponse.Json(200, new JsonObject
    {
        ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#domains",
        ["value"] = new JsonArray(DomainJson(DemoTenant.Domain, isDefault: true, isInitial: false), DomainJson(DemoTenant.InitialDomain, isDefault: false, isInitial: true)),
    });

    private static JsonObject DomainJson(string name, bool isDefault, bool isInitial) => new()
    {
        ["id"] = name,
        ["authenticationType"] = "Managed",
        ["isDefault"] = isDefault,
        ["isInitial"] = isInitial,
        ["isRoot"] = true,
        ["isVerified"] = true,
        ["supportedServices"] = new JsonArray("Email", "OfficeCommunicationsOnline"),
    };

    [GeneratedRegex(@"^servicePrincipals\(appId='(?<id>[^']+)'\)$")]
    private static partial Regex AppIdKey();
}

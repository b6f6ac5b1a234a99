namespace Dropzone.TenantEmulator.Graph;

/// <summary>Users: lookup, <c>$search</c> and <c>$filter</c> with Graph's limits; the JSON shapes of users and groups.</summary>
public sealed partial class GraphService
{
    private EmulatorResponse Users(EmulatorRequest r)
    {
        var search = r.QueryValue("$search");
        if (search is not null && !string.Equals(r.Header("ConsistencyLevel"), "eventual", StringComparison.OrdinalIgnoreCase))
        {
            return Error(400, "Request_UnsupportedQuery", "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'");
        }
        var top = int.TryParse(r.QueryValue("$top"), out var t) ? t : 100;
        if (top is < 1 or > 999)
        {
            return Error(400, "Request_BadRequest", "Invalid page size specified: the value of $top must be between 1 and 999.");
        }
        List<DirectoryObject> users;
        lock (state.Gate)
        {
            users = [.. state.Objects.Where(o => o.IsUser && o.UserPrincipalName is not null)];
        }
        if (search is not null)
        {
            var clauses = SearchClause().Matches(search).Select(m => (Property: m.Groups["p"].Value, Value: m.Groups["v"].Value)).ToList();
            if (clauses.Count == 0)
            {
                return Error(400, "Request_UnsupportedQuery", "Syntax error: the $search value must be of the form \"property:value\".");
            }
            users = [.. users.Where(u => clauses.Any(c => SearchMatches(u, c.Property, c.Value)))];
        }
        if (r.QueryValue("$filter") is { } filter)
        {
            if (UserFilter.Parse(filter, out var error) is not { } parsed)
            {
                return Error(400, "Request_UnsupportedQuery", error!);
            }
            // Without an advanced query (ConsistencyLevel: eventual and $count=true) a filter holds at most 15 child
            // clauses, each value of an "in" list counting as one (microsoftgraph/microsoft-graph-docs#21098).
            var advanced = string.Equals(r.Header("ConsistencyLevel"), "eventual", StringComparison.OrdinalIgnoreCase)
                && string.Equals(r.QueryValue("$count"), "true", StringComparison.OrdinalIgnoreCase);
            if (!advanced && parsed.ChildClauses > UserFilter.MaxChildClauses)
            {
                return Error(400, "Request_UnsupportedQuery",
                    $"Too many child clauses specified in search filter expression containing 'OR' operators: {parsed.ChildClauses}. Max allowed: {UserFilter.MaxChildClauses}");
            }
            users = [.. users.Where(u => parsed.Matches(p => UserProperty(u, p)))];
        }
        var skip = int.TryParse(r.QueryValue("$skiptoken"), out var k) ? k : 0;
        var page = users.Skip(skip).Take(top).Select(u => Select(UserJson(u), r.QueryValue("$select"))).ToList();
        var body = new JsonObject
        {
            ["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#users",
            ["value"] = new JsonArray([.. page]),
        };
        if (skip + top < users.Count)
        {
            var next = new Dictionary<string, string?>(r.Query.Where(q => q.Key != "$skiptoken").Select(q => KeyValuePair.Create(q.Key, (string?)q.Value.ToString())))
            {
                ["$skiptoken"] = (skip + top).ToString(CultureInfo.InvariantCulture),
            };
            body["@odata.nextLink"] = QueryHelpers.AddQueryString($"{r.ServiceBaseUrl}/v1.0/users", next);
        }
        return EmulatorResponse.Json(200, body);
    }

    private static bool SearchMatches(DirectoryObject u, string property, string value)
    {
        var text = UserProperty(u, property);
        return text is not null && (text.StartsWith(value, StringComparison.OrdinalIgnoreCase)
            || text.Split([' ', '.', '@', '-'], StringSplitOptions.RemoveEmptyEntries).Any(w => w.StartsWith(value, StringComparison.OrdinalIgnoreCase)));
    }

    private static string? UserProperty(DirectoryObject u, string property) => property.ToLowerInvariant() switch
    {
        "id" => u.Id.ToString(),
        "displayname" => u.DisplayName,
        "mail" => u.IsMailEnabled ? u.PrimarySmtpAddress : null,
        "userprincipalname" => u.UserPrincipalName,
        "mailnickname" => u.Alias,
        _ => null,
    };

    private EmulatorResponse User(string idOrUpn, EmulatorRequest r)
    {
        var user = FindUser(idOrUpn);
        return user is null ? NotFound(idOrUpn) : EmulatorResponse.Json(200, Select(UserJson(user), r.QueryValue("$select")));
    }

    private DirectoryObject? FindUser(string idOrUpn)
    {
        lock (state.Gate)
        {
            return state.Objects.Find(o => o.IsUser && o.UserPrincipalName is not null && (string.Equals(o.Id.ToString(), idOrUpn, StringComparison.OrdinalIgnoreCase) || TenantState.Eq(o.UserPrincipalName, idOrUpn)));
        }
    }

    private static JsonObject UserJson(DirectoryObject u) => new()
    {
        ["@odata.type"] = "#microsoft.graph.user",
        ["id"] = u.Id.ToString(),
        ["displayName"] = u.DisplayName,
        ["userPrincipalName"] = u.UserPrincipalName,
        ["mail"] = u.IsMailEnabled ? u.PrimarySmtpAddress : null,
        ["mailNickname"] = u.Alias,
        ["jobTitle"] = u.JobTitle,
        ["department"] = u.Department,
        ["accountEnabled"] = u.Kind != RecipientKind.SharedMailbox,
    };

    private static JsonObject GroupJson(DirectoryObject g) => new()
    {
        ["@odata.type"] = "#microsoft.graph.group",
        ["id"] = g.Id.ToString(),
        ["displayName"] = g.DisplayName,
        ["description"] = g.Description,
        ["mail"] = g.PrimarySmtpAddress,
        ["mailNickname"] = g.Alias,
        ["mailEnabled"] = true,
        ["securityEnabled"] = g.Kind == RecipientKind.MailUniversalSecurityGroup,
        ["groupTypes"] = new JsonArray(),
        ["proxyAddresses"] = new JsonArray([.. g.AllSmtpAddresses.Select((a, i) => (JsonNode)((i == 0 ? "SMTP:" : "smtp:") + a))]),
        ["createdDateTime"] = g.CreatedAt.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
    };

    private static JsonObject Select(JsonObject full, string? select)
    {
        if (string.IsNullOrWhiteSpace(select))
        {
            return full;
        }
        var wanted = select.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var result = new JsonObject();
        foreach (var name in wanted.Prepend("id").Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var match = full.FirstOrDefault(kv => kv.Key.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (match.Key is not null)
            {
                result[match.Key] = match.Value?.DeepClone();
            }
        }
        return result;
    }

    [GeneratedRegex("\"(?<p>[A-Za-z]+):(?<v>[^\"]*)\"")]
    private static partial Regex SearchClause();
}

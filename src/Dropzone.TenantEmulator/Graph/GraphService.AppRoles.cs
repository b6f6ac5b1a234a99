namespace Dropzone.TenantEmulator.Graph;

/// <summary>
/// App-role assignments (application permissions) as Graph serves them: listed from the client's side
/// (<c>/servicePrincipals/{client}/appRoleAssignments</c>) or the resource's (<c>/servicePrincipals/{resource}/appRoleAssignedTo</c>),
/// and deleted from either side with 204; 404 Request_ResourceNotFound for an unknown id; 403 Authorization_RequestDenied
/// without AppRoleAssignment.ReadWrite.All. A deletion takes the role out of every token issued afterwards, so Graph's
/// mail enforcement (which reads the token's roles) no longer grants it; a token issued before keeps it until it expires.
/// </summary>
public sealed partial class GraphService
{
    private static readonly string[] AppRoleReaders = ["Application.Read.All", "Directory.Read.All", "AppRoleAssignment.ReadWrite.All", "Application.ReadWrite.All"];
    private static readonly string[] AppRoleWriters = ["AppRoleAssignment.ReadWrite.All", "Application.ReadWrite.All"];

    private EmulatorResponse AppRoleAssignments(string servicePrincipalId)
    {
        lock (state.Gate)
        {
            var app = state.Apps.Find(a => TenantState.Eq(a.ServicePrincipalId, servicePrincipalId));
            return app is null ? NotFound(servicePrincipalId)
                : Assignments($"servicePrincipals('{servicePrincipalId}')/appRoleAssignments", app.ApplicationPermissions.Select(p => (app, p)));
        }
    }

    private EmulatorResponse AppRoleAssignedTo(string resourceServicePrincipalId)
    {
        lock (state.Gate)
        {
            var resource = TenantState.Resources.FirstOrDefault(r => TenantState.Eq(r.ServicePrincipalId, resourceServicePrincipalId));
            return resource is null ? NotFound(resourceServicePrincipalId)
                : Assignments($"servicePrincipals('{resourceServicePrincipalId}')/appRoleAssignedTo",
                    state.Apps.SelectMany(a => a.ApplicationPermissions.Where(p => p.ResourceAppId == resource.AppId).Select(p => (a, p))));
        }
    }

    /// <summary>Deletes the assignment named by <paramref name="assignmentId"/> on the side <paramref name="servicePrincipalId"/> names.</summary>
    private EmulatorResponse DeleteAppRoleAssignment(string servicePrincipalId, bool asResource, string assignmentId)
    {
        AppRegistration? app;
        AppPermission? permission;
        lock (state.Gate)
        {
            var candidates = asResource
                ? TenantState.Resources.FirstOrDefault(r => TenantState.Eq(r.ServicePrincipalId, servicePrincipalId)) is { } resource
                    ? state.Apps.SelectMany(a => a.ApplicationPermissions.Where(p => p.ResourceAppId == resource.AppId).Select(p => (a, p)))
                    : null
                : state.Apps.Find(a => TenantState.Eq(a.ServicePrincipalId, servicePrincipalId)) is { } client
                    ? client.ApplicationPermissions.Select(p => (client, p))
                    : null;
            if (candidates is null)
            {
                return NotFound(servicePrincipalId);
            }

            (app, permission) = candidates.FirstOrDefault(c => string.Equals(AssignmentId(c.Item1, c.Item2), assignmentId, StringComparison.Ordinal));
        }

        if (app is null || permission is null)
        {
            return NotFound(assignmentId);
        }

        state.SetApplicationPermission(app.AppId, permission.Value, granted: false);
        return EmulatorResponse.Empty(204);
    }

    private static EmulatorResponse Assignments(string context, IEnumerable<(AppRegistration App, AppPermission Permission)> assignments) =>
        EmulatorResponse.Json(200, new JsonObject
        {
            ["@odata.context"] = $"https://graph.microsoft.com/v1.0/$metadata#{context}",
            ["value"] = new JsonArray([.. assignments.Select(x => (JsonNode)AssignmentJson(x.App, x.Permission))]),
        });

    private static JsonObject AssignmentJson(AppRegistration app, AppPermission p)
    {
        var resource = TenantState.Resources.First(x => x.AppId == p.ResourceAppId);
        return new JsonObject
        {
            ["id"] = AssignmentId(app, p),
            ["appRoleId"] = p.AppRoleId.ToString(),
            ["principalId"] = app.ServicePrincipalId,
            ["principalDisplayName"] = app.DisplayName,
            ["principalType"] = "ServicePrincipal",
            ["resourceId"] = resource.ServicePrincipalId,
            ["resourceDisplayName"] = resource.DisplayName,
            ["createdDateTime"] = app.CreatedAt.UtcDateTime.ToString("o", CultureInfo.InvariantCulture),
            // Not a Graph property: lets a reader of the emulator's output see which permission this is.
            ["@emulator.permission"] = p.Value,
        };
    }

    /// <summary>One assignment per app and role: its id derives from both, stable across restarts as Graph's ids are.</summary>
    private static string AssignmentId(AppRegistration app, AppPermission p) => $"{app.ServicePrincipalId[..8]}-{p.AppRoleId.ToString()[..8]}";
}

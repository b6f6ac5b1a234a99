using Dropzone.Portal.Core.Groups;
using Dropzone.Portal.TenantClients.Graph;

namespace Dropzone.Portal.Core.Setup.Steps;

/// <summary>Finds the application's service principal (enterprise application) in the tenant.</summary>
public sealed class EnsureAppStep : ISetupStep
{
    public SetupStepKind Kind => SetupStepKind.EnsureApp;

    public async Task<StepResult> ExecuteAsync(SetupStepContext context, CancellationToken cancellationToken)
    {
        DirectoryServicePrincipal? sp;
        try
        {
            sp = await context.CallDirectoryAsync($"GET /servicePrincipals(appId='{context.Request.RestrictedAppId}')",
                d => d.GetServicePrincipalByAppIdAsync(context.Request.RestrictedAppId, cancellationToken));
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
                $"The application {context.Request.RestrictedAppId} has no service principal (enterprise application) in this tenant.",
                "Sign in to the application once as an administrator (or grant it admin consent) so that it exists in the tenant, then retry from this step.");
        }

        context.Facts.AppServicePrincipalId = sp.Id;
        context.Facts.AppDisplayName = sp.DisplayName;
        context.Note($"Found {sp.DisplayName} (service principal {sp.Id})");
        if (context.Request.RestrictionMode == RestrictionMode.RbacForApplications)
        {
            // RBAC grants add to Entra consent: an unscoped Mail.* application grant would make the scope restrict nothing.
            try
            {
                var grants = await context.CallDirectoryAsync($"GET /servicePrincipals/{sp.Id}/appRoleAssignments", d => d.GetMailGrantsAsync(sp.Id, cancellationToken));
                if (grants.HasUnscopedMailGrant)
                {
                    return new StepResult.Done(
                        $"Found {sp.DisplayName ?? context.Request.RestrictedAppId}. WARNING: it still holds the tenant-wide Entra permission(s) " +
                        $"{string.Join(", ", grants.UnscopedMailPermissions)}, so the RBAC scope will restrict nothing until an administrator removes them " +
                        "(Entra ID > Enterprise applications > the app > Permissions).");
                }
            }
            catch (DirectoryException ex)
            {
                context.Note($"The application's Entra grants could not be read: {ex.Message}");
            }
        }

        return new StepResult.Done($"Found {sp.DisplayName ?? context.Request.RestrictedAppId}.");
    }
}

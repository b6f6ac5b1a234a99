namespace Dropzone.Portal.Core.Setup.Steps;

/// <summary>Finds the application's service principal (enterprise application) in the tenant; the mode may warn about its grants.</summary>
public sealed class EnsureAppStep(RestrictionModeCatalog modes) : ISetupStep
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
        var found = $"Found {sp.DisplayName ?? context.Request.RestrictedAppId}.";
        var warning = await modes.Get(context.Request.RestrictionMode).CheckApplicationAsync(context.Tenant, sp, cancellationToken);
        return new StepResult.Done(warning is null ? found : $"{found} {warning}");
    }
}

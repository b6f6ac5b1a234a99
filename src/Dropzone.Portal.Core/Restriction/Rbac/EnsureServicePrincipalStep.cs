namespace Dropzone.Portal.Core.Restriction.Rbac;

/// <summary>Registers the application's service principal in Exchange (New-ServicePrincipal), unless it is there.</summary>
public sealed class EnsureServicePrincipalStep : ISetupStep
{
    /// <summary>The name stored with the run's steps.</summary>
    public static SetupStepKind StepKind { get; } = new("EnsureServicePrincipal");

    public SetupStepKind Kind => StepKind;

    public async Task<StepResult> ExecuteAsync(SetupStepContext context, CancellationToken cancellationToken)
    {
        var get = await context.InvokeAsync(RbacCommands.GetServicePrincipal(context.Request), cancellationToken);
        if (get.IsSuccess && get.Rows.Count > 0)
        {
            return new StepResult.Skipped("The application's service principal is already registered in Exchange; nothing sent.");
        }

        if (get.Outcome is not ExchangeOutcome.NotFound && !get.IsSuccess)
        {
            return SetupStepContext.FromFailure(get, "Looking for the service principal");
        }

        var objectId = context.Facts.AppServicePrincipalId ?? context.Request.RestrictedAppServicePrincipalId;
        if (string.IsNullOrEmpty(objectId))
        {
            return new StepResult.Failed("The application's service principal object id is unknown.", "Retry from the first step so the application is looked up again.");
        }

        var (outcome, answer) = await CreateOnce.SendAsync(context, RbacCommands.NewServicePrincipal(context.Request, objectId), RbacCommands.GetServicePrincipal(context.Request), cancellationToken);
        return outcome switch
        {
            CreateOutcome.Created => new StepResult.Done("Registered the application's service principal in Exchange."),
            CreateOutcome.ConfirmedByReadBack => new StepResult.Done("Registered the application's service principal (confirmed by reading it back)."),
            _ => SetupStepContext.FromFailure(answer, "Registering the service principal"),
        };
    }
}

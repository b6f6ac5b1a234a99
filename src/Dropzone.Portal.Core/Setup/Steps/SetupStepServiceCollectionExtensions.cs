namespace Dropzone.Portal.Core.Setup.Steps;

public static class SetupStepServiceCollectionExtensions
{
    /// <summary>
    /// What a setup plan is made of: the steps every plan has, the registered restriction modes with theirs
    /// (<see cref="RestrictionServiceCollectionExtensions.AddRestrictionModes"/>), the verifier and the plan builder.
    /// </summary>
    public static IServiceCollection AddSetupSteps(this IServiceCollection services)
    {
        services.AddRestrictionModes();
        services.TryAddSingleton<GroupVerifier>();
        services.TryAddSingleton<Access.EffectiveAccessCheck>();
        services.TryAddTransient<Access.EntraGrantRemoval>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<SetupOptions>();
        services.TryAddSingleton<SetupPlanBuilder>();
        services.TryAddTransient<SetupPermissionPreflight>();
        services.TryAddEnumerable(ServiceDescriptor.Transient<TenantClients.Connection.IExchangeCmdletRequirements, SetupPermissionPreflight>());
        services.AddSetupStep<EnsureAppStep>();
        services.AddSetupStep<EnsureGroupStep>();
        services.AddSetupStep<EnsureOwnersStep>();
        services.AddSetupStep<EnsureMembersStep>();
        services.AddSetupStep<WaitForReplicationStep>();
        services.AddSetupStep<VerifyStep>();
        return services;
    }

    /// <summary>A step every plan has (a mode's come with it). Steps are stateless: singletons.</summary>
    private static IServiceCollection AddSetupStep<TStep>(this IServiceCollection services)
        where TStep : class, ISetupStep
    {
        services.TryAddSingleton<SetupStepCatalog>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISetupStep, TStep>());
        return services;
    }
}

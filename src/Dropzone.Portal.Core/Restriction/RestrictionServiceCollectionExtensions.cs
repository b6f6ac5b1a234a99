using Dropzone.Portal.Core.Restriction.AccessPolicy;
using Dropzone.Portal.Core.Restriction.Rbac;

namespace Dropzone.Portal.Core.Restriction;

public static class RestrictionServiceCollectionExtensions
{
    /// <summary>
    /// The built-in restriction modes (application access policy first, the wizard's default; then RBAC for
    /// Applications), their steps and the <see cref="RestrictionModeCatalog"/>. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddRestrictionModes(this IServiceCollection services)
    {
        services.TryAddSingleton<RestrictionModeCatalog>();
        services.AddRestrictionMode<ApplicationAccessPolicyMode>();
        services.AddSetupStep<EnsureAccessPolicyStep>();
        services.AddRestrictionMode<RbacForApplicationsMode>();
        services.AddSetupStep<EnsureServicePrincipalStep>();
        services.AddSetupStep<EnsureManagementScopeStep>();
        services.AddSetupStep<EnsureRoleAssignmentsStep>();
        return services;
    }

    /// <summary>Registers one more mode; the wizard offers it after those registered before. Its steps go in with <see cref="AddSetupStep{TStep}"/>.</summary>
    public static IServiceCollection AddRestrictionMode<TMode>(this IServiceCollection services)
        where TMode : class, IRestrictionMode
    {
        services.TryAddSingleton<RestrictionModeCatalog>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRestrictionMode, TMode>());
        return services;
    }

    /// <summary>Registers a step the engine can run when a plan names its kind. Steps are stateless: singletons.</summary>
    public static IServiceCollection AddSetupStep<TStep>(this IServiceCollection services)
        where TStep : class, ISetupStep
    {
        services.TryAddSingleton<SetupStepCatalog>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISetupStep, TStep>());
        return services;
    }
}

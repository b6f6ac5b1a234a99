using Dropzone.Portal.Core.Restriction.AccessPolicy;
using Dropzone.Portal.Core.Restriction.Rbac;

namespace Dropzone.Portal.Core.Restriction;

public static class RestrictionServiceCollectionExtensions
{
    /// <summary>
    /// The built-in restriction modes (application access policy first, the wizard's default; then RBAC for
    /// Applications) and the <see cref="RestrictionModeCatalog"/>. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddRestrictionModes(this IServiceCollection services) =>
        services.AddRestrictionMode<ApplicationAccessPolicyMode>().AddRestrictionMode<RbacForApplicationsMode>();

    /// <summary>Registers one more mode with its steps (<see cref="IRestrictionMode.Steps"/>); the wizard offers it after those registered before.</summary>
    public static IServiceCollection AddRestrictionMode<TMode>(this IServiceCollection services)
        where TMode : class, IRestrictionMode
    {
        services.TryAddSingleton<RestrictionModeCatalog>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRestrictionMode, TMode>());
        return services;
    }
}

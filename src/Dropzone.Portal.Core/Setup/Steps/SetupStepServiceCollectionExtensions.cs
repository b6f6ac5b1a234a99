using Dropzone.Portal.Core.Restriction.AccessPolicy;
using Dropzone.Portal.Core.Restriction.Rbac;
using Dropzone.Portal.Core.Verification;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dropzone.Portal.Core.Setup.Steps;

public static class SetupStepServiceCollectionExtensions
{
    /// <summary>The setup steps and their catalog, which the run engine asks for the step a plan names. Stateless: singletons.</summary>
    public static IServiceCollection AddSetupSteps(this IServiceCollection services)
    {
        services.TryAddSingleton<GroupVerifier>();
        services.TryAddSingleton<SetupStepCatalog>();
        services.TryAddEnumerable(
        [
            ServiceDescriptor.Singleton<ISetupStep, EnsureAppStep>(),
            ServiceDescriptor.Singleton<ISetupStep, EnsureGroupStep>(),
            ServiceDescriptor.Singleton<ISetupStep, EnsureOwnersStep>(),
            ServiceDescriptor.Singleton<ISetupStep, EnsureMembersStep>(),
            ServiceDescriptor.Singleton<ISetupStep, WaitForReplicationStep>(),
            ServiceDescriptor.Singleton<ISetupStep, VerifyStep>(),
            ServiceDescriptor.Singleton<ISetupStep, EnsureAccessPolicyStep>(),
            ServiceDescriptor.Singleton<ISetupStep, EnsureServicePrincipalStep>(),
            ServiceDescriptor.Singleton<ISetupStep, EnsureManagementScopeStep>(),
            ServiceDescriptor.Singleton<ISetupStep, EnsureRoleAssignmentsStep>(),
        ]);
        return services;
    }
}

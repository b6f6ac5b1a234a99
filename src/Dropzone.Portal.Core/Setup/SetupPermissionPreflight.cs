using Dropzone.Portal.TenantClients.Connection;

namespace Dropzone.Portal.Core.Setup;

/// <summary>
/// Before a setup creates anything: may the portal's app run every cmdlet the plan needs? Answers exactly what is
/// missing (the Exchange.ManageAsApp permission, any Exchange role, or the cmdlets its role lacks) with the remedy.
/// </summary>
public sealed class SetupPermissionPreflight(ExchangePermissionPreflight preflight, SetupPlanBuilder planner, RestrictionModeCatalog modes, IOptions<SetupOptions> options)
    : IExchangeCmdletRequirements
{
    public async Task<StepCheck> CheckAsync(SetupRequest request, CancellationToken cancellationToken = default)
    {
        var result = await preflight.CheckAsync(CmdletsFor(request), cancellationToken);
        if (!result.Checked)
        {
            return new StepCheck([], [result.Detail]);
        }

        return result.Passed ? StepCheck.Ok : StepCheck.Error($"{result.Detail} Nothing has been created. {result.Remedy}");
    }

    /// <summary>For the connection check: the cmdlets of a setup in each restriction mode.</summary>
    public IReadOnlyList<ExchangeCmdletRequirement> Requirements =>
        [.. modes.All.Select(mode => new ExchangeCmdletRequirement($"setups with {mode.Label}", CmdletsFor(Example(mode))))];

    private IReadOnlySet<string> CmdletsFor(SetupRequest request) =>
        PlannedCommands.Cmdlets(planner.Build(request, options.Value), modes.Get(request.RestrictionMode), options.Value);

    /// <summary>A setup in <paramref name="mode"/> with every role it offers: the cmdlets do not depend on the names.</summary>
    private static SetupRequest Example(IRestrictionMode mode) => new()
    {
        RestrictedAppId = Guid.Empty.ToString(),
        GroupDisplayName = "Example",
        GroupAlias = "example",
        GroupAddress = "example@example.com",
        Owners = [new SetupPerson(Guid.Empty.ToString(), "owner@example.com", "Owner")],
        Members = [new SetupMember("member@example.com")],
        RestrictionMode = mode.Name,
        RbacRoles = mode.RoleChoices.Count > 0 ? mode.RoleChoices : [SetupDefaults.DefaultRbacRole],
    };
}

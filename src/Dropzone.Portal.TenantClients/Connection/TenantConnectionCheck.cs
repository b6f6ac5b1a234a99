using Dropzone.Portal.TenantClients.Graph;

namespace Dropzone.Portal.TenantClients.Connection;

/// <summary>One proven (or failed) part of the tenant connection, with what an admin should do about it.</summary>
public sealed record ConnectionStep(string Name, bool Passed, string Detail, string? Remedy = null);

public sealed record ConnectionReport(IReadOnlyList<ConnectionStep> Steps)
{
    public bool AllPassed => Steps.All(s => s.Passed);

    public ConnectionStep? FirstFailure => Steps.FirstOrDefault(s => !s.Passed);
}

/// <summary>
/// Proves the portal's tenant connection step by step, cheapest first: a token for Exchange, an Exchange
/// read, the cmdlets the portal's work needs (the module manifest), a token for Graph, then one read per Graph
/// permission the portal uses. Each step runs even when an earlier one failed, so an admin sees every missing
/// grant at once.
/// </summary>
public sealed class TenantConnectionCheck(
    ITenantTokenProvider tokens,
    IExchangeClient exchange,
    IDirectoryClient directory,
    ExchangePermissionPreflight preflight,
    IEnumerable<IExchangeCmdletRequirements> requirements,
    IOptions<TenantClientsOptions> options)
{
    public async Task<ConnectionReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var steps = new List<ConnectionStep>
        {
            await TokenStepAsync("Token for Exchange Online", settings.ExchangeScope, cancellationToken),
            await ExchangeReadStepAsync(cancellationToken),
            await TokenStepAsync("Token for Microsoft Graph", settings.GraphScope, cancellationToken),
            await GraphStepAsync("Graph: read users (User.Read.All)", async ct =>
            {
                await directory.SearchPeopleAsync("a", 1, ct);
                return "People search works.";
            }, cancellationToken),
            await GraphStepAsync("Graph: read service principals (Application.Read.All)", async ct =>
            {
                // The Graph app itself exists in every tenant, so this read proves the permission.
                var sp = await directory.GetServicePrincipalByAppIdAsync(MicrosoftGraph.AppId, ct);
                return sp is null ? "Readable (Microsoft Graph's own service principal not listed)." : "Service principals are readable.";
            }, cancellationToken),
            await GraphStepAsync("Graph: read domains (Domain.Read.All)", async ct =>
            {
                var domains = await directory.GetDomainsAsync(ct);
                return $"{domains.Count} domain(s) readable.";
            }, cancellationToken),
            await GraphStepAsync("Graph: read groups (Group.Read.All)", async ct =>
            {
                // A random id: 404 proves the permission (403 would not be a 404).
                await directory.GetGroupAsync(Guid.NewGuid().ToString(), ct);
                return "Groups are readable.";
            }, cancellationToken),
        };
        // After the Exchange read, which proves the permission and a role in general.
        steps.InsertRange(2, await CmdletStepsAsync(cancellationToken));
        return new ConnectionReport(steps);
    }

    private async Task<ConnectionStep> TokenStepAsync(string name, string scope, CancellationToken cancellationToken)
    {
        try
        {
            await tokens.GetAuthorizationHeaderAsync(scope, cancellationToken);
            return new ConnectionStep(name, true, "Token issued.");
        }
        catch (TenantTokenException ex)
        {
            return new ConnectionStep(name, false, ex.Message, ex.Remedy);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Identity.Web reports configuration mistakes (no ClientId, no credential) as various exceptions.
            return new ConnectionStep(name, false, ex.GetType().Name + ": " + ex.Message, Remedies.AppCredentials);
        }
    }

    private async Task<ConnectionStep> ExchangeReadStepAsync(CancellationToken cancellationToken)
    {
        const string name = "Exchange: run Get-AcceptedDomain (Exchange.ManageAsApp + Exchange role)";
        try
        {
            var result = await exchange.InvokeAsync(ExchangeCommands.GetAcceptedDomain(), cancellationToken);
            return result.Outcome switch
            {
                { IsSuccess: true } => new ConnectionStep(name, true, $"{result.Rows.Count} accepted domain(s)."),
                ExchangeOutcome.PermissionMissing missing => new ConnectionStep(name, false, missing.Message, missing.Remedy),
                var other => new ConnectionStep(name, false, $"{other.Kind}: {other.Message}",
                    other.IsTransient ? "Exchange Online did not answer; try again in a few minutes." : null),
            };
        }
        catch (InvalidOperationException ex)
        {
            return new ConnectionStep(name, false, ex.Message, "Set the tenant id in the portal's configuration.");
        }
    }

    /// <summary>One step per set of cmdlets the portal needs: exactly what the app's permission or role lacks for it.</summary>
    private async Task<IEnumerable<ConnectionStep>> CmdletStepsAsync(CancellationToken cancellationToken)
    {
        var steps = new List<ConnectionStep>();
        foreach (var requirement in requirements.SelectMany(r => r.Requirements))
        {
            var name = $"Exchange: the cmdlets for {requirement.Purpose} (module manifest)";
            try
            {
                var result = await preflight.CheckAsync(requirement.Cmdlets, cancellationToken);
                steps.Add(new ConnectionStep(name, result.Passed && result.Checked, result.Detail, result.Remedy));
            }
            catch (InvalidOperationException ex)
            {
                steps.Add(new ConnectionStep(name, false, ex.Message, "Set the tenant id in the portal's configuration."));
            }
        }

        return steps;
    }

    private static async Task<ConnectionStep> GraphStepAsync(string name, Func<CancellationToken, Task<string>> step, CancellationToken cancellationToken)
    {
        try
        {
            return new ConnectionStep(name, true, await step(cancellationToken));
        }
        catch (DirectoryException ex)
        {
            return new ConnectionStep(name, false, $"{ex.Failure}: {ex.Message}", ex.Remedy);
        }
    }
}

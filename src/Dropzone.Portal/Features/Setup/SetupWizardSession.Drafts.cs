namespace Dropzone.Portal.Features.Setup;

/// <summary>The end of a wizard: Apply, discard, and the draft's saves and conflicts between tabs.</summary>
public sealed partial class SetupWizardSession
{
    /// <summary>Checks every step again, then starts the run. Answers the run id, or null with the reason in <see cref="Check"/>.</summary>
    public async Task<Guid?> ApplyAsync(CancellationToken cancellationToken = default)
    {
        var user = _user ?? throw new InvalidOperationException("The wizard was not loaded for a user.");
        if (!await _draft.IsCurrentAsync(user.ObjectId, cancellationToken))
        {
            // Applying values another tab has since changed (or already applied) would run a setup nobody reviewed.
            Check = StepCheck.Error("The draft was changed in another tab since this one loaded it; load the latest draft and review it before applying.");
            Notify();
            return null;
        }
        // The page was authorized when the circuit opened; a role removed since must not still start a run.
        var principal = (await authentication.GetAuthenticationStateAsync()).User;
        if (!(await authorization.AuthorizeAsync(principal, PortalPolicies.Admin)).Succeeded)
        {
            Check = StepCheck.Error("Only portal administrators can apply a setup; your session no longer has that role.");
            Notify();
            return null;
        }
        var checks = await RunAsync(async s => new AllChecks(await s.CheckAllAsync(State, cancellationToken)));
        if (checks is null)
        {
            return null;
        }
        if (checks.Failed is { } stop)
        {
            Check = new StepCheck([$"Step {stop.Step + 1}: {string.Join(" ", stop.Check.Errors)}"], []);
            Notify();
            return null;
        }
        try
        {
            using var scope = scopes.CreateScope();
            var launcher = scope.ServiceProvider.GetRequiredService<ISetupRunLauncher>();
            var runId = await launcher.StartAsync(State.ToRequest(), user, cancellationToken);
            // The run is the record from now on; a new visit to /setup starts a fresh wizard.
            await _draft.CloseAsync(user.ObjectId, cancellationToken);
            return runId;
        }
        catch (SetupRejectedException ex)
        {
            Check = StepCheck.Error(ex.Message);
            Notify();
            return null;
        }
    }

    public async Task DiscardAsync(CancellationToken cancellationToken = default)
    {
        if (_user is { } user)
        {
            await _draft.CloseAsync(user.ObjectId, cancellationToken);
            await LoadAsync(user, cancellationToken);
            Notify();
        }
    }

    /// <summary>After a conflict: drop this tab's values and continue from what is stored now.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        if (_user is { } user)
        {
            await LoadAsync(user, cancellationToken);
            Notify();
        }
    }

    /// <summary>After a conflict: this tab's values win, over whatever the other tab saved (or as a new draft after an apply).</summary>
    public async Task KeepThisTabAsync(CancellationToken cancellationToken = default)
    {
        if (_draft.TakeOver())
        {
            Check = StepCheck.Ok;
            await SaveAsync(cancellationToken);
        }
    }

    /// <summary>For fields: saved when they lose focus or change, so a closed tab keeps what was typed.</summary>
    public Task SaveDraftAsync() => SaveAsync();

    public async Task SaveAsync(CancellationToken cancellationToken = default)
    {
        if (_user is { } user)
        {
            await _draft.SaveAsync(user.ObjectId, Step, Furthest, State, cancellationToken);
        }
        Notify();
    }

    // The circuit is gone: a tab closed long ago must never write its values back.
    public void Dispose() => _draft.Stop();

    private sealed record AllChecks((int Step, StepCheck Check)? Failed);
}

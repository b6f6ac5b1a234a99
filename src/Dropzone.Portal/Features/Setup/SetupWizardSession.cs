using Dropzone.Portal.Core.Identity;
using Dropzone.Portal.Core.Security;
using Dropzone.Portal.Core.Setup;
using Dropzone.Portal.Core.Setup.Wizard;
using Dropzone.Portal.TenantClients.Exchange;
using Dropzone.Portal.TenantClients.Graph;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;

namespace Dropzone.Portal.Features.Setup;

/// <summary>
/// The wizard of one circuit: the state the step components bind to, where the admin is, the last check's
/// messages, and the actions (Next, Back, pickers, CSV, Apply). Every action is checked here on the server;
/// the components only display. Tenant clients are taken from a fresh scope per action so that a long-lived
/// circuit never holds typed HttpClients.
/// </summary>
public sealed class SetupWizardSession(
    IServiceScopeFactory scopes,
    SetupDraftStore drafts,
    SetupScriptRenderer renderer,
    IConfiguration configuration,
    AuthenticationStateProvider authentication,
    IAuthorizationService authorization,
    TimeProvider time,
    ILogger<SetupWizardSession> logger) : IDisposable
{
    private readonly WizardDraftLink _draft = new(drafts, logger);
    private PortalUser? _user;

    public SetupWizardState State { get; private set; } = new();

    public int Step { get; private set; }

    /// <summary>The furthest step reached through checks; the stepper lets the admin jump back, never past it.</summary>
    public int Furthest { get; private set; }

    public StepCheck Check { get; private set; } = StepCheck.Ok;

    public ExistingGroupReport? ExistingGroup { get; private set; }

    public IReadOnlyList<string> Domains { get; private set; } = [];

    public MemberListResult? CsvResult { get; private set; }

    /// <summary>While a list is being checked: how many addresses the directory has answered for.</summary>
    public MemberCheckProgress? CsvProgress { get; private set; }

    /// <summary>How long the last list check took, shown beside its counts.</summary>
    public TimeSpan CsvCheckDuration { get; private set; }

    public bool Busy { get; private set; }

    public DateTimeOffset? DraftRestoredFrom { get; private set; }

    /// <summary>Set when this tab's values were not saved because the draft moved on elsewhere; saving stops until the admin chooses.</summary>
    public DraftConflict? Conflict => _draft.Conflict;

    /// <summary>Raised after every action, so every part of the wizard shows the new state.</summary>
    public event Action? Changed;

    private void Notify() => Changed?.Invoke();

    public async Task LoadAsync(PortalUser user, CancellationToken cancellationToken = default)
    {
        _user = user;
        var draft = await _draft.LoadAsync(user.ObjectId, cancellationToken);
        Check = StepCheck.Ok;
        ExistingGroup = null;
        CsvResult = null;
        if (draft is not null)
        {
            State = draft.State;
            Step = draft.Step;
            Furthest = draft.Furthest;
            DraftRestoredFrom = draft.UpdatedAt;
        }
        else
        {
            State = new SetupWizardState { AppClientId = configuration["RestrictedApp:ClientId"] ?? "" };
            Step = Furthest = 0;
            DraftRestoredFrom = null;
        }
        await LoadDomainsAsync(cancellationToken);
    }

    private async Task LoadDomainsAsync(CancellationToken cancellationToken)
    {
        var domains = await RunAsync(s => s.GetDomainsAsync(cancellationToken));
        Domains = domains ?? [];
        if (string.IsNullOrEmpty(State.GroupDomain) && Domains.Count > 0)
        {
            State.GroupDomain = Domains[0];
        }
    }

    /// <summary>Checks the current step on the server; moves on and saves the draft only when it holds.</summary>
    public async Task<bool> NextAsync(CancellationToken cancellationToken = default)
    {
        var check = await CheckStepAsync(Step, cancellationToken);
        Check = check ?? Check;
        if (check is null || !check.IsValid)
        {
            Notify();
            return false;
        }
        if (Step < SetupWizardSteps.Review)
        {
            Step++;
            Furthest = Math.Max(Furthest, Step);
            // The restriction step's warning belongs on the restriction step; the review shows its own.
            Check = Step == SetupWizardSteps.Review ? check : StepCheck.Ok;
        }
        await SaveAsync(cancellationToken);
        return true;
    }

    public async Task BackAsync(CancellationToken cancellationToken = default)
    {
        if (Step > 0)
        {
            Step--;
            Check = StepCheck.Ok;
            await SaveAsync(cancellationToken);
        }
    }

    /// <summary>The stepper's header: back to any step, forward only to where checks have already been passed.</summary>
    public bool CanGoTo(int step) => step >= 0 && step <= Furthest;

    public async Task GoToAsync(int step, CancellationToken cancellationToken = default)
    {
        if (CanGoTo(step) && step != Step)
        {
            Step = step;
            Check = StepCheck.Ok;
            await SaveAsync(cancellationToken);
        }
    }

    private async Task<StepCheck?> CheckStepAsync(int step, CancellationToken cancellationToken)
    {
        switch (step)
        {
            case SetupWizardSteps.Application:
                return await RunAsync(s => s.CheckApplicationAsync(State, cancellationToken));
            case SetupWizardSteps.Group:
                var group = await RunAsync(s => s.CheckGroupAsync(State, cancellationToken));
                if (group is { } g)
                {
                    ExistingGroup = g.Existing;
                }
                return group?.Check;
            case SetupWizardSteps.Owners:
                return await RunAsync(s => s.CheckOwnersAsync(State, cancellationToken));
            case SetupWizardSteps.Members:
                return SetupWizardService.CheckMembers(State);
            case SetupWizardSteps.Restriction:
                return SetupWizardService.CheckRestriction(State);
            default:
                return StepCheck.Ok;
        }
    }

    /// <summary>Runs the current step's check without moving (the application step's "Look up").</summary>
    public async Task CheckCurrentAsync(CancellationToken cancellationToken = default)
    {
        Check = await CheckStepAsync(Step, cancellationToken) ?? Check;
        Notify();
    }

    /// <summary>Looks up the address as the admin types it, so the adopt offer appears before Next.</summary>
    public async Task CheckGroupAddressAsync(CancellationToken cancellationToken = default)
    {
        var names = SetupWizardService.CheckGroupNames(State);
        if (!names.IsValid)
        {
            Check = names;
            ExistingGroup = null;
            return;
        }
        var group = await RunAsync(s => s.CheckGroupAsync(State, cancellationToken));
        if (group is { } g)
        {
            Check = g.Check;
            ExistingGroup = g.Existing;
        }
        Notify();
    }

    public async Task<IReadOnlyList<DirectoryUser>> SearchPeopleAsync(string text, CancellationToken cancellationToken) =>
        await RunAsync(s => s.SearchPeopleAsync(text, cancellationToken)) ?? [];

    public async Task<string?> AddOwnerAsync(DirectoryUser user)
    {
        if (SetupWizardService.RefusePerson(user) is { } refusal)
        {
            return refusal;
        }
        if (State.Owners.Any(o => o.ObjectId == user.Id))
        {
            return $"{user.DisplayName} is already an owner.";
        }
        State.Owners.Add(new SetupPerson(user.Id, user.UserPrincipalName ?? user.Mail!, user.DisplayName ?? user.Mail!));
        Check = StepCheck.Ok;
        await SaveAsync();
        return null;
    }

    public async Task RemoveOwnerAsync(SetupPerson owner)
    {
        State.Owners.Remove(owner);
        await SaveAsync();
    }

    public async Task<string?> AddMemberAsync(DirectoryUser user)
    {
        if (SetupWizardService.RefusePerson(user) is { } refusal)
        {
            return refusal;
        }
        if (State.AllMembers().Any(m => string.Equals(m.Address, user.Mail, StringComparison.OrdinalIgnoreCase)))
        {
            return $"{user.DisplayName} is already a member.";
        }
        State.PickedMembers.Add(new SetupMember(user.Mail!, user.Id, user.DisplayName));
        Check = StepCheck.Ok;
        await SaveAsync();
        return null;
    }

    public async Task RemoveMemberAsync(SetupMember member)
    {
        State.PickedMembers.Remove(member);
        State.CsvMembers.Remove(member);
        await SaveAsync();
    }

    /// <summary>
    /// Replaces the CSV members by the valid rows of this list; the problem rows are shown, not kept.
    /// <see cref="CsvProgress"/> follows the directory lookups while it runs.
    /// </summary>
    public async Task ResolveCsvAsync(string text, CancellationToken cancellationToken = default)
    {
        CsvResult = null;
        CsvProgress = new MemberCheckProgress(0, 0);
        Notify();
        var progress = new SessionProgress(this);
        var started = time.GetTimestamp();
        var result = await RunAsync(s => s.Members.ResolveAsync(text, progress, cancellationToken));
        CsvCheckDuration = time.GetElapsedTime(started);
        CsvProgress = null;
        if (result is null)
        {
            Notify();
            return;
        }
        CsvResult = result;
        Check = result.Error is null ? StepCheck.Ok : StepCheck.Error(result.Error);
        if (result.Error is null)
        {
            State.CsvMembers = [.. result.ValidMembers];
            await SaveAsync(cancellationToken);
        }
    }

    public string RenderScript() => renderer.Render(State.ToRequest());

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

    /// <summary>Runs a tenant call in its own scope; a tenant failure becomes the step's message instead of a broken circuit.</summary>
    private async Task<T?> RunAsync<T>(Func<SetupWizardService, Task<T>> action)
    {
        Busy = true;
        try
        {
            using var scope = scopes.CreateScope();
            return await action(scope.ServiceProvider.GetRequiredService<SetupWizardService>());
        }
        catch (DirectoryException ex)
        {
            logger.LogWarning("Wizard directory call failed: {Failure}", ex.Failure);
            Check = StepCheck.Error($"Microsoft Graph could not answer: {ex.Message} {ex.Remedy}".Trim());
            return default;
        }
        catch (ExchangeCommandException ex)
        {
            logger.LogWarning("Wizard Exchange call failed: {Kind}", ex.Outcome.Kind);
            Check = StepCheck.Error($"Exchange could not answer: {ex.Outcome.Message}");
            return default;
        }
        finally
        {
            Busy = false;
            Notify();
        }
    }

    private sealed record AllChecks((int Step, StepCheck Check)? Failed);

    /// <summary>Lookups report from several threads at once; the figure shown only moves forward.</summary>
    private sealed class SessionProgress(SetupWizardSession session) : IProgress<MemberCheckProgress>
    {
        public void Report(MemberCheckProgress value)
        {
            if (session.CsvProgress is { } shown && shown.Checked >= value.Checked && shown.Total == value.Total)
            {
                return;
            }
            session.CsvProgress = value;
            session.Notify();
        }
    }
}

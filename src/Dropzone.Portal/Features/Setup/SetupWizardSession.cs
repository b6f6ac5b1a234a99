using Dropzone.Portal.Core.Identity;
using Dropzone.Portal.Core.Restriction;
using Dropzone.Portal.TenantClients.Exchange;
using Microsoft.AspNetCore.Components.Authorization;

namespace Dropzone.Portal.Features.Setup;

/// <summary>
/// The wizard of one circuit: the state the step components bind to, where the admin is, the last check's
/// messages, and the actions (Next, Back, pickers, CSV, Apply). Every action is checked here on the server;
/// the components only display. Tenant clients are taken from a fresh scope per action so that a long-lived
/// circuit never holds typed HttpClients.
/// </summary>
public sealed partial class SetupWizardSession(
    IServiceScopeFactory scopes,
    SetupDraftStore drafts,
    SetupScriptRenderer renderer,
    RestrictionModeCatalog modes,
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

    /// <summary>How long the wizard waits for the tenant's domains before it says why the list is empty.</summary>
    public static readonly TimeSpan TenantWait = TimeSpan.FromSeconds(8);

    /// <summary>True while the domains are being asked; the group step shows a placeholder meanwhile.</summary>
    public bool DomainsLoading { get; private set; }

    /// <summary>Why the tenant's answers are missing (slow, failing), shown above the wizard; null when it answered.</summary>
    public string? TenantProblem { get; private set; }

    public MemberListResult? CsvResult { get; private set; }

    /// <summary>While a list is being checked: how many addresses the directory has answered for.</summary>
    public MemberCheckProgress? CsvProgress { get; private set; }

    /// <summary>How long the last list check took, shown beside its counts.</summary>
    public TimeSpan CsvCheckDuration { get; private set; }

    public bool Busy { get; private set; }

    public DateTimeOffset? DraftRestoredFrom { get; private set; }

    /// <summary>Set when this tab's values were not saved because the draft moved on elsewhere; saving stops until the admin chooses.</summary>
    public DraftConflict? Conflict => _draft.Conflict;

    /// <summary>The restriction modes the wizard offers, in order.</summary>
    public IReadOnlyList<IRestrictionMode> Modes => modes.All;

    /// <summary>The mode chosen now (the first registered when the stored choice is unknown here).</summary>
    public IRestrictionMode Mode => modes.TryGet(State.RestrictionMode, out var mode) ? mode : modes.All[0];

    /// <summary>The restriction step's check, also shown as its warnings while the admin chooses.</summary>
    public StepCheck CheckRestriction() => SetupWizardService.CheckRestriction(State, modes);

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
        if (string.IsNullOrEmpty(State.GroupDomain) && Domains.Count > 0)
        {
            State.GroupDomain = Domains[0];
        }
    }

    /// <summary>
    /// The tenant's accepted domains, asked after the wizard is on screen and given at most <see cref="TenantWait"/>:
    /// a slow or failing tenant leaves the domain list empty with the reason in <see cref="TenantProblem"/>, never
    /// a page that does not open.
    /// </summary>
    public async Task LoadDomainsAsync()
    {
        DomainsLoading = true;
        TenantProblem = null;
        Notify();
        using var timeBox = new CancellationTokenSource(TenantWait, time);
        try
        {
            using var scope = scopes.CreateScope();
            Domains = await scope.ServiceProvider.GetRequiredService<SetupWizardService>().GetDomainsAsync(timeBox.Token);
            if (string.IsNullOrEmpty(State.GroupDomain) && Domains.Count > 0)
            {
                State.GroupDomain = Domains[0];
            }
        }
        catch (OperationCanceledException) when (timeBox.IsCancellationRequested)
        {
            TenantProblem = $"The tenant did not answer within {TenantWait.TotalSeconds:0} s (Microsoft Graph, the accepted domains): it may be slow or unavailable. Your answers are kept; try again in a moment.";
        }
        catch (DirectoryException ex)
        {
            logger.LogWarning("Wizard domain lookup failed: {Failure}", ex.Failure);
            TenantProblem = $"Microsoft Graph could not answer (the accepted domains): {ex.Message} {ex.Remedy}".Trim();
        }
        catch (HttpRequestException ex)
        {
            TenantProblem = $"The tenant could not be reached (the accepted domains): {ex.Message}";
        }
        finally
        {
            DomainsLoading = false;
            Notify();
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
                return CheckRestriction();
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

    public string RenderScript() => renderer.Render(State.ToRequest());

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
}

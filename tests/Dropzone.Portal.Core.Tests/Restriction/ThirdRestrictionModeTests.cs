using Dropzone.Portal.Core.Restriction;
using Dropzone.Portal.Core.Setup.Steps;
using Dropzone.Portal.TenantClients.Graph;

namespace Dropzone.Portal.Core.Tests.Restriction;

/// <summary>
/// A restriction mode is a registration, not an edit: a mode only this test knows is planned, rendered, run,
/// verified and stored without any change to the portal's code (docs/restriction-modes.md).
/// </summary>
public sealed class ThirdRestrictionModeTests
{
    [Fact]
    public void Build_ThirdModeRegistered_PlansItsOwnStepBetweenReplicationAndVerification()
    {
        // The verify step reads the portal's groups; a factory is registered but never opened here.
        var services = new ServiceCollection().AddSetupSteps().AddTestOnlyMode()
            .AddDbContextFactory<PortalDbContext>(o => o.UseSqlite("Data Source=:memory:")).BuildServiceProvider();
        var request = SetupTestBed.Request(["ann.archer@contoso.example"], TestOnlyMode.Id);

        var plan = services.GetRequiredService<SetupPlanBuilder>().Build(request, new SetupOptions());

        Assert.Equal(["aap", "rbac", "test"], services.GetRequiredService<RestrictionModeCatalog>().All.Select(m => m.Code));
        Assert.Equal(
            [SetupStepKind.EnsureApp, SetupStepKind.EnsureGroup, SetupStepKind.EnsureOwners, SetupStepKind.EnsureMembers,
             SetupStepKind.WaitForReplication, EnsureTestRestrictionStep.StepKind, SetupStepKind.Verify],
            plan.Steps.Select(s => s.Kind));
        Assert.IsType<EnsureTestRestrictionStep>(services.GetRequiredService<SetupStepCatalog>().Get(EnsureTestRestrictionStep.StepKind));
        var script = new SetupScriptRenderer(services.GetRequiredService<SetupPlanBuilder>(), services.GetRequiredService<RestrictionModeCatalog>(),
            Options.Create(new SetupOptions())).Render(request);
        Assert.Contains(TestOnlyMode.ScriptLine, script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdvanceAsync_ThirdModeRegistered_RunsItsStepVerifiesWithItsTestAndStoresItsName()
    {
        await using var bed = await SetupTestBed.CreateAsync(register: s => s.AddTestOnlyMode());
        var request = SetupTestBed.Request(bed.DemoMailboxes().Take(3).ToList(), TestOnlyMode.Id);
        var runId = await bed.Launcher.StartAsync(request, SetupTestBed.Admin);

        Assert.Equal(AdvanceOutcome.Succeeded, await bed.DriveAsync(runId));

        var run = await bed.RunAsync(runId);
        var step = run.Steps.Single(s => s.Kind == EnsureTestRestrictionStep.StepKind);
        Assert.Equal((SetupStepState.Succeeded, EnsureTestRestrictionStep.Summary), (step.State, step.Summary));
        await using var db = bed.CreateDbContext();
        var group = await db.ManagedGroups.SingleAsync();
        Assert.Equal((TestOnlyMode.Id, ManagedGroupStatus.VerifiedInExchange), (group.RestrictionMode, group.Status));
        var stored = await db.Database.SqlQueryRaw<string>("SELECT RestrictionMode AS Value FROM ManagedGroups").SingleAsync();
        Assert.Equal("TestOnlyRestriction", stored);
        var verification = await db.VerificationResults.Where(v => v.RunId == runId).ToListAsync();
        Assert.Equal(4, verification.Count);
        Assert.All(verification, v => Assert.Equal(TestOnlyMode.Answered, v.Expected));
        Assert.Contains(bed.Tenant.Calls, c => c.Operation?.Contains("Test-ApplicationAccessPolicy", StringComparison.Ordinal) == true);
    }
}

internal static class TestOnlyModeRegistration
{
    public static IServiceCollection AddTestOnlyMode(this IServiceCollection services) =>
        services.AddRestrictionMode<TestOnlyMode>();
}

/// <summary>
/// A mode of one step that restricts the application its own way (here with a RestrictAccess policy, so that the
/// effective access is the group and the run can be green), and an access test whose answer merely has to arrive.
/// </summary>
internal sealed class TestOnlyMode : IRestrictionMode
{
    public const string ScriptLine = "# 4. Test-only restriction: nothing to send";
    public const string Answered = "An answer";

    public static RestrictionMode Id { get; } = new("TestOnlyRestriction");

    public RestrictionMode Name => Id;
    public string Code => "test";
    public string Label => "Test-only restriction";
    public string Help => "Restricts with one command; proves a mode is a registration.";
    public string AccessTestName => "Test-ApplicationAccessPolicy";
    public IReadOnlyList<string> RoleChoices => [];

    public string Describe(IReadOnlyList<string> roles) => Label;

    public StepCheck CheckChoices(SetupWizardState state) => StepCheck.Ok;

    public IReadOnlyList<PlannedStep> PlanSteps(SetupRequest request) => [new(EnsureTestRestrictionStep.StepKind, "Apply the test-only restriction")];

    public IReadOnlyList<ISetupStep> Steps { get; } = [new EnsureTestRestrictionStep()];

    public IEnumerable<string> ScriptLines(SetupPlan plan, SetupOptions options) => [ScriptLine];

    public Task<string?> CheckApplicationAsync(TenantCallLog calls, DirectoryServicePrincipal app, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public ExchangeCommand AccessTest(string appId, string mailbox) => ExchangeCommands.TestApplicationAccessPolicy(mailbox, appId);

    public IEnumerable<ExchangeCommand> Commands(SetupPlan plan, SetupOptions options) => [];

    public AccessVerdict ReadAccess(ExchangeResult answer, bool expectAccess, RestrictionTarget? target) =>
        new(answer.IsSuccess, Answered, answer.IsSuccess ? Answered : TenantCallLog.Describe(answer));

    public Task<IReadOnlyList<string>> FindDriftAsync(RestrictionTarget target, TenantCallLog calls, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);
}

internal sealed class EnsureTestRestrictionStep : ISetupStep
{
    public const string Summary = "The test-only restriction is in place.";

    public static SetupStepKind StepKind { get; } = new("EnsureTestRestriction");

    public SetupStepKind Kind => StepKind;

    public async Task<StepResult> ExecuteAsync(SetupStepContext context, CancellationToken cancellationToken)
    {
        var r = context.Request;
        var answer = await context.InvokeAsync(ExchangeCommands.NewApplicationAccessPolicy(r.RestrictedAppId, r.GroupAddress, ApplicationAccessRight.RestrictAccess, "test-only"), cancellationToken);
        return answer.IsSuccess || answer.Outcome is ExchangeOutcome.AlreadyExists
            ? new StepResult.Done(Summary)
            : new StepResult.Retry(TenantCallLog.Describe(answer));
    }
}

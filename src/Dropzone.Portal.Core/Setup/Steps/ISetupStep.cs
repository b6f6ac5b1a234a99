namespace Dropzone.Portal.Core.Setup.Steps;

/// <summary>
/// One step of a setup plan. A step looks at the tenant (or at what an earlier answer of this run proved)
/// before it acts and is safe to run twice: a second run finds the object and answers "skipped". A New-* is
/// never replayed blindly: after an ambiguous answer the object is looked up first. Attempts, leases, audit
/// and outcomes are the engine's; a step only answers a <see cref="StepResult"/>.
/// </summary>
public interface ISetupStep
{
    SetupStepKind Kind { get; }

    Task<StepResult> ExecuteAsync(SetupStepContext context, CancellationToken cancellationToken);
}

/// <summary>The steps every plan has and the registered modes' own, by kind: what the engine runs for a planned step.</summary>
public sealed class SetupStepCatalog(IEnumerable<ISetupStep> steps, RestrictionModeCatalog modes)
{
    private readonly Dictionary<SetupStepKind, ISetupStep> _steps = steps.Concat(modes.All.SelectMany(m => m.Steps)).ToDictionary(s => s.Kind);

    public ISetupStep Get(SetupStepKind kind) =>
        _steps.TryGetValue(kind, out var step) ? step : throw new InvalidOperationException($"No setup step is registered for {kind}.");
}

using Microsoft.AspNetCore.Components;

namespace Dropzone.Portal.Components.Pages.Setup;

/// <summary>
/// Base of the wizard's parts: each re-renders when the session changes, because a change made in one part
/// (a pick in the picker, a check of the page's Next) is shown by others that Blazor would not re-render.
/// </summary>
public abstract class WizardComponent : ComponentBase, IDisposable
{
    [Inject] protected SetupWizardSession Wizard { get; set; } = null!;

    protected override void OnInitialized() => Wizard.Changed += OnChanged;

    private void OnChanged() => _ = InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        Wizard.Changed -= OnChanged;
        GC.SuppressFinalize(this);
    }
}

namespace Dropzone.TenantEmulator.State;

/// <summary>
/// Throttling by budget: each service allows a tenant so many calls per window and answers 429 with the time until the
/// window ends, rather than failing calls at random. Windows are fixed and start with the first call after the last one ended.
/// </summary>
public sealed partial class TenantState
{
    private readonly Dictionary<string, (DateTimeOffset Start, int Spent)> _budgets = new(StringComparer.Ordinal);

    /// <summary>Spends one call of <paramref name="service"/>'s budget; answers how long to wait when it is spent, else null.</summary>
    internal TimeSpan? SpendBudget(string service)
    {
        var faults = Faults;
        if (faults.ThrottleBudget <= 0)
        {
            return null;
        }
        lock (Gate)
        {
            var now = Now;
            var (start, spent) = _budgets.TryGetValue(service, out var window) && now - window.Start < faults.ThrottleBudgetWindow ? window : (now, 0);
            if (spent >= faults.ThrottleBudget)
            {
                return start + faults.ThrottleBudgetWindow - now;
            }
            _budgets[service] = (start, spent + 1);
            return null;
        }
    }

    private void ClearBudgets() => _budgets.Clear();
}

namespace Dropzone.Portal.Core.Setup.Steps;

/// <summary>How a create ended: made (answered OK), confirmed by reading it back after an unclear answer, or not made.</summary>
public enum CreateOutcome
{
    Created,
    ConfirmedByReadBack,
    NotCreated,
}

/// <summary>
/// Sends a New-* once. When the answer leaves it open whether it happened (timeout, "already exists" from an
/// earlier attempt, an unknown error), the object is read back instead of created again.
/// </summary>
public static class CreateOnce
{
    public static async Task<(CreateOutcome Outcome, ExchangeResult Answer)> SendAsync(
        SetupStepContext c, ExchangeCommand create, ExchangeCommand readBack, CancellationToken ct)
    {
        var created = await c.InvokeAsync(create, ct);
        if (created.IsSuccess)
        {
            return (CreateOutcome.Created, created);
        }

        if (created.Outcome is ExchangeOutcome.AlreadyExists or { IsTransient: true } or ExchangeOutcome.Other)
        {
            var again = await c.InvokeAsync(readBack, ct);
            if (again.IsSuccess && again.Rows.Count > 0)
            {
                return (CreateOutcome.ConfirmedByReadBack, created);
            }
        }

        return (CreateOutcome.NotCreated, created);
    }
}

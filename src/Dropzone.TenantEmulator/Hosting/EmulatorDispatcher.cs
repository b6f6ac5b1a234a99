using Dropzone.TenantEmulator.Control;
using Dropzone.TenantEmulator.Graph;

namespace Dropzone.TenantEmulator.Hosting;

/// <summary>
/// The single entry point for every emulated call: injects the configured faults (Graph and Exchange only),
/// routes to the service, and records the call in the log the control surface shows.
/// </summary>
public sealed class EmulatorDispatcher(TenantState state, LoginService login, GraphService graph, ExchangeAdminService exchange, ControlService control)
{
    public async Task<EmulatorResponse> DispatchAsync(EmulatorRequest request, CancellationToken cancellationToken = default)
    {
        var faults = state.Faults;
        var receivedAt = state.Now;
        if (faults.Latency > TimeSpan.Zero && request.Service != EmulatedService.Control)
        {
            await Task.Delay(faults.Latency, state.Time, cancellationToken);
        }
        EmulatorResponse response;
        try
        {
            response = InjectedFault(request.Service, faults) ?? request.Service switch
            {
                EmulatedService.Login => await login.HandleAsync(request),
                EmulatedService.Graph => await graph.HandleAsync(request),
                EmulatedService.Outlook => await exchange.HandleAsync(request, cancellationToken),
                EmulatedService.Control => control.Handle(request),
                _ => EmulatorResponse.Empty(404),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller stopped waiting (its own timeout); what it started goes on. 499 as proxies log a closed request.
            state.RecordCall(new CallRecord(receivedAt, state.Now, request.Service.ToString().ToLowerInvariant(), request.Method, request.Path, ExchangeOperationOf(request), ClientClosedRequest));
            throw;
        }
        if (request.Service != EmulatedService.Control)
        {
            state.RecordCall(new CallRecord(receivedAt, state.Now, request.Service.ToString().ToLowerInvariant(), request.Method, request.Path, response.Operation, response.Status));
        }
        if (MayHaveChanged(request, response))
        {
            // Kept before answered: a change the caller is told about survives a crash of the emulator.
            await state.SaveChangesAsync(CancellationToken.None);
        }
        return response;
    }

    private const int ClientClosedRequest = 499;

    private static string? ExchangeOperationOf(EmulatorRequest request) =>
        request.Service == EmulatedService.Outlook ? JsonProperties.Text(JsonProperties.Get(JsonProperties.Get(request.JsonBody(), "CmdletInput"), "CmdletName")) : null;

    /// <summary>
    /// Reads never change the tenant; anything else might (a saver with nothing changed writes nothing, but
    /// still captures the state, which is what skipping reads saves).
    /// </summary>
    private static bool MayHaveChanged(EmulatorRequest request, EmulatorResponse response) =>
        response.Operation != "fault" && request.Service switch
        {
            EmulatedService.Graph or EmulatedService.Control => request.Method != "GET",
            EmulatedService.Outlook => !(response.Operation is { } cmdlet
                && (cmdlet.StartsWith("Get-", StringComparison.OrdinalIgnoreCase) || cmdlet.StartsWith("Test-", StringComparison.OrdinalIgnoreCase))),
            EmulatedService.Login => response.Operation != "token:client_credentials",
            _ => true,
        };

    private EmulatorResponse? InjectedFault(EmulatedService service, EmulatorFaults faults)
    {
        if (service is not (EmulatedService.Graph or EmulatedService.Outlook))
        {
            return null;
        }
        if (state.SpendBudget(service.ToString()) is { } wait)
        {
            // The budget is spent: wait until the window ends (whole seconds, rounded up, as the header carries them).
            return Throttled(faults, Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)));
        }
        if (faults.ThrottleRate <= 0 && faults.UnavailableRate <= 0 && faults.TimeoutRate <= 0 && faults.TransientErrorRate <= 0)
        {
            return null;
        }
        // One draw per call, so the same seed gives the same sequence of outcomes.
        var sample = state.NextFaultSample();
        if (sample < faults.ThrottleRate)
        {
            return Throttled(faults, faults.RetryAfterSeconds);
        }
        sample -= faults.ThrottleRate;
        if (sample < faults.UnavailableRate)
        {
            return FaultBody(503, "ServiceUnavailable", "The service is temporarily unavailable. ServerBusyException.");
        }
        sample -= faults.UnavailableRate;
        if (sample < faults.TimeoutRate)
        {
            return ExchangeTimeoutException.Response();
        }
        sample -= faults.TimeoutRate;
        if (service == EmulatedService.Outlook && sample < faults.TransientErrorRate)
        {
            // Which transient exception is named also comes from the seeded sequence.
            var type = TransientExceptionTypes[(int)(state.NextFaultSample() * TransientExceptionTypes.Length)];
            var transient = new ExchangeCmdletException(500, type, $"{type.Split('.')[^1]}: the server can't process the request now. Try again later.", ErrorDetailForm.ErrorIdPipe)
                .ToResponse("InvokeCommand");
            transient.Operation = "fault";
            return transient;
        }
        return null;
    }

    private EmulatorResponse Throttled(EmulatorFaults faults, int retryAfterSeconds)
    {
        var throttled = FaultBody(429, "TooManyRequests", "Too many requests. Please retry after the time given in Retry-After.");
        throttled.Headers["Retry-After"] = faults.RetryAfterAsHttpDate
            ? (state.Now + TimeSpan.FromSeconds(retryAfterSeconds)).ToString("R", CultureInfo.InvariantCulture)
            : retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return throttled;
    }

    private static readonly string[] TransientExceptionTypes =
    [
        "Microsoft.Exchange.Data.Directory.DCOverloadedException",
        "Microsoft.Exchange.Data.ServerInMMException",
        "Microsoft.Exchange.Data.Directory.SuitabilityDirectoryException",
        "Microsoft.Exchange.Data.Directory.ADServerSettingsChangedException",
        "Microsoft.Exchange.Data.Storage.StorageTransientException",
        "Microsoft.Exchange.Data.ServerBusyException",
        "Microsoft.Exchange.Data.TransientException",
    ];

    private static EmulatorResponse FaultBody(int status, string code, string message)
    {
        var r = EmulatorResponse.Json(status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });
        r.Operation = "fault";
        return r;
    }
}

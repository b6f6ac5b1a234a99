using System.Text.Json;
using System.Threading.Channels;
using Dropzone.Portal.Core;
using Npgsql;

namespace Dropzone.Portal.Data;

/// <summary>
/// Relays run progress and request changes between the instances that share one PostgreSQL database: what this
/// instance publishes goes out with <c>NOTIFY</c>, and what the others publish comes in on a <c>LISTEN</c>ing
/// connection and is raised to this instance's subscribers (circuits). Each message names its origin, so an
/// instance never raises its own event twice. A lost connection is re-opened; events sent meanwhile are missed,
/// which pages tolerate (they re-read on their next load).
/// </summary>
/// <remarks>
/// The notifiers are resolved when the first event arrives: they forward through this relay, so taking them in the
/// constructor would be a cycle.
/// </remarks>
public sealed class PostgreSqlEventRelay(string connectionString, IServiceProvider services, ILogger<PostgreSqlEventRelay> logger)
    : BackgroundService, IInstanceEventForwarder
{
    public const string Channel = "dropzone_events";

    private readonly Guid _origin = Guid.NewGuid();
    private readonly Channel<string> _outgoing = System.Threading.Channels.Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once this instance listens (tests and start-up ordering wait for it).</summary>
    public Task Listening => _listening.Task;

    public void Forward(object portalEvent)
    {
        var message = portalEvent switch
        {
            RunProgress progress => new Message(_origin, "run", JsonSerializer.SerializeToElement(progress)),
            MemberRequestChange change => new Message(_origin, "request", JsonSerializer.SerializeToElement(change)),
            _ => null,
        };
        if (message is not null) _outgoing.Writer.TryWrite(JsonSerializer.Serialize(message));
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(KeepAsync(ListenAsync, stoppingToken), KeepAsync(SendAsync, stoppingToken));

    private async Task KeepAsync(Func<CancellationToken, Task> loop, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await loop(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                logger.LogWarning(ex, "The instance event relay lost its database connection; reconnecting.");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(stoppingToken);
        connection.Notification += (_, e) => Receive(e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }
        _listening.TrySetResult();
        while (!stoppingToken.IsCancellationRequested) await connection.WaitAsync(stoppingToken);
    }

    private async Task SendAsync(CancellationToken stoppingToken)
    {
        while (await _outgoing.Reader.WaitToReadAsync(stoppingToken))
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(stoppingToken);
            while (_outgoing.Reader.TryPeek(out var payload))
            {
                await using var notify = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection);
                notify.Parameters.Add(new NpgsqlParameter { Value = Channel });
                notify.Parameters.Add(new NpgsqlParameter { Value = payload });
                await notify.ExecuteNonQueryAsync(stoppingToken);
                _outgoing.Reader.TryRead(out _);
            }
        }
    }

    private void Receive(string payload)
    {
        try
        {
            var message = JsonSerializer.Deserialize<Message>(payload);
            if (message is null || message.Origin == _origin) return;
            switch (message.Kind)
            {
                case "run" when message.Event.Deserialize<RunProgress>() is { } progress:
                    (services.GetRequiredService<IRunProgressNotifier>() as RunProgressNotifier)?.Raise(progress);
                    break;
                case "request" when message.Event.Deserialize<MemberRequestChange>() is { } change:
                    services.GetRequiredService<MemberRequestEvents>().Raise(change);
                    break;
            }
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "Ignored an instance event that is not the portal's.");
        }
    }

    private sealed record Message(Guid Origin, string Kind, JsonElement Event);
}

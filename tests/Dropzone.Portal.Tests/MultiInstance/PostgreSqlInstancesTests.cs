using System.Net;
using Dropzone.Portal.Core;
using Dropzone.Portal.Data;
using Dropzone.Portal.TenantClients;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dropzone.Portal.Tests.MultiInstance;

/// <summary>What several instances on one database share: the schema's migration, pushed events and the tenant call limit.</summary>
public sealed class PostgreSqlInstancesTests
{
    [Theory, OnSqlite, OnPostgreSql]
    public async Task Ready_OnEitherProvider_DatabaseAndJobsHealthy(PortalDatabaseProvider provider)
    {
        await using var database = await TempDatabase.CreateAsync("dropzone-host-tests", provider: provider);
        using var factory = new PortalApplicationFactory().WithDatabase(database);
        using var client = await factory.SignInAsync(DemoTenant.AdminUpn);

        using var response = await client.GetAsync("/healthz/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(provider, factory.Services.GetRequiredService<PortalDatabaseOptions>().Provider);
    }

    [Theory, OnPostgreSql]
    public async Task Start_SchemaNotMigratedAndMigrateOnStartUnset_RefusesNamingTheMigrateCommand(PortalDatabaseProvider provider)
    {
        await using var database = await TempDatabase.CreateAsync("dropzone-host-tests", provider: provider, migrated: false);
        using var factory = new PortalApplicationFactory().WithDatabase(database);

        var error = Assert.Throws<InvalidOperationException>(() => factory.Services);

        Assert.Contains("migrate", error.Message, StringComparison.Ordinal);
        await using var db = database.CreateDbContext();
        Assert.Empty(await db.Database.GetAppliedMigrationsAsync());
    }

    [Theory, OnPostgreSql]
    public async Task Migrate_ThreeInstancesAtOnce_EachMigrationAppliedOnce(PortalDatabaseProvider provider)
    {
        await using var database = await TempDatabase.CreateAsync("dropzone-host-tests", provider: provider, migrated: false);
        var instances = Enumerable.Range(0, 3).Select(_ => new ServiceCollection()
            .AddDbContextFactory<PortalDbContext>(o => o.UsePortalDatabase(provider, database.ConnectionString))
            .BuildServiceProvider()).ToList();

        await Task.WhenAll(instances.Select(services => Task.Run(() => services.MigratePortalDatabaseAsync())));

        await using var db = database.CreateDbContext();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        foreach (var services in instances) await services.DisposeAsync();
    }

    [Theory, OnPostgreSql]
    public async Task Events_PublishedOnOneInstance_RaisedOnTheOther(PortalDatabaseProvider provider)
    {
        await using var database = await TempDatabase.CreateAsync("dropzone-host-tests", provider: provider);
        await using var first = Instance(database.ConnectionString);
        await using var second = Instance(database.ConnectionString);
        var run = new TaskCompletionSource<RunProgress>(TaskCreationOptions.RunContinuationsAsynchronously);
        var request = new TaskCompletionSource<MemberRequestChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        var echoed = 0;
        second.GetRequiredService<IRunProgressNotifier>().Progress += p => run.TrySetResult(p);
        second.GetRequiredService<MemberRequestEvents>().Changed += c => request.TrySetResult(c);
        first.GetRequiredService<IRunProgressNotifier>().Progress += _ => Interlocked.Increment(ref echoed);
        var relays = new[] { first, second }.Select(s => s.GetRequiredService<PostgreSqlEventRelay>()).ToList();
        foreach (var relay in relays) await relay.StartAsync(CancellationToken.None);
        await Task.WhenAll(relays.Select(r => r.Listening)).WaitAsync(TimeSpan.FromSeconds(60));

        var progress = new RunProgress(Guid.NewGuid(), Guid.NewGuid(), SetupRunState.Running, 2, 2, SetupStepState.Succeeded, "members added");
        first.GetRequiredService<IRunProgressNotifier>().Publish(progress);
        var change = new MemberRequestChange(Guid.NewGuid(), Guid.NewGuid(), MemberRequestState.Approved);
        first.GetRequiredService<MemberRequestEvents>().Publish(change);

        Assert.Equal(progress, await run.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(change, await request.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        // The publishing instance told its own circuits once, not again when its notification came back.
        Assert.Equal(1, echoed);
        foreach (var relay in relays) await relay.StopAsync(CancellationToken.None);
    }

    [Theory, OnPostgreSql]
    public async Task TenantLimit_SlotsHeldOnOneInstance_OtherInstanceWaitsUntilOneIsReleased(PortalDatabaseProvider provider)
    {
        await using var database = await TempDatabase.CreateAsync("dropzone-host-tests", provider: provider);
        var options = Options.Create(new TenantClientsOptions { MaxConcurrencyPerTenant = 2 });
        var first = new PostgreSqlTenantConcurrencyLimiter(database.ConnectionString, options);
        var second = new PostgreSqlTenantConcurrencyLimiter(database.ConnectionString, options);
        var held = new[] { await first.AcquireAsync("contoso", CancellationToken.None), await first.AcquireAsync("contoso", CancellationToken.None) };

        // Both slots are taken on the first instance: the second gets none while they are held…
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await second.AcquireAsync("contoso", patience.Token));
        }
        // …another tenant's slots are its own…
        await (await second.AcquireAsync("fabrikam", CancellationToken.None)).DisposeAsync();
        // …and one released slot lets it in.
        var waiting = second.AcquireAsync("contoso", CancellationToken.None).AsTask();
        await held[0].DisposeAsync();
        await (await waiting.WaitAsync(TimeSpan.FromSeconds(60))).DisposeAsync();
        await held[1].DisposeAsync();
    }

    [Theory, OnPostgreSql]
    public async Task TenantLimit_ReleaseOnOneInstance_WakesTheOtherInstancesWaiterWithoutWaitingForItsPoll(PortalDatabaseProvider provider)
    {
        await using var database = await TempDatabase.CreateAsync("dropzone-host-tests", provider: provider);
        var options = Options.Create(new TenantClientsOptions { MaxConcurrencyPerTenant = 1 });
        var first = new PostgreSqlTenantConcurrencyLimiter(database.ConnectionString, options);
        // The waiter looks at the slots on its own only once an hour: only the release's notification can let it in.
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new PostgreSqlTenantConcurrencyLimiter(database.ConnectionString, options)
        {
            LongestRetry = TimeSpan.FromHours(1),
            WaitingForRelease = () => listening.TrySetResult(),
        };
        var held = await first.AcquireAsync("contoso", CancellationToken.None);
        var waiting = second.AcquireAsync("contoso", CancellationToken.None).AsTask();
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(waiting.IsCompleted);

        await held.DisposeAsync();

        await (await waiting.WaitAsync(TimeSpan.FromSeconds(60))).DisposeAsync();
    }

    private static ServiceProvider Instance(string connectionString)
    {
        var services = new ServiceCollection();
        services.AddSingleton(sp => new PostgreSqlEventRelay(connectionString, sp, NullLogger<PostgreSqlEventRelay>.Instance));
        services.AddSingleton<IInstanceEventForwarder>(sp => sp.GetRequiredService<PostgreSqlEventRelay>());
        services.AddSingleton<IRunProgressNotifier, RunProgressNotifier>();
        services.AddSingleton<MemberRequestEvents>();
        return services.BuildServiceProvider();
    }
}

namespace Dropzone.TenantEmulator.Tests.Infrastructure;

/// <summary>
/// Base of the test classes that each test talks to a fresh emulator: xUnit creates the class once per test,
/// so every test starts <see cref="Host"/> anew and disposes it after.
/// </summary>
public abstract class EmulatorHostTest : IAsyncLifetime
{
    protected EmulatorHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await EmulatorHost.StartAsync();
        await ArrangeAsync();
    }

    public async Task DisposeAsync() => await Host.DisposeAsync();

    /// <summary>What every test of the class starts from, on top of the seeded demo tenant (e.g. the scope group).</summary>
    protected virtual Task ArrangeAsync() => Task.CompletedTask;
}

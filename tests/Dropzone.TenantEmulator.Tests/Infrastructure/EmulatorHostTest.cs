namespace Dropzone.TenantEmulator.Tests.Infrastructure;

/// <summary>
/// Base of the test classes that each test talks to a fresh emulator: xUnit creates the class once per test,
/// so every test starts <see cref="Host"/> anew and disposes it after.
/// </summary>
public abstract class EmulatorHostTest : IAsyncLifetime
{
    protected EmulatorHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await EmulatorHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

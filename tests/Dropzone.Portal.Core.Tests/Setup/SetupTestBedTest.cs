namespace Dropzone.Portal.Core.Tests.Setup;

/// <summary>
/// Base of the test classes that each test works on a fresh <see cref="SetupTestBed"/>: xUnit creates the class
/// once per test, so every test gets its own database and emulated tenant, disposed after it.
/// </summary>
public abstract class SetupTestBedTest : IAsyncLifetime
{
    protected SetupTestBed Bed { get; private set; } = null!;

    public async Task InitializeAsync() => Bed = await SetupTestBed.CreateAsync();

    public async Task DisposeAsync() => await Bed.DisposeAsync();
}

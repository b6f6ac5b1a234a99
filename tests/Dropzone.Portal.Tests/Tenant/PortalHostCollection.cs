namespace Dropzone.Portal.Tests.Tenant;

/// <summary>
/// Tests that start the whole portal host run one at a time: Program.Main installs Serilog's static bootstrap
/// logger, and two hosts starting at once race to freeze it ("The logger is already frozen").
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PortalHostCollection
{
    public const string Name = "Portal host";
}

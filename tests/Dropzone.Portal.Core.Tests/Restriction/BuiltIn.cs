using Dropzone.Portal.Core.Restriction;

namespace Dropzone.Portal.Core.Tests;

/// <summary>The restriction modes as the portal registers them, for tests that build a planner or renderer by hand.</summary>
internal static class BuiltIn
{
    public static RestrictionModeCatalog Modes { get; } =
        new ServiceCollection().AddRestrictionModes().BuildServiceProvider().GetRequiredService<RestrictionModeCatalog>();
}

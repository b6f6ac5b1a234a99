namespace Dropzone.Portal.Tests.MultiInstance;

/// <summary>The overlap check the several-instance tests rely on finds overlaps, and only overlaps.</summary>
public sealed class SetupFleetTests
{
    private static readonly DateTime T0 = new(2026, 12, 3, 10, 0, 0, DateTimeKind.Utc);

    private static StepAttempt Attempt(Guid step, int number, int fromSecond, int? toSecond, string worker = "a") => new()
    {
        StepId = step,
        Number = number,
        StartedAt = T0.AddSeconds(fromSecond),
        EndedAt = toSecond is { } to ? T0.AddSeconds(to) : null,
        WorkerId = worker,
    };

    [Fact]
    public void OverlappingAttempts_SameStepSpansIntersect_Reported()
    {
        var step = Guid.NewGuid();

        var overlaps = SetupFleet.OverlappingAttempts([Attempt(step, 1, 0, 10, "a"), Attempt(step, 2, 5, 12, "b")]);

        var overlap = Assert.Single(overlaps);
        Assert.Contains("attempt 1 (a", overlap, StringComparison.Ordinal);
        Assert.Contains("attempt 2 (b", overlap, StringComparison.Ordinal);
    }

    [Fact]
    public void OverlappingAttempts_OneAfterAnotherOrOnOtherSteps_NoneReported()
    {
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());

        var overlaps = SetupFleet.OverlappingAttempts(
        [
            Attempt(first, 1, 0, 10), Attempt(first, 2, 10, 20), Attempt(first, 3, 25, null),
            Attempt(second, 1, 5, 15, "b"),
        ]);

        Assert.Empty(overlaps);
    }

    [Fact]
    public void OverlappingAttempts_AttemptOfADeadWorkerWithoutEnd_NotAnOverlapWithItsTakeover()
    {
        var step = Guid.NewGuid();

        var overlaps = SetupFleet.OverlappingAttempts([Attempt(step, 1, 0, null, "killed"), Attempt(step, 2, 40, 45, "survivor")]);

        Assert.Empty(overlaps);
    }
}

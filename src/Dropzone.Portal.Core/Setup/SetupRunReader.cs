using System.Reflection;

namespace Dropzone.Portal.Core.Setup;

public sealed record RunSummary(Guid Id, Guid GroupId, SetupRunKind Kind, SetupRunState State, int CurrentStep, int StepCount,
    string? CreatedByName, DateTime CreatedAt, DateTime? FinishedAt, string? FailureMessage);

public sealed record RunDetails(SetupRun Run, SetupPlan Plan, IReadOnlyList<SetupStep> Steps, IReadOnlyList<VerificationResult> Verification);

public sealed record GroupListItem(Guid Id, string DisplayName, string PrimarySmtpAddress, ManagedGroupStatus Status, RestrictionMode RestrictionMode,
    int MemberCount, IReadOnlyList<string> Owners, DateTimeOffset? VerifiedAt, DateTimeOffset? LastCheckedAt, string? DriftSummary, Guid? LatestRunId);

/// <summary>
/// Read-only queries for the UI: runs of a group, one run with its steps and attempts, the group list. A group's
/// members are read from Exchange by <see cref="Requests.MemberRequestService.GetMembersAsync"/>, the one members reader.
/// </summary>
public sealed class SetupRunReader(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<IReadOnlyList<RunSummary>> ListRunsAsync(Guid groupId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var runs = await db.SetupRuns.AsNoTracking().Where(r => r.GroupId == groupId)
            .Select(r => new RunSummary(r.Id, r.GroupId, r.Kind, r.State, r.CurrentStep, r.Steps.Count, r.CreatedByName, r.CreatedAt, r.FinishedAt, r.FailureMessage))
            .ToListAsync(cancellationToken);
        return [.. runs.OrderByDescending(r => r.CreatedAt)];
    }

    /// <summary>The run with its steps (ordered) and each step's attempts (ordered), plus its verification rows.</summary>
    public async Task<RunDetails?> GetRunAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var run = await db.SetupRuns.AsNoTracking().Include(r => r.Steps).ThenInclude(s => s.AttemptLog)
            .AsSplitQuery().SingleOrDefaultAsync(r => r.Id == runId, cancellationToken);
        if (run is null)
        {
            return null;
        }

        var steps = run.Steps.OrderBy(s => s.Index).ToList();
        foreach (var step in steps)
        {
            step.AttemptLog.Sort((a, b) => a.Number.CompareTo(b.Number));
        }

        var verification = await db.VerificationResults.AsNoTracking().Where(v => v.RunId == runId).ToListAsync(cancellationToken);
        return new RunDetails(run, SetupPlanJson.Deserialize(run.PlanJson), steps,
            [.. verification.OrderBy(v => v.IsMember ? 0 : 1).ThenBy(v => v.Mailbox, StringComparer.OrdinalIgnoreCase)]);
    }

    public async Task<IReadOnlyList<GroupListItem>> ListGroupsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var groups = await db.ManagedGroups.AsNoTracking().Where(g => g.Status != ManagedGroupStatus.Abandoned).ToListAsync(cancellationToken);
        var latest = (await db.SetupRuns.AsNoTracking().Select(r => new { r.GroupId, r.Id, r.CreatedAt }).ToListAsync(cancellationToken))
            .GroupBy(r => r.GroupId).ToDictionary(g => g.Key, g => g.MaxBy(r => r.CreatedAt)!.Id);
        return [.. groups.OrderBy(g => g.DisplayName, StringComparer.OrdinalIgnoreCase).Select(g => new GroupListItem(
            g.Id, g.DisplayName, g.PrimarySmtpAddress, g.Status, g.RestrictionMode, g.MemberCount,
            [.. g.Owners.Select(o => o.DisplayName.Length > 0 ? o.DisplayName : o.UserPrincipalName)],
            g.VerifiedAt, g.LastCheckedAt, g.DriftSummary, latest.TryGetValue(g.Id, out var run) ? run : null))];
    }

    public async Task<IReadOnlyList<VerificationResult>> LatestVerificationAsync(Guid groupId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.VerificationResults.AsNoTracking().Where(v => v.GroupId == groupId).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return [];
        }

        var last = rows.Max(v => v.CheckedAt);
        return [.. rows.Where(v => v.CheckedAt == last).OrderBy(v => v.IsMember ? 0 : 1).ThenBy(v => v.Mailbox, StringComparer.OrdinalIgnoreCase)];
    }
}

/// <summary>
/// The support bundle of a run: the run, its plan, steps, attempts (redacted commands and tenant answers),
/// verification rows and versions. Commands were redacted when recorded; tokens and secrets are never
/// recorded at all, so nothing here can carry them.
/// </summary>
public sealed class SetupDiagnostics(SetupRunReader reader, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<byte[]?> ExportAsync(Guid runId, CancellationToken cancellationToken = default)
    {
        var details = await reader.GetRunAsync(runId, cancellationToken);
        if (details is null)
        {
            return null;
        }

        var run = details.Run;
        var bundle = new
        {
            exportedAt = time.GetUtcNow(),
            versions = new
            {
                portal = Version(typeof(SetupDiagnostics).Assembly),
                tenantClients = Version(typeof(IExchangeClient).Assembly),
                runtime = Environment.Version.ToString(),
                os = Environment.OSVersion.VersionString,
            },
            run = new
            {
                run.Id,
                run.GroupId,
                run.Kind,
                run.State,
                run.CurrentStep,
                run.CreatedAt,
                run.StartedAt,
                run.FinishedAt,
                run.CancelRequested,
                run.FailureMessage,
                run.FailureRemedy,
                createdBy = run.CreatedByName,
            },
            plan = new
            {
                steps = details.Plan.Steps,
                request = details.Plan.Request with { Members = [] },
                memberCount = details.Plan.Request.Members.Count,
                details.Plan.BulkMemberThreshold,
            },
            facts = JsonDocument.Parse(run.FactsJson).RootElement,
            steps = details.Steps.Select(s => new
            {
                s.Index,
                s.Kind,
                s.Title,
                s.State,
                s.Attempts,
                s.StartedAt,
                s.FinishedAt,
                s.Summary,
                s.LastCommand,
                s.LastAnswer,
                attemptLog = s.AttemptLog.Select(a => new { a.Number, a.StartedAt, a.EndedAt, a.Outcome, a.Calls, a.Commands, answer = a.Answer }),
            }),
            verification = details.Verification.Select(v => new { v.Mailbox, v.IsMember, v.Expected, v.Actual, v.Passed, v.CheckedAt }),
        };
        return JsonSerializer.SerializeToUtf8Bytes(bundle, Json);
    }

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "unknown";
}

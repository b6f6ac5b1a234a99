using System.Linq.Expressions;
using System.Text.RegularExpressions;
using Hangfire.States;

namespace Dropzone.Portal.Jobs;

/// <summary>
/// Every queue and recurring job of the portal, declared here and nowhere else. Schedules come from
/// <c>Jobs:Recurring</c> (<see cref="RecurringJobsOptions"/>); the ids are what the dashboard shows.
/// </summary>
public static class RecurringJobs
{
    public const string GroupsRecheckId = GroupRecheckJob.RecurringJobId;
    public const string GroupOwnersRefreshId = GroupOwnersRefreshJob.RecurringJobId;
    public const string RequestsSweepId = MemberRequestSweep.RecurringJobId;
    public const string AuditCheckpointId = "audit-checkpoint";
    public const string AuditVerifyChainId = "audit-verify-chain";
    public const string AuditArchiveId = "audit-archive";
    public const string AuditVerifyArchivesId = "audit-verify-archives";

    /// <summary>The queues this instance's workers take jobs from: every job runs in Hangfire's default queue.</summary>
    public static readonly string[] Queues = [EnqueuedState.DefaultQueue];

    /// <summary>Each recurring job: its id, the service that runs it, what it calls and which setting holds its schedule.</summary>
    internal static IReadOnlyList<RecurringJobDefinition> All { get; } =
    [
        Job<GroupRecheckJob>(GroupsRecheckId, j => j.CheckDueAsync(CancellationToken.None), s => s.GroupsRecheck),
        Job<GroupOwnersRefreshJob>(GroupOwnersRefreshId, j => j.RefreshAsync(CancellationToken.None), s => s.GroupOwnersRefresh),
        Job<MemberRequestSweep>(RequestsSweepId, j => j.RunAsync(CancellationToken.None), s => s.RequestsSweep),
        Job<AuditJobs>(AuditCheckpointId, j => j.VerifyTailAsync(CancellationToken.None), s => s.AuditCheckpoint),
        Job<AuditJobs>(AuditVerifyChainId, j => j.VerifyChainAsync(CancellationToken.None), s => s.AuditVerifyChain),
        Job<AuditJobs>(AuditArchiveId, j => j.ArchiveDueAsync(CancellationToken.None), s => s.AuditArchive),
        Job<AuditJobs>(AuditVerifyArchivesId, j => j.VerifyArchivesAsync(CancellationToken.None), s => s.AuditVerifyArchives),
    ];

    private static RecurringJobDefinition Job<TJob>(string id, Expression<Func<TJob, Task>> run, Func<RecurringJobsOptions, string> schedule) =>
        new(id, typeof(TJob), (jobs, options) => jobs.AddOrUpdate(id, run, schedule(options)));
}

internal sealed record RecurringJobDefinition(string Id, Type Service, Action<IRecurringJobManager, RecurringJobsOptions> AddOrUpdate);

/// <summary>Settings under <c>Jobs:Recurring</c>: a cron expression (UTC) per recurring job.</summary>
public sealed partial class RecurringJobsOptions
{
    public const string Section = "Jobs:Recurring";

    /// <summary>Re-verify the groups whose next check is due.</summary>
    public string GroupsRecheck { get; set; } = "*/5 * * * *";

    /// <summary>Read every group's owners from Exchange again: the longest a removed owner still sees the group (decision 010).</summary>
    public string GroupOwnersRefresh { get; set; } = "*/5 * * * *";

    /// <summary>Expire undecided requests and re-queue approved ones whose job was lost.</summary>
    public string RequestsSweep { get; set; } = "*/15 * * * *";

    /// <summary>
    /// Verify the audit chain since the newest checkpoint and checkpoint its head outside the database: the most
    /// history someone with write access to the database could rewrite unnoticed (decision 011).
    /// </summary>
    public string AuditCheckpoint { get; set; } = "*/15 * * * *";

    /// <summary>Verify the audit chain (the result is itself audited and shown on the audit page).</summary>
    public string AuditVerifyChain { get; set; } = "0 2 * * *";

    /// <summary>Move entries past <c>Audit:ArchiveAfterDays</c>, when set, to archive files.</summary>
    public string AuditArchive { get; set; } = "0 3 * * *";

    /// <summary>Re-read the archive files and check their chain.</summary>
    public string AuditVerifyArchives { get; set; } = "0 4 1 * *";

    /// <summary>The settings whose value is not a cron expression of five fields (or six, with seconds first).</summary>
    public IEnumerable<string> Invalid() =>
        new Dictionary<string, string>
        {
            [nameof(GroupsRecheck)] = GroupsRecheck,
            [nameof(GroupOwnersRefresh)] = GroupOwnersRefresh,
            [nameof(RequestsSweep)] = RequestsSweep,
            [nameof(AuditCheckpoint)] = AuditCheckpoint,
            [nameof(AuditVerifyChain)] = AuditVerifyChain,
            [nameof(AuditArchive)] = AuditArchive,
            [nameof(AuditVerifyArchives)] = AuditVerifyArchives,
        }.Where(setting => !IsCron(setting.Value)).Select(setting => $"{Section}:{setting.Key}");

    private static bool IsCron(string? value) =>
        value is not null && value.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: 5 or 6 } fields && fields.All(f => CronField().IsMatch(f));

    [GeneratedRegex(@"^[0-9A-Za-z*/,\-?#]+$")]
    private static partial Regex CronField();
}

/// <summary>At start-up, adds or updates every recurring job of <see cref="RecurringJobs.All"/> (a restart keeps one schedule each).</summary>
internal sealed class RecurringJobsSchedule(
    IRecurringJobManager recurringJobs,
    IOptions<RecurringJobsOptions> options,
    IServiceProviderIsService registered,
    ILogger<RecurringJobsSchedule> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var job in RecurringJobs.All)
        {
            // A host that leaves a feature out (a test host, a UI-only instance) has no job for it to run.
            if (!registered.IsService(job.Service))
            {
                logger.LogInformation("Recurring job {JobId} not scheduled: its feature is not part of this host", job.Id);
                continue;
            }
            job.AddOrUpdate(recurringJobs, options.Value);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

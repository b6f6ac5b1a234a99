using Dropzone.Portal.Core.Requests.Notifications;

namespace Dropzone.Portal.Hosting;

/// <summary>
/// Checks every settings section when the portal starts, not when a page or job first reads it: a bad value
/// stops the start with a message naming the setting. Each feature binds its own section; the rules a value
/// must meet are here, together. (Health, ForwardedHeaders, Jobs:Recurring and TenantClients validate their own.)
/// </summary>
public static class PortalSettingsValidation
{
    public static IHostApplicationBuilder AddPortalSettingsValidation(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddOptions<AuditOptions>()
            .Validate(o => o.ArchiveAfterDays is null or >= 1, "Audit:ArchiveAfterDays must be at least 1 (days), or unset to keep every entry.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.ArchiveFolder), "Audit:ArchiveFolder must name a folder.")
            .Validate(o => o.CountLimit >= 1, "Audit:CountLimit must be at least 1.")
            .Validate(o => o.FreeTextWindow >= 1, "Audit:FreeTextWindow must be at least 1.")
            .ValidateOnStart();

        services.AddOptions<NotificationOptions>()
            .Validate(o => string.IsNullOrWhiteSpace(o.SenderMailbox) || o.SenderMailbox.Contains('@', StringComparison.Ordinal),
                "Notifications:SenderMailbox must be a mailbox address such as security-team@contoso.com, or empty to send no mail.")
            .Validate(o => string.IsNullOrWhiteSpace(o.PortalBaseUrl) || IsHttpUrl(o.PortalBaseUrl),
                "Notifications:PortalBaseUrl must be an absolute http(s) URL such as https://portal.contoso.com, or empty.")
            .ValidateOnStart();

        services.AddOptions<MemberRequestOptions>()
            .Validate(o => o.RequeueApprovedAfter > TimeSpan.Zero, "Requests:RequeueApprovedAfter must be a positive duration such as 00:10:00.")
            .ValidateOnStart();

        services.AddOptions<SetupOptions>()
            .Validate(o => o.ReplicationPollInterval > TimeSpan.Zero, "Setup:ReplicationPollInterval must be a positive duration.")
            .Validate(o => o.ReplicationDeadline > TimeSpan.Zero, "Setup:ReplicationDeadline must be a positive duration.")
            .Validate(o => o.MaxStepAttempts >= 1, "Setup:MaxStepAttempts must be at least 1.")
            .Validate(o => o.RetryBaseDelay >= TimeSpan.Zero, "Setup:RetryBaseDelay must not be negative.")
            .Validate(o => o.MaxRetryDelay >= o.RetryBaseDelay, "Setup:MaxRetryDelay must not be shorter than Setup:RetryBaseDelay.")
            .Validate(o => o.VerificationSampleSize >= 1, "Setup:VerificationSampleSize must be at least 1.")
            .Validate(o => o.ReverificationSchedule.All(t => t > TimeSpan.Zero), "Setup:ReverificationSchedule must list positive durations.")
            .Validate(o => o.ReverificationInterval > TimeSpan.Zero, "Setup:ReverificationInterval must be a positive duration.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.RbacNamePrefix), "Setup:RbacNamePrefix must not be empty.")
            .ValidateOnStart();

        // Hangfire builds its server from these while the host is built, before start-up validation runs: check them now.
        var jobs = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        var jobProblems = JobsRules.Where(rule => !rule.IsValid(jobs)).Select(rule => rule.Message).ToList();
        if (jobProblems.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException(JobsOptions.Section, typeof(JobsOptions), jobProblems);
        }
        return builder;
    }

    private static readonly (Func<JobsOptions, bool> IsValid, string Message)[] JobsRules =
    [
        (o => o.WorkerCount >= 1, "Jobs:WorkerCount must be at least 1."),
        (o => o.QueuePollInterval > TimeSpan.Zero, "Jobs:QueuePollInterval must be a positive duration such as 00:00:01."),
        (o => o.InvisibilityTimeout is null || o.InvisibilityTimeout > TimeSpan.Zero, "Jobs:InvisibilityTimeout must be a positive duration such as 00:05:00."),
    ];

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}

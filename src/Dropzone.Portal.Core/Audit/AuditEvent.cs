namespace Dropzone.Portal.Core.Audit;

/// <summary>Who performed an action.</summary>
public sealed record AuditActor(AuditActorKind Kind, string? Id, string? Upn = null, string? DisplayName = null)
{
    public static AuditActor User(string objectId, string? upn, string? displayName) =>
        new(AuditActorKind.User, objectId, upn, displayName);

    public static AuditActor Job(string jobId, string? name = null) => new(AuditActorKind.Job, jobId, null, name);

    public static AuditActor System { get; } = new(AuditActorKind.System, "portal", null, "Dropzone Portal");
}

/// <summary>What an action was done to.</summary>
public sealed record AuditTarget(string Type, string? Id, string? Display = null)
{
    public static AuditTarget Group(string id, string? name = null) => new(AuditTargetTypes.Group, id, name);
    public static AuditTarget Mailbox(string address) => new(AuditTargetTypes.Mailbox, address, address);
    public static AuditTarget Run(string id, string? display = null) => new(AuditTargetTypes.Run, id, display);
    public static AuditTarget Request(string id, string? display = null) => new(AuditTargetTypes.Request, id, display);
}

/// <summary>
/// What a caller hands to <see cref="AuditTrail.Record"/>. <see cref="Command"/> must already be redacted;
/// long texts are cut to <see cref="AuditEntry.MaxTextLength"/>.
/// </summary>
public sealed record AuditEvent(string Action, AuditActor Actor, AuditOutcome Outcome = AuditOutcome.Succeeded)
{
    public AuditTarget? Target { get; init; }
    public string? GroupId { get; init; }
    public string? Command { get; init; }
    public string? Answer { get; init; }
    public string? RunId { get; init; }
    public string? StepAttemptId { get; init; }
    public string? RequestId { get; init; }
    public string? TraceId { get; init; }
    public string? ClientIp { get; init; }
}

/// <summary>Builds the actor of a signed-in user from the Entra ID token claims.</summary>
public static class AuditActorClaims
{
    private const string ObjectIdClaim = "http://schemas.microsoft.com/identity/claims/objectidentifier";

    public static AuditActor FromPrincipal(System.Security.Claims.ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        string? Claim(params string[] types) => types.Select(user.FindFirst).FirstOrDefault(c => c is not null)?.Value;
        return AuditActor.User(
            Claim("oid", ObjectIdClaim, System.Security.Claims.ClaimTypes.NameIdentifier) ?? user.Identity?.Name ?? "unknown",
            Claim("preferred_username", System.Security.Claims.ClaimTypes.Upn, "upn") ?? user.Identity?.Name,
            Claim("name", System.Security.Claims.ClaimTypes.Name) ?? user.Identity?.Name);
    }
}

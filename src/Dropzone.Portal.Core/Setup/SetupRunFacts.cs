namespace Dropzone.Portal.Core.Setup;

/// <summary>
/// What the steps of a run learned from the tenant, saved with the run after every step so a resumed run
/// (another worker, after a restart) knows what the earlier steps found without asking again.
/// </summary>
public sealed class SetupRunFacts
{
    public string? AppServicePrincipalId { get; set; }

    public string? AppDisplayName { get; set; }

    /// <summary>The group's ExternalDirectoryObjectId (Graph id), the identity later commands use.</summary>
    public string? GroupIdentity { get; set; }

    public string? GroupDistinguishedName { get; set; }

    /// <summary>This run's New-DistributionGroup succeeded (owners and, when they fit, members were set by it).</summary>
    public bool GroupCreatedByRun { get; set; }

    public bool OwnersSetAtCreate { get; set; }

    /// <summary>A create got no clear answer (timeout, transient): it may or may not have happened.</summary>
    public bool GroupCreateAmbiguous { get; set; }

    /// <summary>Exchange said the group exists although it cannot be read yet (replication): only poll from now on.</summary>
    public bool GroupCreateAcknowledged { get; set; }

    public bool MembersSetAtCreate { get; set; }

    /// <summary>This run created the group without members in this very attempt: no need to read its membership back.</summary>
    public bool MembershipKnownEmpty { get; set; }

    /// <summary>The group was seen after creation (replication done).</summary>
    public bool GroupVisible { get; set; }

    public DateTime? ReplicationWaitStartedAt { get; set; }

    /// <summary>The group's creation is in the audit (a create whose answer was lost is recorded when the group is found).</summary>
    public bool GroupCreationAudited { get; set; }

    /// <summary>Requested members already in the group before the run's first member change (null until counted).</summary>
    public int? RequestedMembersBefore { get; set; }

    /// <summary>Members not requested that were in the group before the run's first member change (null until counted).</summary>
    public int? OtherMembersBefore { get; set; }

    /// <summary>Members the run's Member.Added entries account for so far; their counts add up to this.</summary>
    public int MembersAddedAudited { get; set; }

    /// <summary>Members the run's Member.Removed entries account for so far.</summary>
    public int MembersRemovedAudited { get; set; }

    /// <summary>
    /// When a bulk member update that got no clear answer was sent: Exchange may still be applying it until
    /// <see cref="SetupOptions.ExchangeOperationLimit"/> after this, and from then on members are reconciled one by one.
    /// </summary>
    public DateTime? BulkMembersUnansweredAt { get; set; }

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static SetupRunFacts Parse(string json) =>
        string.IsNullOrWhiteSpace(json) ? new() : JsonSerializer.Deserialize<SetupRunFacts>(json, Json) ?? new();

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>How plans are stored: web casing, enums as text, so stored runs stay readable in diagnostics.</summary>
public static class SetupPlanJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static string Serialize(SetupPlan plan) => JsonSerializer.Serialize(plan, Options);

    public static SetupPlan Deserialize(string json) =>
        JsonSerializer.Deserialize<SetupPlan>(json, Options) ?? throw new InvalidOperationException("The run's plan is empty.");
}

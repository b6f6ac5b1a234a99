namespace Dropzone.Portal.Core.Audit;

/// <summary>The <c>Audit</c> configuration section; see docs/audit.md.</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>Archive entries older than this many days; null (the default) keeps everything.</summary>
    public int? ArchiveAfterDays { get; set; }

    /// <summary>Where archive files go; relative paths are under the content root.</summary>
    public string ArchiveFolder { get; set; } = Path.Combine("data", "audit-archive");

    /// <summary>The page counts matches up to this number and then shows "N+".</summary>
    public int CountLimit { get; set; } = 10_000;

    /// <summary>
    /// The checkpoint file (JSON Lines, append-only), outside the database; relative paths are under the content
    /// root. Empty: <c>audit-checkpoints.jsonl</c> beside the database file.
    /// </summary>
    public string CheckpointFile { get; set; } = "";

    /// <summary>Free text on the page searches at most this many of the newest entries (a time range moves the window back).</summary>
    public int FreeTextWindow { get; set; } = 25_000;
}

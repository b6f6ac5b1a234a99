namespace Dropzone.Portal.Core.Audit;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public const string TableName = "AuditEntries";

    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable(TableName);
        // The sequence is the key: on SQLite an INTEGER PRIMARY KEY is the rowid, so ordering by sequence is
        // free, and two writers that chained from the same predecessor collide here instead of forking.
        builder.HasKey(e => e.Sequence);
        builder.Property(e => e.Sequence).ValueGeneratedNever();
        // SQLite hands back DateTime with Kind=Unspecified; the value is UTC by construction.
        builder.Property(e => e.OccurredAt)
               .HasConversion(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
        builder.Property(e => e.ActorKind).HasConversion<string>();
        builder.Property(e => e.Outcome).HasConversion<string>();
        // UPNs are case-insensitive: the collation that makes equality ignore case is the engine's (PortalDatabaseDialect).
        foreach (var column in AuditSchema.Columns)
        {
            if (column.MaxLength is { } maxLength) builder.Property(column.Name).HasMaxLength(maxLength);
        }

        // Every filter index has Sequence right after the filtered column, so "filter, newest first, first page"
        // is an ordered index range scan that stops after one page, whatever the table size. The three
        // low-cardinality filters (action, group, outcome) also carry each other as trailing columns: combining
        // them is then checked inside the index, without reading table rows, which keeps counts cheap.
        builder.HasIndex(e => e.OccurredAt);
        builder.HasIndex(e => new { e.Action, e.Sequence, e.GroupId, e.Outcome });
        builder.HasIndex(e => new { e.GroupId, e.Sequence, e.Action, e.Outcome });
        // "Failures in my group" is the owners' everyday question.
        builder.HasIndex(e => new { e.GroupId, e.Outcome, e.Sequence });
        builder.HasIndex(e => new { e.ActorId, e.Sequence });
        builder.HasIndex(e => new { e.ActorUpn, e.Sequence });
        builder.HasIndex(e => new { e.Outcome, e.Sequence, e.GroupId, e.Action });
        builder.HasIndex(e => new { e.TargetId, e.Sequence });
        builder.HasIndex(e => new { e.RunId, e.Sequence });
        builder.HasIndex(e => new { e.RequestId, e.Sequence });
    }
}

internal sealed class AuditArchiveCutConfiguration : IEntityTypeConfiguration<AuditArchiveCut>
{
    public const string TableName = "AuditArchiveCuts";

    public void Configure(EntityTypeBuilder<AuditArchiveCut> builder)
    {
        builder.ToTable(TableName);
        builder.HasKey(c => c.Id);
        builder.Property(c => c.ThroughHash).HasMaxLength(64);
        builder.Property(c => c.FileSha256).HasMaxLength(64);
        builder.Property(c => c.FileName).HasMaxLength(260);
        builder.Property(c => c.CreatedAt)
               .HasConversion(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
        builder.HasIndex(c => c.ThroughSequence).IsUnique();
    }
}

namespace Dropzone.Portal.Core.Setup.Wizard;

/// <summary>
/// The wizard as an admin left it: one per admin, rewritten on every step so that closing the tab loses nothing.
/// The state is JSON because its shape belongs to the wizard, not to queries.
/// </summary>
public sealed class SetupDraft
{
    public required string OwnerObjectId { get; set; }

    /// <summary>Index of the step the admin was on (0 = application … 5 = review).</summary>
    public int Step { get; set; }

    /// <summary>The furthest step whose checks were passed, so a reopened wizard lets the admin jump as before.</summary>
    public int Furthest { get; set; }

    /// <summary>
    /// Raised by every save, apply and discard; a save names the revision it started from and is refused
    /// when another tab (or a stale, disconnected one) has moved the draft on since.
    /// </summary>
    public long Revision { get; set; }

    /// <summary>
    /// Set when the draft was applied or discarded. The row stays, as a tombstone with its revision, so that
    /// a tab still holding the old values cannot bring the draft back.
    /// </summary>
    public DateTimeOffset? ClosedAt { get; set; }

    public required string StateJson { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class SetupDraftConfiguration : IEntityTypeConfiguration<SetupDraft>
{
    public void Configure(EntityTypeBuilder<SetupDraft> builder)
    {
        builder.ToTable("SetupDrafts");
        builder.HasKey(d => d.OwnerObjectId);
        builder.Property(d => d.OwnerObjectId).HasMaxLength(64);
        builder.Property(d => d.StateJson).IsRequired();
    }
}

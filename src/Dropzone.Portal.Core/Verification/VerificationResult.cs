namespace Dropzone.Portal.Core.Verification;

/// <summary>
/// One mailbox checked against the restriction: what the portal expected (granted for members, denied for
/// outsiders) and what Exchange answered.
/// </summary>
public sealed class VerificationResult
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public Guid GroupId { get; set; }

    /// <summary>The setup run that verified, or null for a scheduled re-verification.</summary>
    public Guid? RunId { get; set; }

    public string Mailbox { get; set; } = "";

    /// <summary>Whether the mailbox is a member (expected Granted / InScope) or an outsider (expected Denied / not in scope).</summary>
    public bool IsMember { get; set; }

    public string Expected { get; set; } = "";

    public string Actual { get; set; } = "";

    public bool Passed { get; set; }

    public DateTime CheckedAt { get; set; }
}

internal sealed class VerificationResultConfiguration : IEntityTypeConfiguration<VerificationResult>
{
    public void Configure(EntityTypeBuilder<VerificationResult> builder)
    {
        builder.ToTable("VerificationResults");
        builder.HasKey(v => v.Id);
        builder.HasIndex(v => new { v.GroupId, v.CheckedAt });
        builder.Property(v => v.Mailbox).HasMaxLength(320).IsRequired();
        builder.Property(v => v.Expected).HasMaxLength(64);
        builder.Property(v => v.Actual).HasMaxLength(512);
    }
}

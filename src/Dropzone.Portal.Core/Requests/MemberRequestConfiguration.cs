namespace Dropzone.Portal.Core.Requests;

internal sealed class MemberRequestConfiguration() : PortalTableConfiguration<MemberRequest>("MemberRequests")
{
    protected override void ConfigureColumns(EntityTypeBuilder<MemberRequest> builder)
    {
        builder.HasOne<ManagedGroup>().WithMany().HasForeignKey(r => r.GroupId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(r => r.Change).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.MailboxAddress).HasMaxLength(320).IsRequired();
        builder.Property(r => r.MailboxObjectId).HasMaxLength(64);
        builder.Property(r => r.MailboxDisplayName).HasMaxLength(256);
        builder.Property(r => r.Justification).HasMaxLength(MemberRequest.MaxJustificationLength).IsRequired();
        builder.Property(r => r.DecisionComment).HasMaxLength(MemberRequest.MaxCommentLength);
        builder.Property(r => r.RequestedByObjectId).HasMaxLength(64).IsRequired();
        builder.Property(r => r.RequestedByUpn).HasMaxLength(320);
        builder.Property(r => r.RequestedByName).HasMaxLength(256);
        builder.Property(r => r.DecidedByObjectId).HasMaxLength(64);
        builder.Property(r => r.DecidedByUpn).HasMaxLength(320);
        builder.Property(r => r.DecidedByName).HasMaxLength(256);
        builder.Property(r => r.FailureReason).HasMaxLength(4000);
        builder.Property(r => r.VerificationResult).HasMaxLength(64);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasIndex(r => new { r.GroupId, r.State });
        builder.HasIndex(r => new { r.RequestedByObjectId, r.RequestedAt });
        builder.HasIndex(r => new { r.GroupId, r.MailboxAddress, r.State });
    }
}

namespace Dropzone.Portal.Core.Groups;

internal sealed class ManagedGroupConfiguration() : PortalTableConfiguration<ManagedGroup>("ManagedGroups")
{
    protected override void ConfigureColumns(EntityTypeBuilder<ManagedGroup> builder)
    {
        builder.Property(g => g.DisplayName).HasMaxLength(ManagedGroup.MaxDisplayNameLength * 4).IsRequired();
        builder.Property(g => g.Alias).HasMaxLength(ManagedGroup.MaxAliasLength).IsRequired();
        builder.Property(g => g.PrimarySmtpAddress).HasMaxLength(320).IsRequired();
        builder.HasIndex(g => g.PrimarySmtpAddress).IsUnique();
        builder.Property(g => g.Description).HasMaxLength(1024);
        builder.Property(g => g.DirectoryObjectId).HasMaxLength(64);
        builder.Property(g => g.DistinguishedName).HasMaxLength(1024);
        builder.Property(g => g.RestrictionMode).HasConversion(m => m.Name, name => new RestrictionMode(name)).HasMaxLength(32);
        builder.Property(g => g.Status).HasConversion<string>().HasMaxLength(32);
        builder.Property(g => g.RestrictedAppId).HasMaxLength(64).IsRequired();
        builder.Property(g => g.RestrictedAppDisplayName).HasMaxLength(256);
        builder.Property(g => g.CreatedByObjectId).HasMaxLength(64);
        builder.Property(g => g.DriftSummary).HasMaxLength(4000);
        builder.Property(g => g.AccessSummary).HasMaxLength(4000);
        builder.HasIndex(g => g.NextCheckAt);

        // A table of their own (not JSON) so "groups this person owns" is an indexed query on any provider.
        builder.OwnsMany(g => g.Owners, owner =>
        {
            owner.ToTable("ManagedGroupOwners");
            owner.WithOwner().HasForeignKey("GroupId");
            owner.Property<int>("Id");
            owner.HasKey("Id");
            owner.Property(o => o.ObjectId).HasMaxLength(64).IsRequired();
            owner.Property(o => o.UserPrincipalName).HasMaxLength(320);
            owner.Property(o => o.DisplayName).HasMaxLength(256);
            owner.HasIndex(o => o.ObjectId);
        });
    }
}

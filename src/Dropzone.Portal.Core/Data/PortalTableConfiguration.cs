namespace Dropzone.Portal.Core.Data;

/// <summary>
/// What every table of the portal's own entities shares: an explicit table name, so that renaming a type or a
/// <see cref="DbSet{TEntity}"/> never renames a table under existing data, and the <c>Id</c> key.
/// </summary>
internal abstract class PortalTableConfiguration<TEntity>(string tableName) : IEntityTypeConfiguration<TEntity>
    where TEntity : class
{
    public void Configure(EntityTypeBuilder<TEntity> builder)
    {
        builder.ToTable(tableName);
        builder.HasKey("Id");
        ConfigureColumns(builder);
    }

    /// <summary>Column sizes, conversions, indexes and relations of this entity.</summary>
    protected abstract void ConfigureColumns(EntityTypeBuilder<TEntity> builder);
}

namespace Dropzone.Portal.Core.Setup;

internal sealed class SetupRunConfiguration() : PortalTableConfiguration<SetupRun>("SetupRuns")
{
    protected override void ConfigureColumns(EntityTypeBuilder<SetupRun> builder)
    {
        builder.Property(r => r.Kind).HasConversion<string>().HasMaxLength(32);
        builder.Property(r => r.State).HasConversion<string>().HasMaxLength(32);
        builder.Property(r => r.PlanJson).IsRequired();
        builder.Property(r => r.FactsJson).IsRequired();
        builder.Property(r => r.CreatedByObjectId).HasMaxLength(64);
        builder.Property(r => r.CreatedByName).HasMaxLength(256);
        builder.Property(r => r.LeaseOwner).HasMaxLength(128);
        builder.Property(r => r.LeaseInstanceId).HasMaxLength(Instances.PortalInstance.MaxIdLength);
        builder.Property(r => r.LeaseGeneration).IsConcurrencyToken();
        builder.Property(r => r.CancelledBy).HasMaxLength(256);
        builder.Property(r => r.FailureMessage).HasMaxLength(SetupRun.MaxMessageLength);
        builder.Property(r => r.FailureRemedy).HasMaxLength(SetupRun.MaxMessageLength);
        builder.HasIndex(r => r.GroupId);
        // Start-up recovery looks for unfinished runs.
        builder.HasIndex(r => r.State);
        builder.HasMany(r => r.Steps).WithOne().HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(r => r.IsFinished);
    }
}

internal sealed class SetupStepConfiguration() : PortalTableConfiguration<SetupStep>("SetupSteps")
{
    protected override void ConfigureColumns(EntityTypeBuilder<SetupStep> builder)
    {
        builder.HasIndex(s => new { s.RunId, s.Index }).IsUnique();
        builder.Property(s => s.Kind).HasConversion(k => k.Name, name => new SetupStepKind(name)).HasMaxLength(64);
        builder.Property(s => s.State).HasConversion<string>().HasMaxLength(32);
        builder.Property(s => s.Title).HasMaxLength(256);
        builder.Property(s => s.LastCommand).HasMaxLength(SetupRun.MaxMessageLength);
        builder.Property(s => s.LastAnswer).HasMaxLength(SetupRun.MaxMessageLength);
        builder.Property(s => s.Summary).HasMaxLength(SetupRun.MaxMessageLength);
        builder.HasMany(s => s.AttemptLog).WithOne().HasForeignKey(a => a.StepId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class StepAttemptConfiguration() : PortalTableConfiguration<StepAttempt>("StepAttempts")
{
    protected override void ConfigureColumns(EntityTypeBuilder<StepAttempt> builder)
    {
        builder.HasIndex(a => new { a.StepId, a.Number }).IsUnique();
        builder.HasIndex(a => a.RunId);
        builder.Property(a => a.Outcome).HasConversion<string>().HasMaxLength(32);
        builder.Property(a => a.Commands).HasMaxLength(16_000);
        builder.Property(a => a.Answer).HasMaxLength(16_000);
        builder.Property(a => a.WorkerId).HasMaxLength(128);
    }
}

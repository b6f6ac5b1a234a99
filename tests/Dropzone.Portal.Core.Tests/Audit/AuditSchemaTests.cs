using System.Reflection;
using System.Text.Json;

namespace Dropzone.Portal.Core.Tests.Audit;

public sealed class AuditSchemaTests
{
    [Fact]
    public void Columns_EveryEntryPropertyExactlyOnce()
    {
        var properties = typeof(AuditEntry).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name);

        Assert.Equal(properties.Order(), AuditSchema.Columns.Select(c => c.Name).Order());
    }

    [Fact]
    public void Hash_IsTheLastColumnAndTheOnlyOneNotHashed()
    {
        // The raw scanner selects every column and hashes the first Hashed.Count of them.
        Assert.Equal(AuditSchema.Columns.Count - 1, AuditSchema.HashIndex);
        Assert.Equal(AuditSchema.HashIndex - 1, AuditSchema.PreviousHashIndex);
        Assert.Equal(AuditSchema.Columns.Take(AuditSchema.HashIndex), AuditSchema.Hashed);
    }

    [Theory, OnSqlite, OnPostgreSql]
    public async Task EfMapping_SameColumnsAndLengthsAsTheSchema(PortalDatabaseProvider provider)
    {
        await using var database = await AuditDatabase.CreateAsync(provider);
        await using var db = database.CreateDbContext();
        var entity = db.Model.FindEntityType(typeof(AuditEntry))!;

        foreach (var column in AuditSchema.Columns)
        {
            var property = entity.FindProperty(column.Name)!;
            Assert.Equal(column.Name, property.GetColumnName());
            Assert.Equal(column.MaxLength, property.GetMaxLength());
            Assert.Equal(column.Nullable, property.IsNullable);
        }
        Assert.Equal(AuditSchema.Columns.Count, entity.GetProperties().Count());
    }

    [Fact]
    public void ExportNames_CamelCasePropertyNames()
    {
        var output = new MemoryStream();
        using (var json = new Utf8JsonWriter(output)) AuditExporter.WriteJson(json, Sample());

        using var document = JsonDocument.Parse(output.ToArray());
        Assert.Equal(
            ["sequence", "occurredAt", "actorKind", "actorId", "actorUpn", "actorName", "action", "targetType", "targetId",
             "targetDisplay", "groupId", "outcome", "command", "answer", "runId", "stepAttemptId", "requestId", "traceId",
             "clientIp", "previousHash", "hash"],
            document.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void JsonLine_RoundTripsEveryField()
    {
        var entry = Sample();
        var output = new MemoryStream();
        using (var json = new Utf8JsonWriter(output)) AuditExporter.WriteJson(json, entry);

        var read = AuditExporter.ReadJson(output.ToArray());

        Assert.All(AuditSchema.Columns, c => Assert.Equal(c.Format(entry), c.Format(read)));
        Assert.Equal(Encoding.UTF8.GetString(AuditChain.CanonicalBytes(entry)), Encoding.UTF8.GetString(AuditChain.CanonicalBytes(read)));
    }

    [Fact]
    public void Actions_AllOffersEveryDeclaredActionOnce()
    {
        var declared = typeof(AuditActions).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetValue(null)!).ToList();

        Assert.Equal(declared.Order(), AuditActions.All.Order());
        Assert.Equal(AuditActions.All.Count, AuditActions.All.Distinct().Count());
        Assert.Contains("Request.Retried", AuditActions.All);
        Assert.Equal(AuditActions.GroupCreated, AuditActions.All[0]);
    }

    private static AuditEntry Sample() => new()
    {
        Sequence = 42,
        OccurredAt = new DateTime(2026, 11, 27, 10, 0, 0, DateTimeKind.Utc).AddTicks(1_234_560),
        ActorKind = AuditActorKind.Job,
        ActorId = "job-1",
        ActorName = "Nightly «job»",
        Action = AuditActions.RequestRetried,
        TargetType = AuditTargetTypes.Request,
        TargetId = "r-1",
        TargetDisplay = "",
        GroupId = "g-1",
        Outcome = AuditOutcome.Skipped,
        Command = "line one\nline two",
        Answer = "ok",
        RunId = "run-1",
        StepAttemptId = "a-1",
        RequestId = "r-1",
        TraceId = "t-1",
        ClientIp = "10.0.0.1",
        PreviousHash = new string('a', 64),
        Hash = new string('b', 64),
    };
}

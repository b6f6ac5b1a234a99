using Dropzone.Portal.Core.Audit;
using Dropzone.Portal.Core.Data;
using Dropzone.Portal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

/// <summary>
/// <c>audit --entries N [--provider PostgreSql] [--db path [--reuse]] [--keep]</c>: seeds a SQLite file (or a database on a
/// private PostgreSQL cluster, see <see cref="Dropzone.Portal.Testing.PostgreSqlServer"/>) through the real write path (batched),
/// then measures filtered first pages, a whole-set CSV export and a chain verification, and prints one RESULT line.
/// </summary>
internal static class AuditScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var entries = int.Parse(Option(args, "--entries") ?? "1000000", CultureInfo.InvariantCulture);
        var folder = Path.Combine(Path.GetTempPath(), "dropzone-audit-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var path = Option(args, "--db") ?? Path.Combine(folder, "portal.db");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var provider = Enum.Parse<PortalDatabaseProvider>(Option(args, "--provider") ?? nameof(PortalDatabaseProvider.Sqlite), ignoreCase: true);
        var server = provider == PortalDatabaseProvider.PostgreSql ? await Dropzone.Portal.Testing.PostgreSqlServer.GetAsync() : null;
        var connectionString = server is not null
            ? await server.CreateDatabaseAsync("audit-bench")
            : new SqliteConnectionStringBuilder { DataSource = path, Pooling = true }.ToString();
        // Keyed like the portal: the verification rate below is HMAC-SHA256's.
        var key = AuditChainKey.Generate();
        var options = new DbContextOptionsBuilder<PortalDbContext>()
            .UsePortalDatabase(provider, connectionString).AddInterceptors(new SqliteConnectionPragmas()).UseAuditChainKey(key).Options;
        var factory = new Factory(options);
        var clock = new SteppingClock(DateTimeOffset.UtcNow.AddSeconds(-entries), TimeSpan.FromSeconds(1));
        var trail = new AuditTrail(clock);
        var auditOptions = Options.Create(new AuditOptions { CheckpointFile = Path.Combine(folder, "audit-checkpoints.jsonl") });
        var query = new AuditQueryService(factory, auditOptions);
        var verifier = new AuditVerifier(factory, key, new AuditCheckpointLog(auditOptions, key, TimeProvider.System), TimeProvider.System);
        try
        {
            await using (var db = factory.CreateDbContext())
            {
                if (server is null) await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
                await db.Database.MigrateAsync();
            }

            var seed = Stopwatch.StartNew();
            await using (var db = factory.CreateDbContext())
            {
                // --reuse: measure again on a file seeded by an earlier --keep run (seed_s is then 0).
                if (!(args.Contains("--reuse") && await db.AuditEntries.AnyAsync()))
                {
                    await trail.AppendBatchAsync(db, Events(entries));
                }
            }
            seed.Stop();
            if (server is not null)
            {
                // Fresh statistics after the bulk load, as autovacuum would gather them shortly after.
                await using var db = factory.CreateDbContext();
                await db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE \"AuditEntries\"");
            }
            Console.Error.WriteLine($"seeded {entries} in {seed.Elapsed.TotalSeconds:F1}s");

            if (args.Contains("--diagnose")) await DiagnoseAsync(factory);
            DateTimeOffset newest;
            await using (var db = factory.CreateDbContext())
            {
                newest = new DateTimeOffset(await db.AuditEntries.MaxAsync(e => e.OccurredAt), TimeSpan.Zero);
            }
            var (p50, p95) = await MeasurePagesAsync(query, newest);
            var (rowsPerSecond, peakMb) = await MeasureExportAsync(query);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var verify = Stopwatch.StartNew();
            var result = await verifier.VerifyAsync();
            verify.Stop();
            // CPU time as well as wall time: on a shared machine the wall rate mostly measures the neighbours.
            Console.Error.WriteLine($"verify: {entries / (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds:F0} entries per CPU-second");
            if (!result.Intact || result.EntriesChecked != entries) throw new InvalidOperationException(result.Summary);

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT audit provider={provider} entries={entries} seed_s={seed.Elapsed.TotalSeconds:F1} page_p50_ms={p50:F1} page_p95_ms={p95:F1} export_rows_per_s={rowsPerSecond:F0} export_peak_mb={peakMb:F1} verify_entries_per_s={entries / verify.Elapsed.TotalSeconds:F0}"));
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (server is not null) await server.DropDatabaseAsync(connectionString);
            if (!args.Contains("--keep") && Option(args, "--db") is null) Directory.Delete(folder, recursive: true);
        }
    }

    private static readonly string[] Actions = [.. AuditActions.All.Where(a => !a.StartsWith("Audit.", StringComparison.Ordinal))];

    /// <summary>A plausible mix: 40 groups, 150 users and a few jobs, runs of 20 steps, 3% failures, some requests.</summary>
    private static IEnumerable<AuditEvent> Events(int count)
    {
        var random = new Random(7);
        for (var i = 0; i < count; i++)
        {
            var group = "group-" + random.Next(40).ToString("D2", CultureInfo.InvariantCulture);
            var mailbox = $"user{random.Next(20_000)}@contoso.com";
            var userActor = random.Next(4) > 0;
            var actor = userActor
                ? AuditActor.User($"oid-{random.Next(150):D4}", $"user{random.Next(150)}@contoso.com", "Portal User")
                : AuditActor.Job($"job-{random.Next(5)}", "Setup runner");
            var roll = random.Next(100);
            yield return new AuditEvent(Actions[random.Next(Actions.Length)], actor,
                roll < 3 ? AuditOutcome.Failed : roll < 4 ? AuditOutcome.Denied : AuditOutcome.Succeeded)
            {
                Target = AuditTarget.Mailbox(mailbox),
                GroupId = group,
                Command = $"Add-DistributionGroupMember -Identity '{group}' -Member '{mailbox}' -BypassSecurityGroupManagerCheck",
                Answer = roll < 3 ? "The operation couldn't be performed because object couldn't be found." : "Succeeded",
                RunId = "run-" + (i / 20).ToString(CultureInfo.InvariantCulture),
                StepAttemptId = "attempt-" + i.ToString(CultureInfo.InvariantCulture),
                RequestId = i % 50 == 0 ? "req-" + (i / 50).ToString(CultureInfo.InvariantCulture) : null,
                TraceId = userActor ? Guid.NewGuid().ToString("N") : null,
                ClientIp = userActor ? "10.0.0." + random.Next(1, 255).ToString(CultureInfo.InvariantCulture) : null,
            };
        }
    }

    private static async Task<(double P50, double P95)> MeasurePagesAsync(AuditQueryService query, DateTimeOffset end)
    {
        var cases = new (AuditFilter Filter, AuditPageRequest Page)[]
        {
            (AuditFilter.None, new()),
            (AuditFilter.None, new(Page: 3)),
            (AuditFilter.None, new(Sort: AuditSort.Action, Descending: false)),
            (new() { Action = AuditActions.MemberAdded }, new()),
            (new() { GroupId = "group-07" }, new()),
            (new() { Outcome = AuditOutcome.Failed }, new()),
            (new() { Actor = "user42@contoso.com" }, new()),
            (new() { Actor = "job-3" }, new()),
            (new() { GroupId = "group-11", Outcome = AuditOutcome.Failed }, new()),
            (new() { Action = AuditActions.RequestApproved, GroupId = "group-03" }, new()),
            (new() { From = end.AddDays(-1), To = end }, new()),
            (new() { From = end.AddDays(-3), To = end.AddDays(-2), GroupId = "group-05" }, new()),
            (new() { RunId = "run-12345" }, new()),
            (new() { RequestId = "req-777" }, new()),
            (new() { Text = "user1234@contoso.com" }, new()),
            (new() { GroupId = "group-09", Text = "couldn't be found" }, new()),
        };
        // Free text is a bounded LIKE scan (docs/audit.md), reported apart from the indexed filters' percentiles.
        var samples = new List<double>();
        var textSamples = new List<double>();
        foreach (var (filter, page) in cases)
        {
            await query.GetPageAsync(filter, AuditScope.All, page);
            for (var run = 0; run < 5; run++)
            {
                var watch = Stopwatch.StartNew();
                await query.GetPageAsync(filter, AuditScope.All, page);
                (filter.Text is null ? samples : textSamples).Add(watch.Elapsed.TotalMilliseconds);
            }
            Console.Error.WriteLine($"page {Describe(filter, page)}: {(filter.Text is null ? samples : textSamples)[^1]:F1} ms");
        }
        samples.Sort();
        textSamples.Sort();
        Console.Error.WriteLine($"free_text_p50_ms={Percentile(textSamples, 0.50):F1} free_text_p95_ms={Percentile(textSamples, 0.95):F1}");
        return (Percentile(samples, 0.50), Percentile(samples, 0.95));
    }

    private static string Describe(AuditFilter filter, AuditPageRequest page) =>
        string.Join(" ", new[]
        {
            filter.From is { } from ? $"from={from:yyyy-MM-dd}" : null, filter.To is { } to ? $"to={to:yyyy-MM-dd}" : null,
            filter.Actor is { } actor ? $"actor={actor}" : null, filter.Action is { } action ? $"action={action}" : null,
            filter.GroupId is { } group ? $"group={group}" : null, filter.Outcome is { } outcome ? $"outcome={outcome}" : null,
            filter.RunId is { } run ? $"run={run}" : null, filter.RequestId is { } request ? $"request={request}" : null,
            filter.Text is { } text ? $"text='{text}'" : null, $"page={page.Page}", $"sort={page.Sort}",
        }.Where(part => part is not null));

    private static async Task<(double RowsPerSecond, double PeakMb)> MeasureExportAsync(AuditQueryService query)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var baseline = process.WorkingSet64;
        long peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
            while (await timer.WaitForNextTickAsync(sampling.Token).ConfigureAwait(false))
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
            }
        });
        var cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var rows = await query.ExportAsync(AuditFilter.None, AuditScope.All, AuditExportFormat.Csv, Stream.Null);
        watch.Stop();
        process.Refresh();
        Console.Error.WriteLine($"export: {rows / (process.TotalProcessorTime - cpuBefore).TotalSeconds:F0} rows per CPU-second");
        await sampling.CancelAsync();
        try { await sampler; } catch (OperationCanceledException) { }
        process.Refresh();
        peak = Math.Max(peak, process.WorkingSet64);
        return (rows / watch.Elapsed.TotalSeconds, (peak - baseline) / (1024.0 * 1024.0));
    }

    /// <summary>Where the streaming time goes: reading alone, reading plus hashing, reading plus CSV.</summary>
    private static async Task DiagnoseAsync(IDbContextFactory<PortalDbContext> factory)
    {
        await using var db = factory.CreateDbContext();
        if (Environment.GetEnvironmentVariable("AUDIT_PRAGMA") is { Length: > 0 } pragma)
        {
            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync(pragma);
        }
        var watch = Stopwatch.StartNew();
        long n = 0;
        await foreach (var entry in db.AuditEntries.OrderBy(e => e.Sequence).Select(e => e.Sequence).AsAsyncEnumerable()) n++;
        Console.Error.WriteLine($"keys only: {n / watch.Elapsed.TotalSeconds:F0}/s");
        watch.Restart();
        n = 0;
        await foreach (var entry in AuditEntryReader.StreamAsync(db, db.AuditEntries.OrderBy(e => e.Sequence))) n++;
        Console.Error.WriteLine($"read: {n / watch.Elapsed.TotalSeconds:F0}/s");
        watch.Restart();
        n = 0;
        await foreach (var entry in AuditEntryReader.StreamAsync(db, db.AuditEntries.OrderBy(e => e.Sequence))) if (AuditChain.HashMatches(entry, AuditChainKeyOptions.KeyOf(db))) n++;
        Console.Error.WriteLine($"read+hash: {n / watch.Elapsed.TotalSeconds:F0}/s");
        watch.Restart();
        n = 0;
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT * FROM AuditEntries ORDER BY Sequence";
            await using var reader = await command.ExecuteReaderAsync();
            var columns = reader.FieldCount;
            while (reader.Read())
            {
                for (var i = 1; i < columns; i++) if (!reader.IsDBNull(i)) _ = reader.GetString(i);
                n++;
            }
        }
        Console.Error.WriteLine($"raw ado strings: {n / watch.Elapsed.TotalSeconds:F0}/s");
        var sample = new List<AuditEntry>();
        await foreach (var entry in AuditEntryReader.StreamAsync(db, db.AuditEntries.OrderBy(e => e.Sequence).Take(200_000))) sample.Add(entry);
        watch.Restart();
        await AuditExporter.WriteCsvAsync(sample.ToAsyncEnumerable(), Stream.Null);
        Console.Error.WriteLine($"csv only: {sample.Count / watch.Elapsed.TotalSeconds:F0}/s");
        watch.Restart();
        await AuditExporter.WriteJsonLinesAsync(sample.ToAsyncEnumerable(), Stream.Null);
        Console.Error.WriteLine($"jsonl only: {sample.Count / watch.Elapsed.TotalSeconds:F0}/s");
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private sealed class Factory(DbContextOptions<PortalDbContext> options) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext() => new(options);
    }

    /// <summary>Each reading is one step later, so seeded entries are spread over time like a real history.</summary>
    private sealed class SteppingClock(DateTimeOffset start, TimeSpan step) : TimeProvider
    {
        private long _readings;

        public override DateTimeOffset GetUtcNow() => start + step * Interlocked.Increment(ref _readings);
    }
}

namespace Dropzone.Portal.Features.Audit;

/// <summary>
/// <c>Dropzone.Portal verify-audit-export &lt;export.jsonl&gt; --key-file &lt;audit-chain.key&gt;</c>: checks an export
/// offline with the chain key (see docs/decisions/011-audit-tamper-evidence.md). Exit code 0 when it verifies,
/// 1 when it does not, 2 on wrong usage.
/// </summary>
public static class AuditExportCommand
{
    public const string Name = "verify-audit-export";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var keyAt = args.ToList().IndexOf("--key-file");
        var file = args.Where((a, i) => i != keyAt && i != keyAt + 1).FirstOrDefault();
        if (file is null || keyAt < 0 || keyAt + 1 >= args.Count)
        {
            await output.WriteLineAsync($"Usage: {Name} <export.jsonl> --key-file <audit-chain.key>");
            return 2;
        }
        if (!File.Exists(file) || !File.Exists(args[keyAt + 1]))
        {
            await output.WriteLineAsync($"Not found: {(File.Exists(file) ? args[keyAt + 1] : file)}");
            return 2;
        }
        var key = AuditChainKey.FromFileText(await File.ReadAllTextAsync(args[keyAt + 1]));
        var report = await AuditExportVerifier.VerifyAsync(file, key);
        await output.WriteLineAsync(report.Summary);
        return report.Verified ? 0 : 1;
    }
}

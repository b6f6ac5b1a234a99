namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// The chain's head at a moment, signed with the chain key: "entry <see cref="Sequence"/> had MAC
/// <see cref="HeadHash"/> at <see cref="CreatedAt"/>". Kept outside the database (the checkpoint file and the log)
/// and included in every export, so a history cut short, or cut and continued, no longer matches it.
/// The signed text is "dropzone-audit-checkpoint/1\n" then sequence, head hash, time and key id, each as
/// "&lt;byte count&gt;:&lt;value&gt;;" like the entries' canonical form; <see cref="Mac"/> is its HMAC-SHA256 in hex.
/// </summary>
public sealed record AuditCheckpoint(
    [property: JsonPropertyName("sequence")] long Sequence,
    [property: JsonPropertyName("headHash")] string HeadHash,
    [property: JsonPropertyName("createdAt")] string CreatedAt,
    [property: JsonPropertyName("keyId")] string KeyId,
    [property: JsonPropertyName("mac")] string Mac)
{
    public static AuditCheckpoint Sign(long sequence, string headHash, DateTimeOffset createdAt, AuditChainKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var time = createdAt.UtcDateTime.ToString(AuditChain.TimeFormat, CultureInfo.InvariantCulture);
        var unsigned = new AuditCheckpoint(sequence, headHash, time, key.Id, "");
        return unsigned with { Mac = unsigned.ComputeMac(key) };
    }

    /// <summary>True when the MAC is this checkpoint's under <paramref name="key"/> (so the portal wrote it).</summary>
    public bool IsAuthentic(AuditChainKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var expected = Encoding.ASCII.GetBytes(ComputeMac(key));
        var actual = Encoding.ASCII.GetBytes(Mac ?? "");
        return KeyId == key.Id && CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>One JSON line: <c>{"checkpoint":{…}}</c>, the form of the checkpoint file and of exports.</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(new Line(this));

    /// <summary>Reads a line written by <see cref="ToJsonLine"/>; null when the line is not a checkpoint.</summary>
    public static AuditCheckpoint? FromJsonLine(string line)
    {
        if (!line.Contains("\"checkpoint\"", StringComparison.Ordinal)) return null;
        try
        {
            return JsonSerializer.Deserialize<Line>(line)?.Checkpoint;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private string ComputeMac(AuditChainKey key)
    {
        var text = new StringBuilder("dropzone-audit-checkpoint/1\n");
        foreach (var field in new[] { Sequence.ToString(CultureInfo.InvariantCulture), HeadHash, CreatedAt, KeyId })
        {
            text.Append(CultureInfo.InvariantCulture, $"{Encoding.UTF8.GetByteCount(field ?? "")}:{field};");
        }
        Span<byte> mac = stackalloc byte[SHA256.HashSizeInBytes];
        key.Mac(Encoding.UTF8.GetBytes(text.ToString()), mac);
        return Convert.ToHexStringLower(mac);
    }

    private sealed record Line([property: JsonPropertyName("checkpoint")] AuditCheckpoint Checkpoint);
}

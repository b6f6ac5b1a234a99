using System.Globalization;

namespace Dropzone.Portal.Core.Tests.Audit;

public sealed class AuditChainTests
{
    private static readonly AuditChainKey Key = new(Enumerable.Repeat((byte)7, 32).ToArray());

    private static AuditEntry Sample() => new()
    {
        Sequence = 7,
        OccurredAt = new DateTime(2026, 11, 27, 10, 0, 0, DateTimeKind.Utc).AddTicks(1_234_560),
        ActorKind = AuditActorKind.User,
        ActorId = "oid-1",
        ActorUpn = "ada@contoso.com",
        ActorName = "Ada",
        Action = AuditActions.MemberAdded,
        TargetType = AuditTargetTypes.Mailbox,
        TargetId = "phish@contoso.com",
        GroupId = "g-1",
        Outcome = AuditOutcome.Succeeded,
        Command = "Add-DistributionGroupMember -Identity 'g-1' -Member 'phish@contoso.com'",
        Answer = "ok",
        PreviousHash = AuditChain.GenesisHash,
    };

    [Fact]
    public void CanonicalBytes_SampleEntry_FollowsDocumentedFormat()
    {
        var text = Encoding.UTF8.GetString(AuditChain.CanonicalBytes(Sample()));

        Assert.StartsWith("dropzone-audit/2\n1:7;27:2026-11-27T10:00:00.123456Z;4:User;5:oid-1;15:ada@contoso.com;3:Ada;12:Member.Added;7:mailbox;17:phish@contoso.com;-;3:g-1;9:Succeeded;", text);
        Assert.EndsWith("2:ok;-;-;-;-;-;64:" + AuditChain.GenesisHash + ";", text);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(638_000_000_001_234_567L)]
    [InlineData(3_155_378_975_999_999_999L)]
    public void WriteTime_AnyTime_WritesWhatTheTimeFormatGives(long ticks)
    {
        var time = new DateTime(ticks, DateTimeKind.Utc);
        Span<byte> written = stackalloc byte[32];

        var length = AuditChain.WriteTime(time, written);

        Assert.Equal(time.ToString(AuditChain.TimeFormat, CultureInfo.InvariantCulture), Encoding.UTF8.GetString(written[..length]));
    }

    [Fact]
    public void ComputeHash_SameContent_SameHashAndHex()
    {
        var hash = AuditChain.ComputeHash(Sample(), Key);

        Assert.Equal(hash, AuditChain.ComputeHash(Sample(), Key));
        Assert.Matches("^[0-9a-f]{64}$", hash);
    }

    [Theory]
    [InlineData("sequence")]
    [InlineData("time")]
    [InlineData("actor")]
    [InlineData("command")]
    [InlineData("previous")]
    [InlineData("null-vs-empty")]
    [InlineData("field-boundary")]
    public void ComputeHash_AnyFieldChanged_DifferentHash(string change)
    {
        var original = AuditChain.ComputeHash(Sample(), Key);
        var changed = Sample();
        switch (change)
        {
            case "sequence": changed.Sequence = 8; break;
            case "time": changed.OccurredAt = changed.OccurredAt.AddTicks(10); break;
            case "actor": changed.ActorUpn = "eve@contoso.com"; break;
            case "command": changed.Command += " -Confirm:$false"; break;
            case "previous": changed.PreviousHash = new string('1', 64); break;
            case "null-vs-empty": changed.TargetDisplay = ""; break;
            // Moving text from one field to its neighbour must not keep the hash (the length prefix sees to it).
            case "field-boundary": changed.ActorUpn = "ada@contoso.comAda"; changed.ActorName = ""; break;
        }

        Assert.NotEqual(original, AuditChain.ComputeHash(changed, Key));
    }

    [Fact]
    public void HashMatches_StoredHashOfContent_True()
    {
        var entry = Sample();
        entry.Hash = AuditChain.ComputeHash(entry, Key);

        Assert.True(AuditChain.HashMatches(entry, Key));
        entry.Answer = "tampered";
        Assert.False(AuditChain.HashMatches(entry, Key));
    }

    [Fact]
    public void ComputeHash_IsHmacSha256OfCanonicalFormUnderTheKey()
    {
        var entry = Sample();

        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Enumerable.Repeat((byte)7, 32).ToArray(), AuditChain.CanonicalBytes(entry)));

        Assert.Equal(expected, AuditChain.ComputeHash(entry, Key));
        // Without the key the MAC cannot be recomputed: another key (or plain SHA-256) gives another value.
        Assert.NotEqual(expected, AuditChain.ComputeHash(entry, AuditChainKey.Generate()));
        Assert.NotEqual(expected, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(AuditChain.CanonicalBytes(entry))));
    }

    [Fact]
    public void Truncate_SubMicrosecondTicks_CutToWholeMicroseconds()
    {
        var time = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567);

        var truncated = AuditChain.Truncate(time);

        Assert.Equal(DateTimeKind.Utc, truncated.Kind);
        Assert.Equal(new DateTime(2026, 11, 27, 8, 0, 0, DateTimeKind.Utc).AddTicks(1_234_560), truncated);
    }

    [Fact]
    public void Create_OverlongText_CappedWithMarker()
    {
        var entry = AuditTrail.Create(new AuditEvent(AuditActions.RunFailed, AuditActor.System) { Answer = new string('x', 20_000) }, DateTimeOffset.UnixEpoch);

        Assert.Equal(AuditEntry.MaxTextLength, entry.Answer!.Length);
        Assert.EndsWith("[truncated]", entry.Answer);
    }
}

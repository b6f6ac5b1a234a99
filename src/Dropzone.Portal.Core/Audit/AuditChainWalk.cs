namespace Dropzone.Portal.Core.Audit;

/// <summary>
/// The walk the raw chain scanners share (<see cref="SqliteChainScanner"/>, <see cref="PostgreSqlChainScanner"/>):
/// each reads rows in sequence order as the engine holds them, builds their canonical bytes (exactly
/// <see cref="AuditChain"/>'s form, which the tests check against the entity path) and adds them here with the
/// stored hash and previous hash as ASCII. The MAC, the link to the previous row and the classification of the
/// first break (<see cref="AuditVerifier.Classify"/>) are decided here only.
/// <para>
/// Rows are checked in batches: while the scanner reads the next batch, the MACs of the last one are computed on
/// another thread (the MAC costs about as much as reading). The links are then checked in order on the scanner's
/// thread, so the first break, the count before it and the head are exactly those of a row-by-row walk.
/// </para>
/// </summary>
internal sealed class AuditChainWalk(AuditChainKey key, long afterSequence, string startHash) : IAsyncDisposable
{
    private const int BatchRows = 2048;

    // One reusable MAC context, used by one batch at a time: creating one per entry costs about as much as hashing.
    private readonly IncrementalHash _mac = key.CreateMac();
    private Batch _filling = new();
    private Batch? _hashing;
    private Task? _hashed;
    private byte[] _expectedPrevious = System.Text.Encoding.ASCII.GetBytes(startHash);
    private long _expectedSequence = afterSequence + 1;
    private long _checked;
    private AuditVerificationResult? _broken;

    /// <summary>Adds the next row; returns true when its batch is full and <see cref="CheckBatchAsync"/> is due.</summary>
    public bool Add(long sequence, ReadOnlySpan<byte> canonical, ReadOnlySpan<byte> storedHash, ReadOnlySpan<byte> previousHash) =>
        _filling.Add(sequence, canonical, storedHash, previousHash) >= BatchRows;

    /// <summary>
    /// Starts the MACs of the filled batch and checks the links of the one before; returns true when those broke,
    /// so reading can stop (<see cref="FinishAsync"/> reports the break).
    /// </summary>
    public async ValueTask<bool> CheckBatchAsync()
    {
        if ((_broken = await LinkHashedAsync()) is not null) return true;
        // The batch linked above is free again.
        var batch = _filling;
        (_hashing, _filling) = (batch, _hashing ?? new Batch());
        _filling.Clear();
        _hashed = Task.Run(() => batch.Hash(_mac));
        return false;
    }

    /// <summary>Checks what is left and returns the scan's outcome: the first break (or null), the rows that verified before it and the last link checked.</summary>
    public async ValueTask<AuditChainScan> FinishAsync()
    {
        var broken = _broken ?? await LinkHashedAsync();
        if (broken is null)
        {
            // The last batch is usually short (or the whole chain is): not worth another thread.
            _filling.Hash(_mac);
            broken = Link(_filling);
        }
        return new(broken, _checked, _expectedSequence - 1, System.Text.Encoding.ASCII.GetString(_expectedPrevious));
    }

    public async ValueTask DisposeAsync()
    {
        // The MAC context may still be in use by a batch when a scan ends early (an error or a cancellation).
        if (_hashed is not null) await _hashed.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _mac.Dispose();
    }

    private async ValueTask<AuditVerificationResult?> LinkHashedAsync()
    {
        if (_hashed is null) return null;
        await _hashed;
        _hashed = null;
        return Link(_hashing!);
    }

    private AuditVerificationResult? Link(Batch batch)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var sequence = batch.Sequences[i];
            var broken = AuditVerifier.Classify(sequence, _expectedSequence,
                hashMatches: batch.HashMatches[i], namesPredecessor: batch.PreviousHash(i).SequenceEqual(_expectedPrevious));
            if (broken is not null) return broken;
            var hash = batch.StoredHash(i);
            if (_expectedPrevious.Length != hash.Length) _expectedPrevious = new byte[hash.Length];
            hash.CopyTo(_expectedPrevious);
            _expectedSequence = sequence + 1;
            _checked++;
        }
        return null;
    }

    /// <summary>Rows laid end to end in one buffer: canonical bytes, stored hash, previous hash.</summary>
    private sealed class Batch
    {
        private byte[] _bytes = new byte[BatchRows * 640];
        private int _used;
        private readonly int[] _starts = new int[BatchRows * 3 + 1];

        public long[] Sequences { get; } = new long[BatchRows];
        public bool[] HashMatches { get; } = new bool[BatchRows];
        public int Count { get; private set; }

        public int Add(long sequence, ReadOnlySpan<byte> canonical, ReadOnlySpan<byte> storedHash, ReadOnlySpan<byte> previousHash)
        {
            var needed = canonical.Length + storedHash.Length + previousHash.Length;
            if (_bytes.Length - _used < needed) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + needed));
            Sequences[Count] = sequence;
            Append(canonical, 3 * Count);
            Append(storedHash, 3 * Count + 1);
            Append(previousHash, 3 * Count + 2);
            return ++Count;
        }

        public void Clear() => (Count, _used) = (0, 0);

        public ReadOnlySpan<byte> StoredHash(int row) => Part(3 * row + 1);

        public ReadOnlySpan<byte> PreviousHash(int row) => Part(3 * row + 2);

        /// <summary>Whether each row's stored hash is the lowercase hex MAC of its canonical bytes.</summary>
        public void Hash(IncrementalHash mac)
        {
            Span<byte> computed = stackalloc byte[SHA256.HashSizeInBytes];
            Span<byte> hex = stackalloc byte[SHA256.HashSizeInBytes * 2];
            for (var i = 0; i < Count; i++)
            {
                mac.AppendData(Part(3 * i));
                mac.GetHashAndReset(computed);
                ToHex(computed, hex);
                HashMatches[i] = StoredHash(i).SequenceEqual(hex);
            }
        }

        private void Append(ReadOnlySpan<byte> value, int part)
        {
            _starts[part] = _used;
            value.CopyTo(_bytes.AsSpan(_used));
            _used += value.Length;
            _starts[part + 1] = _used;
        }

        private ReadOnlySpan<byte> Part(int part) => _bytes.AsSpan(_starts[part], _starts[part + 1] - _starts[part]);

        private static void ToHex(ReadOnlySpan<byte> bytes, Span<byte> hex)
        {
            const string digits = "0123456789abcdef";
            for (var i = 0; i < bytes.Length; i++)
            {
                hex[2 * i] = (byte)digits[bytes[i] >> 4];
                hex[2 * i + 1] = (byte)digits[bytes[i] & 0xF];
            }
        }
    }
}

namespace Dropzone.TenantEmulator.Exchange;

/// <summary>
/// Server-side cursors behind <c>@odata.nextLink</c>: the output of a cmdlet that spans pages is kept for the
/// link's lifetime, and each next page is served from it, as an OData service pages a result it computed once.
/// Without it every page re-ran the cmdlet over the whole directory (a 10,000-mailbox listing built its
/// 10,000 rows eleven times). A link past its lifetime, or a cursor evicted by newer ones, is refused as expired.
/// </summary>
internal sealed class PagingCursors(TimeProvider time, TimeSpan lifetime, int capacity = 32)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (List<JsonObject> Rows, DateTimeOffset Expires)> _cursors = new(StringComparer.Ordinal);

    /// <summary>Keeps <paramref name="rows"/> and answers the token of the page at <paramref name="offset"/>.</summary>
    public string Open(List<JsonObject> rows, int offset)
    {
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        var expires = time.GetUtcNow() + lifetime;
        lock (_gate)
        {
            foreach (var stale in _cursors.Where(c => c.Value.Expires <= time.GetUtcNow()).Select(c => c.Key).ToList())
            {
                _cursors.Remove(stale);
            }

            if (_cursors.Count >= capacity)
            {
                _cursors.Remove(_cursors.MinBy(c => c.Value.Expires).Key);
            }

            _cursors[id] = (rows, expires);
        }

        return Token(id, offset, expires);
    }

    /// <summary>The token of a later page of the same cursor.</summary>
    public static string Next(string token, int offset)
    {
        var parts = token.Split('.');
        return string.Create(CultureInfo.InvariantCulture, $"{parts[0]}.{offset}.{parts[2]}");
    }

    /// <summary>The rows and offset a token names, or false when it is malformed, expired or evicted.</summary>
    public bool TryRead(string token, out List<JsonObject> rows, out int offset)
    {
        rows = [];
        offset = 0;
        var parts = token.Split('.');
        if (parts.Length != 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out offset)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || DateTimeOffset.FromUnixTimeSeconds(expires) <= time.GetUtcNow())
        {
            return false;
        }

        lock (_gate)
        {
            if (!_cursors.TryGetValue(parts[0], out var cursor))
            {
                return false;
            }

            rows = cursor.Rows;
            return true;
        }
    }

    private static string Token(string id, int offset, DateTimeOffset expires) =>
        string.Create(CultureInfo.InvariantCulture, $"{id}.{offset}.{expires.ToUnixTimeSeconds()}");
}

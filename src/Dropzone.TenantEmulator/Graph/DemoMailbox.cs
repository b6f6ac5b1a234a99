namespace Dropzone.TenantEmulator.Graph;

/// <summary>A few fixed messages per mailbox, so a demo of "Dropzone reads the phishing inbox" has something to read.</summary>
internal static class DemoMailbox
{
    public static IEnumerable<JsonObject> MessagesFor(DirectoryObject mailbox)
    {
        string[] subjects = mailbox.Alias == "phishing-reports"
            ? ["FW: Your mailbox is almost full - verify now", "FW: Invoice 4471 overdue (attachment)", "FW: CEO: urgent gift card request"]
            : ["Weekly update", "Lunch on Friday?"];
        for (var i = 0; i < subjects.Length; i++)
        {
            yield return new JsonObject
            {
                ["id"] = $"{mailbox.Id:N}-{i}",
                ["subject"] = subjects[i],
                ["from"] = new JsonObject { ["emailAddress"] = new JsonObject { ["address"] = $"{DemoTenant.People[(i + 4) % DemoTenant.People.Count].Alias}@{DemoTenant.Domain}" } },
                ["receivedDateTime"] = new DateTime(2026, 11, 20 + i, 8, 30, 0, DateTimeKind.Utc).ToString("o", CultureInfo.InvariantCulture),
                ["isRead"] = false,
            };
        }
    }
}

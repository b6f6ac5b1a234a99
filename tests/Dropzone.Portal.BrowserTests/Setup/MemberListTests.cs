using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace Dropzone.Portal.BrowserTests.Setup;

[Collection(PortalBrowserCollection.Name)]
public sealed class MemberListTests(PortalBrowserFixture fixture, ITestOutputHelper output)
{
    private const int Rows = 10_000;

    [BrowserFact]
    public async Task TenThousandPastedAddresses_AreCheckedWithProgress_ProblemsPagedAndDownloadable()
    {
        var page = await WizardDriver.OpenFreshAsync(fixture);
        await WizardDriver.ToMembersStepAsync(page, "Ten thousand rows");

        // 25 real demo mailboxes, then addresses nobody has, and every 1,000th row not an address at all.
        string[] known = ["ann", "ben", "cara", "dev", "eli", "fay", "gus", "hana", "ivan", "jo", "kai", "lena", "milo", "nia", "omar", "pia", "quin", "rosa", "seth", "tara", "uri", "vera", "wes", "xena", "yuri"];
        var list = new StringBuilder("address\n");
        for (var i = 0; i < Rows; i++)
        {
            list.Append(i < known.Length ? $"{known[i]}.archer@{DemoTenant.Domain}"
                : i % 1000 == 999 ? $"not-an-address-{i}"
                : $"nobody{i}@{DemoTenant.Domain}").Append('\n');
        }
        // As a paste lands: the whole text at once (typing 300 KB key by key would test the keyboard, not the page).
        await WizardDriver.Field(page, "csv-text", "textarea").EvaluateAsync(
            "(box, text) => { box.value = text; box.dispatchEvent(new Event('input', { bubbles: true })); }", list.ToString());

        // The progress bar may live for well under a second: a DOM observer notes every text it showed.
        await page.EvaluateAsync(@"() => {
            window.progressSeen = [];
            new MutationObserver(() => {
                const bar = document.querySelector('[data-testid=csv-progress]');
                if (bar) { window.progressSeen.push(bar.textContent); }
            }).observe(document.body, { childList: true, subtree: true, characterData: true });
        }");
        var watch = Stopwatch.StartNew();
        await page.GetByTestId("csv-check").ClickAsync();
        await Assertions.Expect(page.GetByTestId("csv-counts")).ToContainTextAsync("10,000 rows: 25 valid", new() { Timeout = 60_000 });
        watch.Stop();
        // The page's own figure (read, parse, directory lookups), and the admin's wait from click to counts.
        var checkMs = long.Parse((await page.GetByTestId("csv-duration").GetAttributeAsync("data-ms"))!, System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"Checked {Rows:N0} pasted rows: {checkMs:N0} ms on the server, {watch.ElapsedMilliseconds:N0} ms from click to counts in the browser.");
        // How fast is for the report (the line above), not an assertion: a loaded machine must not fail the build.
        var progressSeen = await page.EvaluateAsync<string[]>("() => window.progressSeen");
        Assert.Contains(progressSeen, text => text.Contains("Checking the list", StringComparison.Ordinal));

        // The circuit survived: the members count and the step's buttons answer.
        await Assertions.Expect(page.GetByTestId("member-total")).ToContainTextAsync("25 members");
        await Assertions.Expect(page.GetByTestId("csv-counts")).ToContainTextAsync("10 invalid address");

        // Problem rows are paged, 25 at a time, with their line numbers (the header is line 1).
        var problems = page.GetByTestId("csv-problems");
        await Assertions.Expect(problems.GetByTestId("csv-problem")).ToHaveCountAsync(25);
        await Assertions.Expect(problems.Locator("tbody tr").First).ToContainTextAsync("27");
        await problems.Locator("button[aria-label='Next page']").ClickAsync();
        await Assertions.Expect(problems.Locator("tbody tr").First).ToContainTextAsync("52");
        await PortalBrowserFixture.ScreenshotAsync(page, "wizard-members-10000");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("csv-problems-download").ClickAsync());
        var lines = await File.ReadAllLinesAsync(await download.PathAsync());
        Assert.Equal("line,value,problem,reason", lines[0]);
        Assert.Equal(Rows - known.Length + 1, lines.Length);
        Assert.Equal($"27,nobody25@{DemoTenant.Domain},Unknown,No user or mailbox with this address in the tenant.", lines[1]);
        Assert.Contains(lines, l => l.StartsWith("1001,not-an-address-999,InvalidAddress,", StringComparison.Ordinal));

        await page.GetByTestId("wizard-next").ClickAsync();
        await Assertions.Expect(page.GetByTestId("restriction-mode")).ToBeVisibleAsync();
    }

    [BrowserFact]
    public async Task UploadedListOfTenThousand_IsCheckedLikeAPastedOne()
    {
        var page = await WizardDriver.OpenFreshAsync(fixture);
        await WizardDriver.ToMembersStepAsync(page, "Uploaded rows");
        var list = string.Join('\n', Enumerable.Range(0, Rows).Select(i => i == 0 ? $"ann.archer@{DemoTenant.Domain}" : $"nobody{i}@{DemoTenant.Domain}"));

        await page.GetByTestId("csv-file").SetInputFilesAsync(new FilePayload { Name = "members.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(list) });

        await Assertions.Expect(page.GetByTestId("csv-counts")).ToContainTextAsync("10,000 rows: 1 valid", new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("member-total")).ToContainTextAsync("1 members");
    }
}

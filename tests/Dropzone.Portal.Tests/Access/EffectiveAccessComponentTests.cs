using AngleSharp.Dom;
using Dropzone.Portal.Components.Pages.Access;
using Dropzone.Portal.Core.Access;
using Dropzone.Portal.Features.Access;

namespace Dropzone.Portal.Tests.Access;

/// <summary>The effective access page's parts, rendered over verdicts the evaluator computed from a small tenant.</summary>
public sealed class EffectiveAccessComponentTests : PortalComponentContext, IAsyncLifetime
{
    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor's table services dispose only asynchronously.
    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    private static readonly MailboxRef Ceo = new("ceo-office@contoso.example", "11111111-0000-0000-0000-000000000001", "CEO Office");
    private static readonly MailboxRef Phishing = new("phishing@contoso.example", "11111111-0000-0000-0000-000000000002", "Phishing reports");
    private static readonly MailboxRef Legal = new("legal@contoso.example", "11111111-0000-0000-0000-000000000003", "Legal");

    /// <summary>Mail.Read for the whole tenant; with <paramref name="restricted"/>, a RestrictAccess policy on the phishing mailbox's group.</summary>
    private static EffectiveAccess Evaluate(bool restricted) => EffectiveAccessEvaluator.Evaluate(new AccessSources(
        DemoTenant.RestrictedAppId, "Dropzone AI", [MailPermissions.MailRead],
        restricted ? [new PolicySource("policy-1", "RestrictAccess", "Phishing group", MailboxSet.Of([Phishing]), IsPortals: true)] : [],
        [], [Ceo, Phishing, Legal]));

    private static IElement Input<T>(IRenderedComponent<T> component, string testId) where T : IComponent
    {
        var element = component.Find($"[data-testid={testId}]");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }

    [Fact]
    public void MailboxCheck_OutsideTheRestriction_CannotReadWithThePolicyThatDecided()
    {
        var check = Render<MailboxAccessCheck>(p => p.Add(c => c.Access, Evaluate(restricted: true)));

        Input(check, "access-check-input").Input("CEO-Office@contoso.example");
        check.Find("[data-testid=access-check]").Click();

        Assert.Contains("Dropzone AI cannot read it", check.Find("[data-testid=access-check-verdict]").TextContent, StringComparison.Ordinal);
        var reasons = check.Find("[data-testid=access-check-reasons]").TextContent;
        Assert.Contains("Mail.Read", reasons, StringComparison.Ordinal);
        Assert.Contains("RestrictAccess policies exist", reasons, StringComparison.Ordinal);
    }

    [Fact]
    public void MailboxCheck_ByObjectIdInsideTheRestriction_CanReadAllowedByThePolicy()
    {
        var check = Render<MailboxAccessCheck>(p => p.Add(c => c.Access, Evaluate(restricted: true)));

        Input(check, "access-check-input").Input(Phishing.ObjectId!);
        check.Find("[data-testid=access-check]").Click();

        Assert.Contains("Dropzone AI can read it", check.Find("[data-testid=access-check-verdict]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Allowed by the RestrictAccess policy on Phishing group", check.Find("[data-testid=access-check-reasons]").TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  ", "Enter a mailbox")]
    [InlineData("nobody@contoso.example", "no mailbox nobody@contoso.example")]
    public void MailboxCheck_EmptyOrUnknown_SaysWhyAndNoVerdict(string query, string expected)
    {
        var check = Render<MailboxAccessCheck>(p => p.Add(c => c.Access, Evaluate(restricted: true)));

        Input(check, "access-check-input").Input(query);
        check.Find("[data-testid=access-check]").Click();

        Assert.Contains(expected, check.Find("[data-testid=access-check-problem]").TextContent, StringComparison.Ordinal);
        Assert.Empty(check.FindAll("[data-testid=access-check-verdict]"));
    }

    [Fact]
    public void Table_Restricted_ListsOnlyWhatItCanReach()
    {
        Render<MudPopoverProvider>();
        var table = Render<ReadableMailboxesTable>(p => p.Add(c => c.Access, Evaluate(restricted: true)));

        var rows = table.FindAll("tbody tr");

        Assert.Single(rows);
        Assert.Contains(Phishing.Address, rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("Allowed by the RestrictAccess policy", rows[0].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_Search_FiltersByAddressOrName()
    {
        Render<MudPopoverProvider>();
        var table = Render<ReadableMailboxesTable>(p => p.Add(c => c.Access, Evaluate(restricted: false)));
        Assert.Equal(3, table.FindAll("tbody tr").Count);

        Input(table, "access-search").Input("legal");

        table.WaitForAssertion(() => Assert.Single(table.FindAll("tbody tr")));
        Assert.Contains(Legal.Address, table.Find("tbody tr").TextContent, StringComparison.Ordinal);
        Input(table, "access-search").Input("zzz");
        table.WaitForAssertion(() => Assert.Contains("No mailbox it can reach matches", table.Find("[data-testid=access-none]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public void VerdictCard_NotWhatWasAsked_RedWithTheReasonAndTheServerExportLinks()
    {
        var access = Evaluate(restricted: false);
        var reading = new AccessReading(access.Sources, MailboxSet.Of([Phishing]), []);
        var group = new ManagedGroup { DisplayName = "Phishing group", Alias = "phishing", PrimarySmtpAddress = Phishing.Address, RestrictedAppId = DemoTenant.RestrictedAppId };
        var report = new EffectiveAccessReport(group, access, AccessComparison.Compare(access, reading), 9, new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

        var card = Render<AccessVerdictCard>(p => p.Add(c => c.Report, report));

        Assert.Contains("every mailbox", card.Find("[data-testid=access-summary]").TextContent, StringComparison.Ordinal);
        var verdict = card.Find("[data-testid=access-verdict]").TextContent;
        Assert.Contains("Not restricted", verdict, StringComparison.Ordinal);
        Assert.Contains("2 mailbox(es) outside", verdict, StringComparison.Ordinal);
        Assert.Contains("2026-12-03 12:00:00 UTC", card.Markup, StringComparison.Ordinal);
        Assert.Equal($"access/{group.Id}/export.csv", card.Find("[data-testid=access-export]").GetAttribute("href"));
    }
}

using System.Reflection;

namespace Dropzone.Portal.Tests.Hosting;

// Blazor's typed query-string binding throws on a value it cannot parse, and the page ends in a 500.
// Every routable page therefore takes its query parameters as text and parses them itself, naming the parameter.
public sealed class QueryParameterBindingTests
{
    private static readonly Assembly Portal = typeof(Dropzone.Portal.Components.Pages.Audit.Audit).Assembly;

    public static TheoryData<string> RoutablePages()
    {
        var data = new TheoryData<string>();
        foreach (var page in Portal.GetTypes().Where(t => t.GetCustomAttributes<RouteAttribute>().Any()))
        {
            data.Add(page.FullName!);
        }
        return data;
    }

    [Fact]
    public void Enumeration_FindsThePages()
    {
        // Guards the theory below against silently enumerating nothing.
        Assert.True(RoutablePages().Count >= 10, $"only {RoutablePages().Count} routable pages found");
    }

    [Theory]
    [MemberData(nameof(RoutablePages))]
    public void QueryParameters_AreBoundAsText(string pageType)
    {
        var type = Portal.GetType(pageType)!;
        var typed = type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(p => p.GetCustomAttribute<SupplyParameterFromQueryAttribute>() is not null && p.PropertyType != typeof(string))
            .Select(p => $"{p.Name} ({p.PropertyType.Name})")
            .ToList();

        Assert.True(typed.Count == 0, $"{type.Name} binds {string.Join(", ", typed)} from the query string; a bad value would end in a 500.");
    }
}

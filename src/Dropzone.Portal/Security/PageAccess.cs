using System.Reflection;
using Microsoft.AspNetCore.Components;

namespace Dropzone.Portal.Security;

/// <summary>The portal's routable pages and the policy each one requires; used by the access-denied page and tests.</summary>
public static class PageAccess
{
    private static readonly Lazy<IReadOnlyList<PageRoute>> AllPages = new(() =>
        typeof(PageAccess).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t))
            .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r => new PageRoute(
                r.Template,
                t,
                t.GetCustomAttribute<AllowAnonymousAttribute>() is not null,
                t.GetCustomAttribute<AuthorizeAttribute>()?.Policy)))
            .ToList());

    public static IReadOnlyList<PageRoute> Pages => AllPages.Value;

    /// <summary>The policy of the page at <paramref name="path"/>, matching literal segments and parameters.</summary>
    public static string? PolicyForPath(string? path)
    {
        var segments = Split(path);
        if (segments.Length > 0 && OutsideTheRouter.TryGetValue(segments[0], out var policy))
        {
            return policy;
        }
        return Pages.FirstOrDefault(p => Matches(Split(p.Template), segments))?.Policy;
    }

    // Pages served outside the Blazor router (the job dashboard is Hangfire's), so that a refusal names their role too.
    private static readonly Dictionary<string, string> OutsideTheRouter = new(StringComparer.OrdinalIgnoreCase)
    {
        [Jobs.PortalJobs.DashboardPath.TrimStart('/')] = Core.Security.PortalPolicies.Admin,
    };

    private static string[] Split(string? path) =>
        (path ?? "").Split('?', '#')[0].Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static bool Matches(string[] template, string[] path) =>
        template.Length == path.Length &&
        template.Zip(path).All(pair => pair.First.StartsWith('{') || string.Equals(pair.First, pair.Second, StringComparison.OrdinalIgnoreCase));
}

public sealed record PageRoute(string Template, Type Component, bool AllowsAnonymous, string? Policy);

using System.Net;
using System.Text.RegularExpressions;

namespace Dropzone.Portal.Testing;

/// <summary>
/// Signs a demo user in over HTTP through the real OpenID Connect flow: the portal's login endpoint, the
/// emulated tenant's sign-in page (pick the user), the form_post back to /signin-oidc. The returned client
/// carries the session cookie and does not follow redirects, so tests see 302/403 as they are.
/// </summary>
public static partial class PortalSignIn
{
    public static HttpClient CreateAnonymousClient(this WebApplicationFactory<Program> factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static async Task<HttpClient> SignInAsync(this WebApplicationFactory<Program> factory, string userPrincipalName) =>
        (await factory.SignInWithTranscriptAsync(userPrincipalName)).Client;

    /// <summary>Signs in and also returns the secrets that crossed the wire, so tests can prove none was logged.</summary>
    public static Task<SignInTranscript> SignInWithTranscriptAsync(this WebApplicationFactory<Program> factory, string userPrincipalName) =>
        SignInWithTranscriptAsync(factory.CreateAnonymousClient(), userPrincipalName);

    /// <summary>
    /// The same flow on any client that keeps cookies and does not follow redirects, e.g. one on a portal process
    /// whose tenant is the standalone emulator (the client then plays the browser on both sites).
    /// </summary>
    public static async Task<SignInTranscript> SignInWithTranscriptAsync(HttpClient client, string userPrincipalName)
    {
        using var challenge = await client.GetAsync("/authentication/login?returnUrl=%2F");
        Expect(challenge, HttpStatusCode.Redirect, "login");
        var signInPage = await client.GetStringAsync(challenge.Headers.Location);

        var (chooseAction, chooseFields) = Form(signInPage, userPrincipalName);
        using var chosen = await client.PostAsync(chooseAction, new FormUrlEncodedContent(chooseFields));
        var (callback, callbackFields) = Form(await chosen.Content.ReadAsStringAsync());

        using var signedIn = await client.PostAsync(callback, new FormUrlEncodedContent(callbackFields));
        Expect(signedIn, HttpStatusCode.Redirect, "/signin-oidc");
        var cookies = signedIn.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => v.Split(';')[0].Split('=', 2)).Where(p => p.Length == 2 && p[1].Length > 0).Select(p => p[1]).ToList()
            : [];
        return new SignInTranscript(client, callbackFields.GetValueOrDefault("code"), cookies);
    }

    private static void Expect(HttpResponseMessage response, HttpStatusCode status, string step)
    {
        if (response.StatusCode != status)
        {
            throw new InvalidOperationException(
                $"Sign-in step '{step}' answered {(int)response.StatusCode}: {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
        }
    }

    /// <summary>The first POST form of a sign-in page (the one containing <paramref name="containing"/> when given): action and hidden fields.</summary>
    public static (string Action, Dictionary<string, string> Fields) Form(string html, string? containing = null)
    {
        foreach (Match form in FormPattern().Matches(html))
        {
            if (containing is null || form.Value.Contains(containing, StringComparison.Ordinal))
            {
                return (WebUtility.HtmlDecode(form.Groups["a"].Value),
                    InputPattern().Matches(form.Value).ToDictionary(
                        m => WebUtility.HtmlDecode(m.Groups["n"].Value),
                        m => WebUtility.HtmlDecode(m.Groups["v"].Value)));
            }
        }
        throw new InvalidOperationException("No matching form in the sign-in page: " + html);
    }

    [GeneratedRegex("<form method=\"post\" action=\"(?<a>[^\"]+)\">.*?</form>", RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<n>[^\"]+)\" value=\"(?<v>[^\"]*)\">")]
    private static partial Regex InputPattern();
}

/// <summary>A signed-in client and the values that must never appear in logs.</summary>
public sealed record SignInTranscript(HttpClient Client, string? AuthorizationCode, IReadOnlyList<string> CookieValues);

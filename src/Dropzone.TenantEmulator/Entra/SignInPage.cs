namespace Dropzone.TenantEmulator.Entra;

/// <summary>The emulator's sign-in page: every demo user is one button; there is no password.</summary>
internal static class SignInPage
{
    private const string Style = """
        <style>body{font-family:Segoe UI,Arial,sans-serif;max-width:760px;margin:2rem auto;color:#1b1b1b}
        .warn{background:#fff4ce;padding:.6rem 1rem;border-radius:4px}
        form{margin:.25rem 0}button{width:100%;text-align:left;padding:.5rem .8rem;border:1px solid #8a8886;border-radius:4px;background:#fff;cursor:pointer}
        button:hover{background:#f3f2f1}.roles{color:#0f6cbd;font-weight:600;margin-left:.5rem}.upn{color:#605e5c;margin-left:.5rem}</style>
        """;

    public static string Render(IReadOnlyList<DirectoryObject> users, string action, IDictionary<string, StringValues> parameters)
    {
        var hidden = new StringBuilder();
        foreach (var (key, value) in LoginService.Hidden(parameters))
        {
            hidden.Append($"<input type=\"hidden\" name=\"{LoginService.Encode(key)}\" value=\"{LoginService.Encode(value.ToString())}\">");
        }
        var html = new StringBuilder();
        html.Append($"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign in - {DemoTenant.OrganizationName}</title>{Style}</head><body>");
        html.Append($"<h1>Sign in to {LoginService.Encode(DemoTenant.OrganizationName)}</h1>");
        html.Append("<p class=\"warn\">This is the Dropzone tenant emulator. Pick any demo user; there are no passwords.</p><div id=\"users\">");
        foreach (var user in users)
        {
            var roles = user.PortalRoles.Count > 0 ? $"<span class=\"roles\">{LoginService.Encode(string.Join(", ", user.PortalRoles))}</span>" : "";
            html.Append($"<form method=\"post\" action=\"{LoginService.Encode(action)}\">{hidden}");
            html.Append($"<input type=\"hidden\" name=\"emulator_user\" value=\"{user.Id}\">");
            html.Append($"<button type=\"submit\" data-upn=\"{LoginService.Encode(user.UserPrincipalName!)}\">{LoginService.Encode(user.DisplayName)}");
            html.Append($"<span class=\"upn\">{LoginService.Encode(user.UserPrincipalName!)}</span>{roles}</button></form>");
        }
        html.Append("</div></body></html>");
        return html.ToString();
    }

    /// <summary>response_mode=form_post: the browser posts the code to the app, as Entra's page does.</summary>
    public static string RenderFormPost(string redirectUri, IDictionary<string, string?> values)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><title>Working...</title></head><body onload=\"document.forms[0].submit()\">");
        html.Append($"<form method=\"post\" action=\"{LoginService.Encode(redirectUri)}\">");
        foreach (var (key, value) in values.Where(v => v.Value is not null))
        {
            html.Append($"<input type=\"hidden\" name=\"{LoginService.Encode(key)}\" value=\"{LoginService.Encode(value!)}\">");
        }
        html.Append("<noscript><button type=\"submit\">Continue</button></noscript></form></body></html>");
        return html.ToString();
    }

    public static string RenderSignedOut() =>
        $"<!DOCTYPE html><html><head><title>Signed out</title>{Style}</head><body><h1>You signed out of {LoginService.Encode(DemoTenant.OrganizationName)}.</h1></body></html>";

    public static string RenderError(string message) =>
        $"<!DOCTYPE html><html><head><title>Sign-in error</title>{Style}</head><body><h1>Sorry, but we're having trouble signing you in.</h1><p id=\"error\">{LoginService.Encode(message)}</p></body></html>";
}

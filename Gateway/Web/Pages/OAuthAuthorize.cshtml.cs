using Gateway.Accounts;
using Gateway.Auth;
using Gateway.Proxy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages;

/// <summary>
/// <c>/oauth/authorize</c>: a Mastodon app asks to post as the signed-in user; they pick one of the accounts they
/// post for, and the app gets a code (redirected to it, or shown here for <c>urn:ietf:wg:oauth:2.0:oob</c>).
/// Editors and admins only: a proxy token posts, and a reviewer never does.
/// </summary>
[Authorize(Policy = Policies.Editor)]
public sealed class OAuthAuthorizeModel(ProxyOAuth oauth, AccountStore accounts) : GatewayPage
{
    [BindProperty(SupportsGet = true, Name = "client_id")] public string? ClientId { get; set; }
    [BindProperty(SupportsGet = true, Name = "redirect_uri")] public string? RedirectUri { get; set; }
    [BindProperty(SupportsGet = true, Name = "response_type")] public string? ResponseType { get; set; }
    [BindProperty(SupportsGet = true, Name = "scope")] public string? Scope { get; set; }
    [BindProperty(SupportsGet = true, Name = "code_challenge")] public string? CodeChallenge { get; set; }
    [BindProperty(SupportsGet = true, Name = "code_challenge_method")] public string? CodeChallengeMethod { get; set; }
    [BindProperty(SupportsGet = true, Name = "state")] public string? State { get; set; }

    [BindProperty] public string? Account { get; set; }

    public ProxyOAuth.Grant? Grant { get; private set; }

    /// <summary>The accounts the user may post for: the ones they can hand to the app.</summary>
    public IReadOnlyList<Account> Writable { get; private set; } = [];

    /// <summary>The code for an app without a redirect (out of band): shown once, for the person to paste.</summary>
    public string? Code { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        await LoadAsync(ct);
        return Page();
    }, () => Task.CompletedTask);

    public Task<IActionResult> OnPostApproveAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        await LoadAsync(ct);
        var code = await oauth.ApproveAsync(Grant!, Me, Account ?? "", ct);
        if (Grant!.RedirectUri == ProxyOAuth.OutOfBand)
        {
            Response.Headers.CacheControl = "no-store";
            Code = code;
            return Page();
        }
        return Redirect(Back(("code", code)));
    }, () => Task.CompletedTask);

    public Task<IActionResult> OnPostDenyAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        await LoadAsync(ct);
        return Grant!.RedirectUri == ProxyOAuth.OutOfBand
            ? Done(NoticeKind.Success, $"'{Grant.App.Name}' was not given access.", "/Index")
            : Redirect(Back(("error", "access_denied"), ("error_description", "The user denied the request.")));
    }, () => Task.CompletedTask);

    private async Task LoadAsync(CancellationToken ct)
    {
        Grant = await oauth.GrantAsync(ClientId, RedirectUri, ResponseType, Scope, CodeChallenge, CodeChallengeMethod, State, ct);
        Writable = (await accounts.ListAsync(ct)).Where(a => PostAccess.MayWrite(Me, a)).ToArray();
        if (Grant.RedirectUri != ProxyOAuth.OutOfBand && Uri.TryCreate(Grant.RedirectUri, UriKind.Absolute, out var back))
        {
            // The form's answer redirects to the app: the policy's form-action must allow its origin too (an origin
            // has no path, so nothing in the registered address can add a directive).
            var origin = back.GetLeftPart(UriPartial.Authority) is { Length: > 0 } authority ? authority : $"{back.Scheme}:";
            Response.Headers.ContentSecurityPolicy = Response.Headers.ContentSecurityPolicy.ToString()
                .Replace("form-action 'self'", $"form-action 'self' {origin}", StringComparison.Ordinal);
        }
    }

    private string Back(params (string Name, string Value)[] fields)
    {
        var all = fields.Concat(State is null ? [] : [("state", State)]);
        var query = string.Join("&", all.Select(f => $"{f.Name}={Uri.EscapeDataString(f.Value)}"));
        return Grant!.RedirectUri + (Grant.RedirectUri.Contains('?') ? "&" : "?") + query;
    }
}

using Gateway.Auth;
using Gateway.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Gateway.Web.Pages;

[EnableRateLimiting(Api.RateLimits.SignInPolicy)]
public sealed class SignInModel(ApiTokenStore tokens, GatewayOptions options) : GatewayPage
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Single sign-on, when configured: the button's provider name.</summary>
    public SingleSignOnOptions? Sso => options.Oidc.Enabled ? options.Oidc : null;

    public void OnGet()
    {
    }

    /// <summary>Off to the provider; it sends the browser back to <see cref="SingleSignOn.CallbackPath"/>, then to <see cref="ReturnUrl"/>.</summary>
    public IActionResult OnPostSso() => Sso is null
        ? NotFound()
        : Challenge(new AuthenticationProperties { RedirectUri = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/" }, SingleSignOn.Scheme);

    public async Task<IActionResult> OnPostAsync(string? token)
    {
        if (Api.RateLimits.SignInRefused(HttpContext) is { } wait)
        {
            Error = $"Too many sign-in attempts from your address; try again in {wait} s.";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }
        if (string.IsNullOrWhiteSpace(token) || !await WebUi.SignInAsync(HttpContext, token, tokens))
        {
            Error = "That token is not valid, or its user is disabled.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}

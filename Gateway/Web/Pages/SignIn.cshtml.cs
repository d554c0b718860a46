using Gateway.Auth;
using Gateway.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages;

public sealed class SignInModel(ApiTokenStore tokens, SignInThrottle throttle, GatewayOptions options) : GatewayPage
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
        var address = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (!throttle.MayTry(address))
        {
            Error = "Too many failed sign-ins from your address; wait a minute and try again.";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }
        if (string.IsNullOrWhiteSpace(token) || !await WebUi.SignInAsync(HttpContext, token, tokens))
        {
            throttle.Failed(address);
            Error = "That token is not valid, or its user is disabled.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}

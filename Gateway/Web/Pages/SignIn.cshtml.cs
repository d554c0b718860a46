using Gateway.Users;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages;

public sealed class SignInModel(ApiTokenStore tokens, SignInThrottle throttle) : GatewayPage
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

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

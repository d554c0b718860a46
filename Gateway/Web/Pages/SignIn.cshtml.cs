using Gateway.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Gateway.Web.Pages;

[EnableRateLimiting(Api.RateLimits.SignInPolicy)]
public sealed class SignInModel(UserStore users) : GatewayPage
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? token)
    {
        if (Api.RateLimits.SignInRefused(HttpContext) is { } wait)
        {
            Error = $"Too many sign-in attempts from your address; try again in {wait} s.";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }
        if (string.IsNullOrWhiteSpace(token) || !await WebUi.SignInAsync(HttpContext, token, users))
        {
            Error = "That token is not valid, or its user is disabled.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}

using Gateway.Users;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages;

public sealed class SignInModel(UserStore users) : GatewayPage
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || !await WebUi.SignInAsync(HttpContext, token, users))
        {
            Error = "That token is not valid, or its user is disabled.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}

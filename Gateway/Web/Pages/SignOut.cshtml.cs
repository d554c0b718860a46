using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages;

public sealed class SignOutModel : GatewayPage
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(WebUi.CookieScheme);
        return Redirect("/signin");
    }
}

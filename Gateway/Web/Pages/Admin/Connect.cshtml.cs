using Gateway.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages.Admin;

/// <summary>
/// Starts connecting an account by OAuth. A link from the account page, not a form: the dashboard's CSP lets forms
/// go only to the gateway, and this one ends on the network's consent page.
/// </summary>
public sealed class ConnectModel(ConnectFlow flow, GatewayOptions options) : GatewayPage
{
    public const string CallbackPath = "/admin/connect/callback";

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        try
        {
            return Redirect((await flow.BeginAsync(id, Callback(HttpContext, options), Me, ct)).ToString());
        }
        catch (ProblemException e)
        {
            TempData["ConnectError"] = e.Detail;
            return RedirectToPage("/Admin/Accounts", new { edit = id });
        }
    }

    /// <summary>Where the network sends people back: the configured public address, or this request's own.</summary>
    public static Uri Callback(HttpContext context, GatewayOptions options) =>
        new((options.Publishing.PublicUrl?.TrimEnd('/') ?? $"{context.Request.Scheme}://{context.Request.Host}") + CallbackPath);
}

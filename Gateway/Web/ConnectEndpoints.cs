using Gateway.Accounts;
using Gateway.Auth;
using Gateway.Users;

namespace Gateway.Web;

/// <summary>
/// The browser's side of connecting an account by OAuth: a link from the account page starts it (a link, not a form:
/// the page's CSP lets forms post only to the gateway, and this ends on the network's consent page), and the
/// network sends the person back to the callback. Both for signed-in admins only.
/// </summary>
public static class ConnectEndpoints
{
    public const string CallbackPath = "/connect/callback";

    public static void Map(WebApplication app)
    {
        app.MapGet("/connect/{id}", async (string id, HttpContext context, ConnectFlow flow, GatewayOptions options, CancellationToken ct) =>
        {
            try
            {
                return Results.Redirect((await flow.BeginAsync(id, Callback(context, options), context.User.ToUser(), ct)).ToString());
            }
            catch (ProblemException e)
            {
                return Back(context, id, error: e.Detail);
            }
        }).RequireAuthorization(Policies.Admin);

        app.MapGet(CallbackPath, async (string? state, string? code, string? error, HttpContext context, ConnectFlow flow, CancellationToken ct) =>
        {
            try
            {
                var account = await flow.CompleteAsync(state, code, error, context.User.ToUser(), ct);
                return Back(context, account.Id, notice: account.Connection.Identity is { } identity
                    ? $"Account '{account.Id}' connected as {identity}."
                    : $"Account '{account.Id}' connected; the first test did not answer yet: use \"Test connection\".");
            }
            catch (ProblemException e)
            {
                return Back(context, null, error: e.Detail);
            }
        }).RequireAuthorization(Policies.Admin);
    }

    /// <summary>Where the network sends people back: the configured public address, or this request's own.</summary>
    public static Uri Callback(HttpContext context, GatewayOptions options) =>
        new((options.Publishing.PublicUrl?.TrimEnd('/') ?? $"{context.Request.Scheme}://{context.Request.Host}") + CallbackPath);

    // The account page shows the outcome (its TempData, as after any of its own forms).
    private static IResult Back(HttpContext context, string? id, string? notice = null, string? error = null)
    {
        var tempData = context.RequestServices.GetRequiredService<Microsoft.AspNetCore.Mvc.ViewFeatures.ITempDataDictionaryFactory>().GetTempData(context);
        tempData["Notice"] = notice;
        tempData["ConnectError"] = error;
        tempData.Save();
        return Results.Redirect(id is null ? "/admin/accounts" : $"/admin/accounts?edit={Uri.EscapeDataString(id)}");
    }
}

using Gateway.Auth;

namespace Gateway.Web.Pages;

/// <summary>
/// Where single sign-on sends someone it did not let in. The reason is a fixed code, never text from the query, so a
/// crafted link cannot put words on the gateway's page.
/// </summary>
public sealed class SignInRefusedModel(GatewayOptions options) : GatewayPage
{
    public string Provider => options.Oidc.DisplayName;

    public string Explanation { get; private set; } = "";

    public void OnGet(string? reason)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var sso = options.Oidc;
        Explanation = reason switch
        {
            SingleSignOn.Refusal.Disabled =>
                "Your user in the gateway is disabled, so you cannot sign in, with single sign-on or a token. Ask an admin if this is a mistake.",
            SingleSignOn.Refusal.Unmapped =>
                $"{Provider} knows you, but none of your '{sso.RoleClaim}' values is mapped to a role in the gateway. Ask an admin to map one of them (Gateway:Oidc:Roles).",
            SingleSignOn.Refusal.NoName =>
                $"{Provider} sent no user name the gateway can use (the '{sso.NameClaim}' claim). Ask an admin to check Gateway:Oidc:NameClaim.",
            SingleSignOn.Refusal.Taken =>
                $"The gateway user named like you in {Provider} belongs to someone else who signed in with {Provider} before. Ask an admin: your user name at {Provider} may have been given to you after it was someone else's.",
            _ => $"The sign-in with {Provider} did not complete: it was cancelled, took too long, or was refused. Try again.",
        };
    }
}

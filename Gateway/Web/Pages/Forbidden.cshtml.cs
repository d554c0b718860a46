namespace Gateway.Web.Pages;

public sealed class ForbiddenModel : GatewayPage
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}

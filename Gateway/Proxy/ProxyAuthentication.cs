using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Gateway.Proxy;

/// <summary>
/// <c>Authorization: Bearer …</c> on the Mastodon routes: a proxy token (made by hand or by OAuth), never an API
/// token. It yields the user with their current role and the account the token is bound to; refusals answer as
/// Mastodon does (<c>{"error": "The access token is invalid"}</c>).
/// </summary>
public sealed class ProxyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ProxyTokenStore tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "MastodonProxy";

    /// <summary>The policy of every authenticated proxy route.</summary>
    public static readonly AuthorizationPolicy Policy = new AuthorizationPolicyBuilder(SchemeName).RequireAuthenticatedUser().Build();

    private const string CallerKey = "proxy.caller";

    /// <summary>The caller of an authenticated proxy route.</summary>
    public static ProxyCaller Caller(HttpContext context) =>
        context.Items[CallerKey] as ProxyCaller ?? throw new InvalidOperationException("Not a proxy request: the route lacks ProxyAuthentication.Policy.");

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var caller = await tokens.AuthenticateAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (caller is null)
        {
            return AuthenticateResult.Fail("Not a proxy token (unknown or revoked), or its user is disabled or no longer an editor of its account.");
        }
        Context.Items[CallerKey] = caller;
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, caller.User.Name), new Claim(ClaimTypes.Role, caller.User.Role)], SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer realm=\"Doorkeeper\", error=\"invalid_token\", error_description=\"The access token is invalid\"";
        return MastodonErrors.WriteAsync(Context, StatusCodes.Status401Unauthorized, MastodonErrors.InvalidToken);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        MastodonErrors.WriteAsync(Context, StatusCodes.Status403Forbidden, "This action is not allowed");
}

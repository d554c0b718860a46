using Gateway.Users;
using Gateway.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Gateway.Auth;

/// <summary>
/// Single sign-on with an OpenID provider (authorization code flow with PKCE). The provider proves who someone is;
/// the gateway decides who they are here: the name and role claims make a gateway user, created on the first
/// sign-in, given the mapped role on every later one. The result is the same session cookie a token sign-in gives,
/// so the antiforgery and role checks of the pages apply unchanged.
/// </summary>
public static class SingleSignOn
{
    public const string Scheme = "oidc";

    public const string CallbackPath = "/signin-oidc";

    /// <summary>Why a sign-in was refused, as the <c>/signin/refused?reason=</c> the refusal page explains.</summary>
    public static class Refusal
    {
        public const string Disabled = "disabled";
        public const string Unmapped = "unmapped";
        public const string NoName = "name";
        public const string Taken = "taken";
        public const string Failed = "failed";
    }

    public static void Add(AuthenticationBuilder authentication, SingleSignOnOptions sso)
    {
        if (!sso.Enabled)
        {
            return;
        }
        sso.Validate();
        authentication.AddOpenIdConnect(Scheme, sso.DisplayName, o =>
        {
            o.Authority = sso.Authority;
            o.ClientId = sso.ClientId;
            o.ClientSecret = sso.ClientSecret;
            o.RequireHttpsMetadata = sso.RequireHttpsMetadata;
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.UsePkce = true;
            // The code comes back on a top-level GET (not the default form_post), so the correlation and nonce cookies
            // can be SameSite=Lax like the session and need not be Secure-only: the flow also works on plain-HTTP
            // loopback, and behind TLS they are Secure as the request is.
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.CallbackPath = CallbackPath;
            o.SignInScheme = WebUi.CookieScheme;
            o.SaveTokens = false;
            o.MapInboundClaims = false;
            o.GetClaimsFromUserInfoEndpoint = true;
            o.Scope.Clear();
            foreach (var scope in sso.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                o.Scope.Add(scope);
            }
            // Userinfo claims are only kept when mapped; a groups array becomes one claim per group.
            o.ClaimActions.MapJsonKey(sso.RoleClaim, sso.RoleClaim);
            o.ClaimActions.MapUniqueJsonKey(sso.NameClaim, sso.NameClaim);
            o.Events.OnTicketReceived = context => AdmitAsync(context, sso);
            o.Events.OnRemoteFailure = context =>
            {
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SingleSignOn))
                    .LogWarning("Single sign-on did not complete: {Problem}", context.Failure?.Message);
                return RefuseAsync(context, Refusal.Failed);
            };
        });
    }

    /// <summary>Turns the provider's identity into a gateway user, or refuses with a page that says why.</summary>
    private static async Task AdmitAsync(TicketReceivedContext context, SingleSignOnOptions sso)
    {
        var principal = context.Principal!;
        var log = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SingleSignOn));
        var claimed = principal.FindFirst(sso.NameClaim)?.Value;
        if (SingleSignOnOptions.UserName(claimed) is not { } name)
        {
            log.LogWarning("Single sign-on refused: the '{Claim}' claim ({Value}) is not a usable user name", sso.NameClaim, claimed);
            await RefuseAsync(context, Refusal.NoName);
            return;
        }
        var users = context.HttpContext.RequestServices.GetRequiredService<UserStore>();
        var existing = await users.FindAsync(name, context.HttpContext.RequestAborted);
        if (existing?.DisabledAt is not null)
        {
            log.LogWarning("Single sign-on refused: {User} is disabled", name);
            await RefuseAsync(context, Refusal.Disabled);
            return;
        }
        if (sso.RoleFor(principal.FindAll(sso.RoleClaim).Select(c => c.Value)) is not { } role)
        {
            log.LogWarning("Single sign-on refused: no '{Claim}' value of {User} is mapped to a role", sso.RoleClaim, name);
            await RefuseAsync(context, Refusal.Unmapped);
            return;
        }
        // The subject, not the name, is who someone is at the provider: names get reused, the subject never.
        if (principal.FindFirst("sub")?.Value is not { Length: > 0 } subject)
        {
            log.LogWarning("Single sign-on refused: the provider sent no subject for {User}", name);
            await RefuseAsync(context, Refusal.Failed);
            return;
        }
        var user = await users.SignedInWithSsoAsync(name, role, sso.Authority!, subject, context.HttpContext.RequestAborted);
        if (user is null)
        {
            log.LogWarning("Single sign-on refused: the gateway user {User} is bound to another identity at the provider", name);
            await RefuseAsync(context, Refusal.Taken);
            return;
        }
        if (user.DisabledAt is not null)
        {
            // Disabled between the two reads: still out.
            await RefuseAsync(context, Refusal.Disabled);
            return;
        }
        context.Principal = WebUi.Principal(user);
        context.Properties!.IsPersistent = false;
    }

    private static Task RefuseAsync(HandleRequestContext<RemoteAuthenticationOptions> context, string reason)
    {
        context.Response.Redirect($"/signin/refused?reason={reason}");
        context.HandleResponse();
        return Task.CompletedTask;
    }
}

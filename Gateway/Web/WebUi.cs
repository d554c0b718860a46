using System.Security.Claims;
using Gateway.Auth;
using Gateway.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.FileProviders;

namespace Gateway.Web;

/// <summary>
/// The dashboard: Razor Pages under <c>Web/Pages</c>, signed in with a session cookie made from a token. The API
/// keeps bearer tokens only, so a cookie can never drive it (no CSRF surface there); pages check antiforgery tokens.
/// </summary>
public static class WebUi
{
    public const string CookieScheme = "Cookies";

    /// <summary>Picks bearer tokens for the API and whoever sends one, the session cookie for the pages.</summary>
    public const string Scheme = "Gateway";

    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void AddServices(IServiceCollection services)
    {
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Web/Pages";
            o.Conventions.AuthorizeFolder("/Admin", Policies.Admin);
            o.Conventions.AuthorizePage("/Crisis", Policies.Admin);
            o.Conventions.AuthorizePage("/Incident", Policies.Admin);
            o.Conventions.AuthorizePage("/Reviews", Policies.Reviewer);
            o.Conventions.AuthorizePage("/Compose", Policies.Editor);
            o.Conventions.AllowAnonymousToPage("/SignIn");
            o.Conventions.AllowAnonymousToPage("/SignInRefused");
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "cg.csrf";
            // Lax like the session: arriving from a link in chat must not invalidate the forms open in other tabs.
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.HeaderName = "X-CSRF-TOKEN";
        });
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Bearer token or session cookie", o => o.ForwardDefaultSelector = context =>
                Proxy.MastodonErrors.IsProxyPath(context.Request.Path) ? Proxy.ProxyAuthentication.SchemeName
                : context.Request.Path.StartsWithSegments("/api")
                || context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? TokenAuthenticationHandler.SchemeName
                    : CookieScheme)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "cg.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.LoginPath = "/signin";
                o.LogoutPath = "/signout";
                o.AccessDeniedPath = "/forbidden";
                o.Events.OnValidatePrincipal = RevalidateAsync;
            });
    }

    public static void UseAssets(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            await next();
        });
        // Embedded, so the dashboard looks the same whatever directory the gateway was started from.
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new EmbeddedFileProvider(typeof(WebUi).Assembly, "assets"),
            RequestPath = "/assets",
        });
    }

    public static void Map(WebApplication app) => app.MapRazorPages();

    /// <summary>Signs the browser in as the token's user; the token itself is not kept.</summary>
    public static async Task<bool> SignInAsync(HttpContext context, string token, ApiTokenStore tokens)
    {
        var user = await tokens.AuthenticateAsync(token.Trim(), context.RequestAborted);
        if (user is null)
        {
            return false;
        }
        await context.SignInAsync(CookieScheme, Principal(user), new AuthenticationProperties { IsPersistent = false });
        return true;
    }

    public static ClaimsPrincipal Principal(User user) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role)], CookieScheme, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>A user disabled (or given another role) loses the old session at their next click, not in eight hours.</summary>
    private static async Task RevalidateAsync(CookieValidatePrincipalContext context)
    {
        var name = context.Principal?.Identity?.Name;
        var users = context.HttpContext.RequestServices.GetRequiredService<UserStore>();
        var user = name is null ? null : await users.FindAsync(name, context.HttpContext.RequestAborted);
        if (user is null || user.DisabledAt is not null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
        else if (user.Role != context.Principal!.FindFirstValue(ClaimTypes.Role))
        {
            context.ReplacePrincipal(Principal(user));
            context.ShouldRenew = true;
        }
    }
}

using System.Security.Claims;
using Gateway.Users;

namespace Gateway.Auth;

/// <summary>Who may call what. Admins may do everything; the crisis team must never be locked out of its own tool.</summary>
public static class Policies
{
    public const string SignedIn = "signed-in";
    public const string Editor = "editor";
    public const string Reviewer = "reviewer";
    public const string Admin = "admin";

    public static void Add(Microsoft.AspNetCore.Authorization.AuthorizationOptions options)
    {
        options.AddPolicy(SignedIn, p => p.RequireAuthenticatedUser());
        options.AddPolicy(Editor, p => p.RequireRole(Role.Editor, Role.Admin));
        options.AddPolicy(Reviewer, p => p.RequireRole(Role.Reviewer, Role.Admin));
        options.AddPolicy(Admin, p => p.RequireRole(Role.Admin));
        options.FallbackPolicy = options.GetPolicy(SignedIn);
    }

    /// <summary>The signed-in user as the domain knows them.</summary>
    public static User ToUser(this ClaimsPrincipal principal) =>
        new(principal.Identity!.Name!, principal.FindFirstValue(ClaimTypes.Role)!, default, null);
}

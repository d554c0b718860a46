using System.Security.Claims;
using Gateway.Auth;
using Gateway.Users;

namespace Gateway.Api;

/// <summary>
/// <c>/api/tokens</c>: every signed-in user lists, creates and revokes their own API tokens; admins list and revoke
/// anyone's. A new token is in the one answer that creates it.
/// </summary>
public static class TokenEndpoints
{
    public sealed record CreateToken(string? Name, string? ExpiresAt);

    public static void Map(RouteGroupBuilder api)
    {
        var tokens = api.MapGroup("/tokens");
        tokens.MapGet("/", async (string? user, bool? all, ApiTokenStore store, ClaimsPrincipal principal, CancellationToken ct) =>
        {
            var me = principal.ToUser();
            if ((all == true || user is not null && user != me.Name) && me.Role != Role.Admin)
            {
                throw ProblemException.Forbidden("Only admins may list other users' tokens.");
            }
            return Results.Ok(await store.ListAsync(all == true ? null : user ?? me.Name, ct));
        });
        tokens.MapPost("/", async (CreateToken request, ApiTokenStore store, ClaimsPrincipal principal, HttpResponse response, CancellationToken ct) =>
        {
            var expiresAt = request.ExpiresAt is null ? (DateTimeOffset?)null : Iso8601.Parse(request.ExpiresAt, "expiresAt");
            var (token, secret) = await store.CreateAsync(principal.ToUser(), request.Name, expiresAt, ct);
            response.Headers.CacheControl = "no-store";
            return Results.Created($"/api/tokens/{token.Id}", new { token.Id, token.User, token.Name, token.CreatedAt, token.ExpiresAt, token = secret });
        });
        tokens.MapDelete("/{id}", async (string id, ApiTokenStore store, ClaimsPrincipal principal, CancellationToken ct) =>
        {
            await store.RevokeAsync(id, principal.ToUser(), ct);
            return Results.NoContent();
        });
    }
}

using System.Security.Claims;
using Gateway.Auth;
using Gateway.Posts;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Api;

/// <summary>Drafts and groups: sending a draft on its way, and the posts written once for several accounts.</summary>
public static class DraftEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        // The body is optional: a draft with a time of its own is submitted as it is.
        api.MapPost("/posts/{id}/submit", async (string id, [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] SubmitDraft? request,
            PostService service, ClaimsPrincipal user, CancellationToken ct) =>
            Results.Ok(await service.SubmitDraftAsync(id, request, user.ToUser(), ct))).RequireAuthorization(Policies.Editor);
        api.MapGet("/groups/{id}", async (string id, PostService service, ClaimsPrincipal user, CancellationToken ct) =>
            Results.Ok(await service.GroupAsync(id, user.ToUser(), ct)));
    }
}

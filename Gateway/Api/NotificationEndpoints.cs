using System.Security.Claims;
using Gateway.Notifications;

namespace Gateway.Api;

/// <summary><c>/api/notifications</c>: the caller's own in-app notifications, newest first; nobody reads or marks another's.</summary>
public static class NotificationEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var notifications = api.MapGroup("/notifications");
        notifications.MapGet("/", async (bool? unread, UserInbox inbox, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var name = user.Identity!.Name!;
            return Results.Ok(new { unread = await inbox.UnreadCountAsync(name, ct), items = await inbox.ListAsync(name, unread == true, ct) });
        });
        notifications.MapPost("/{id:long}/read", async (long id, UserInbox inbox, ClaimsPrincipal user, CancellationToken ct) =>
            Results.Ok(await inbox.MarkReadAsync(user.Identity!.Name!, id, ct)));
        notifications.MapPost("/read-all", async (UserInbox inbox, ClaimsPrincipal user, CancellationToken ct) =>
            Results.Ok(new { marked = await inbox.MarkAllReadAsync(user.Identity!.Name!, ct) }));
    }
}

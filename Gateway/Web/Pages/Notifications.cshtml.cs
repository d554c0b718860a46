using Gateway.Notifications;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages;

/// <summary>The signed-in user's own notifications, newest first, marked read one by one or all at once.</summary>
public sealed class NotificationsModel(UserInbox inbox) : GatewayPage
{
    public IReadOnlyList<UserNotification> Items { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Items = await inbox.ListAsync(Me.Name, unreadOnly: false, ct);

    public Task<IActionResult> OnPostReadAsync(long id, CancellationToken ct) => AttemptAsync(async () =>
    {
        await inbox.MarkReadAsync(Me.Name, id, ct);
        return RedirectToPage("/Notifications");
    }, () => OnGetAsync(ct));

    public async Task<IActionResult> OnPostReadAllAsync(CancellationToken ct)
    {
        var marked = await inbox.MarkAllReadAsync(Me.Name, ct);
        return Done(NoticeKind.Info, marked == 1 ? "1 notification marked read." : $"{marked} notifications marked read.", "/Notifications");
    }

    /// <summary>Bad news (a rejection, a failure, a freeze) reads as such in the list too.</summary>
    public static NoticeKind KindOf(UserNotification item) => item.Event switch
    {
        "post.rejected" or "post.failed" or "freeze" or "post.override" or "tripwire" or "account.needs-reconnect" => NoticeKind.Danger,
        "post.held" or "post.expired" or "review.requested" => NoticeKind.Warning,
        "post.approved" or "unfreeze" => NoticeKind.Success,
        _ => NoticeKind.Info,
    };
}

using System.Data.Common;
using Dapper;
using Gateway.Posts;
using Gateway.Users;

namespace Gateway.Notifications;

/// <summary>
/// The one place events are raised: writes notifications into the database outbox inside the transaction of the
/// change they report, so they are never lost and never block that change; <see cref="NotificationDispatcher"/>
/// delivers them to webhooks afterwards, and <see cref="UserInbox"/> puts them in the inboxes of whom they concern.
/// </summary>
public sealed class Notifier(NotificationOptions options, UserInbox inbox, TimeProvider time)
{
    public async Task EnqueueAsync(DbConnection connection, DbTransaction transaction, NotificationEvent notification)
    {
        await inbox.DeliverAsync(connection, transaction, notification);
        var targets = options.Webhooks.Where(w => w.Wants(notification)).ToArray();
        if (targets.Length == 0)
        {
            return;
        }
        var now = time.GetUtcNow();
        var id = await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO notifications (event, post_id, account_id, text, created_at) VALUES (@Event, @PostId, @Account, @Text, @now)
            RETURNING id
            """,
            new { notification.Event, notification.PostId, notification.Account, notification.Text, now }, transaction);
        await connection.ExecuteAsync(
            "INSERT INTO deliveries (notification_id, webhook, attempts, next_attempt_at) VALUES (@id, @Name, 0, @now)",
            targets.Select(t => new { id, t.Name, now }), transaction);
    }

    /// <summary>What a status change means to the team, if anything. <paramref name="before"/> is null for a new post.</summary>
    public static NotificationEvent? ForChange(PostStatus? before, Post after, string action)
    {
        var post = $"post {after.Id} on {after.Account} by {after.Author}";
        return (before, after.Status, action) switch
        {
            (_, PostStatus.PendingReview, _) when before != PostStatus.PendingReview || action is "post.edited" or "post.rescheduled" =>
                new("review.requested", [Role.Reviewer, Role.Admin], after.Account, after.Id,
                    $"Review requested: {post}, due {after.ScheduledAt:O}, needs {after.RequiredApprovals} approval(s). {after.StatusReason}"),
            (PostStatus.PendingReview, PostStatus.Scheduled, "post.approved") =>
                new("post.approved", [Role.Editor, Role.Admin], after.Account, after.Id, $"Approved: {post}. {after.StatusReason}", after.Author),
            (_, PostStatus.Scheduled, "post.override") =>
                new("post.override", [], after.Account, after.Id, $"ADMIN OVERRIDE of blocking findings: {post}. {after.StatusReason}", after.Author),
            (_, PostStatus.Rejected, _) => new("post.rejected", [Role.Editor, Role.Admin], after.Account, after.Id, $"Rejected: {post}. {after.StatusReason}", after.Author),
            (_, PostStatus.Expired, _) => new("post.expired", [Role.Editor, Role.Admin], after.Account, after.Id, $"Expired without review: {post}. {after.StatusReason}", after.Author),
            (_, PostStatus.Held, _) => new("post.held", [Role.Editor, Role.Admin], after.Account, after.Id, $"Held: {post}. {after.StatusReason}", after.Author),
            (_, PostStatus.Failed, _) => new("post.failed", [Role.Editor, Role.Admin], after.Account, after.Id, $"Publishing failed: {post}. {after.StatusReason}", after.Author),
            _ => null,
        };
    }
}

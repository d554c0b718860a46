using System.Data.Common;
using Dapper;
using Gateway.Reviews;
using Gateway.Storage;
using Gateway.Users;

namespace Gateway.Notifications;

/// <summary>One notification in a user's inbox (the bell in the dashboard).</summary>
public sealed record UserNotification
{
    public long Id { get; init; }
    public string Event { get; init; } = "";
    public string? PostId { get; init; }
    public string? Account { get; init; }
    public string Text { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ReadAt { get; init; }
}

/// <summary>
/// The in-app side of <see cref="Notifier"/>: each event lands in the inboxes of the people it concerns, in the
/// transaction of the change it reports. Review requests go to the account's reviewers (never to someone who wrote
/// or changed the post), verdicts and trouble to the post's author, freezes to everyone, alerts to the admins.
/// Every read and write takes the user: nobody sees or marks another's.
/// </summary>
public sealed class UserInbox(Database database, ReviewPolicy policy, TimeProvider time)
{
    public const int ListLimit = 100;

    private const string Columns =
        "id, event, post_id AS PostId, account_id AS Account, text, created_at AS CreatedAt, read_at AS ReadAt";

    public async Task DeliverAsync(DbConnection connection, DbTransaction transaction, NotificationEvent notification)
    {
        var recipients = await RecipientsAsync(connection, transaction, notification);
        if (recipients.Count == 0)
        {
            return;
        }
        var now = time.GetUtcNow();
        await connection.ExecuteAsync(
            """
            INSERT INTO user_notifications (user_name, event, post_id, account_id, text, created_at)
            VALUES (@user, @Event, @PostId, @Account, @Text, @now)
            """,
            recipients.Select(user => new { user, notification.Event, notification.PostId, notification.Account, notification.Text, now }),
            transaction);
    }

    public async Task<IReadOnlyList<UserNotification>> ListAsync(string user, bool unreadOnly, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<UserNotification>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM user_notifications
            WHERE user_name = @user AND (@unreadOnly = 0 OR read_at IS NULL)
            ORDER BY id DESC
            LIMIT {ListLimit}
            """, new { user, unreadOnly = unreadOnly ? 1 : 0 }, cancellationToken: cancellationToken))).AsList();
    }

    public async Task<int> UnreadCountAsync(string user, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM user_notifications WHERE user_name = @user AND read_at IS NULL", new { user }, cancellationToken: cancellationToken));
    }

    /// <summary>Marks one of the user's notifications read; another user's is as unknown as a missing one.</summary>
    public async Task<UserNotification> MarkReadAsync(string user, long id, CancellationToken cancellationToken) =>
        await database.InTransactionAsync(async (c, t) =>
        {
            await c.ExecuteAsync(
                "UPDATE user_notifications SET read_at = @now WHERE id = @id AND user_name = @user AND read_at IS NULL",
                new { now = time.GetUtcNow(), id, user }, t);
            return await c.QuerySingleOrDefaultAsync<UserNotification>(
                $"SELECT {Columns} FROM user_notifications WHERE id = @id AND user_name = @user", new { id, user }, t)
                ?? throw ProblemException.NotFound($"No notification {id} for {user}.");
        }, cancellationToken);

    /// <summary>Marks all of the user's notifications read; the number it marked.</summary>
    public Task<int> MarkAllReadAsync(string user, CancellationToken cancellationToken) =>
        database.InTransactionAsync((c, t) => c.ExecuteAsync(
            "UPDATE user_notifications SET read_at = @now WHERE user_name = @user AND read_at IS NULL",
            new { now = time.GetUtcNow(), user }, t), cancellationToken);

    private async Task<IReadOnlyList<string>> RecipientsAsync(DbConnection connection, DbTransaction transaction, NotificationEvent notification)
    {
        Func<(string Name, string Role), bool>? wanted = notification.Event switch
        {
            "review.requested" when notification is { Account: { } account, PostId: { } postId } =>
                await ReviewersAsync(connection, transaction, account, postId),
            "post.approved" or "post.rejected" or "post.held" or "post.failed" or "post.expired" or "post.override" when notification.Author is { } author =>
                u => u.Name == author,
            "freeze" or "unfreeze" => _ => true,
            "tripwire" or "account.needs-reconnect" => u => u.Role == Role.Admin,
            _ => null,
        };
        if (wanted is null)
        {
            return [];
        }
        var active = await connection.QueryAsync<(string Name, string Role)>(
            "SELECT name, role FROM users WHERE disabled_at IS NULL ORDER BY name", transaction: transaction);
        return active.Where(wanted).Select(u => u.Name).ToArray();
    }

    /// <summary>Reviewers and admins the policy lets review the account, except whoever wrote or changed the post.</summary>
    private async Task<Func<(string Name, string Role), bool>> ReviewersAsync(DbConnection connection, DbTransaction transaction, string account, string postId)
    {
        var contributors = await Posts.PostStore.ContributorsAsync(connection, transaction, postId);
        return u => u.Role is Role.Reviewer or Role.Admin && policy.MayReview(account, u.Name) && !contributors.Contains(u.Name);
    }
}

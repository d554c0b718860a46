using Dapper;
using Gateway.Storage;

namespace Gateway.Proxy;

/// <summary>
/// Mastodon's <c>Idempotency-Key</c>: kept per user (here per user and account) for an hour, a repeat answers what
/// the first request made. The key is claimed before the post is made, so two concurrent repeats make one post.
/// </summary>
public sealed class ProxyIdempotency(Database database, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The post the key already made, or null when this request claimed the key and must make it. A claim whose post
    /// is still being made is waited for.
    /// </summary>
    public async Task<string?> ClaimAsync(ProxyCaller caller, string key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ids = new { user = caller.User.Name, account = caller.Account.Id, key, now, expired = now - Lifetime };
        for (var attempt = 0; ; attempt++)
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM proxy_idempotency WHERE user_name = @user AND account_id = @account AND idempotency_key = @key AND created_at < @expired",
                ids, cancellationToken: cancellationToken));
            var claimed = await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO proxy_idempotency (user_name, account_id, idempotency_key, post_id, created_at) VALUES (@user, @account, @key, NULL, @now)
                ON CONFLICT (user_name, account_id, idempotency_key) DO NOTHING
                """, ids, cancellationToken: cancellationToken));
            if (claimed == 1)
            {
                return null;
            }
            var post = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
                "SELECT post_id FROM proxy_idempotency WHERE user_name = @user AND account_id = @account AND idempotency_key = @key",
                ids, cancellationToken: cancellationToken));
            if (post is not null)
            {
                return post;
            }
            if (attempt >= 300)
            {
                throw MastodonRefusal.Unprocessable("A request with this Idempotency-Key is still being handled; try again in a moment.");
            }
            await Task.Delay(Poll, cancellationToken); // the first request is making its post (real time: a database round trip, not a schedule)
        }
    }

    public async Task CompleteAsync(ProxyCaller caller, string key, string postId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE proxy_idempotency SET post_id = @postId WHERE user_name = @user AND account_id = @account AND idempotency_key = @key",
            new { postId, user = caller.User.Name, account = caller.Account.Id, key }, cancellationToken: cancellationToken));
    }

    /// <summary>The request was refused before a post was made: the key is free for a corrected one.</summary>
    public async Task ReleaseAsync(ProxyCaller caller, string key)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            "DELETE FROM proxy_idempotency WHERE user_name = @user AND account_id = @account AND idempotency_key = @key AND post_id IS NULL",
            new { user = caller.User.Name, account = caller.Account.Id, key });
    }
}

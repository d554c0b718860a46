using System.Data.Common;
using System.Text.Json;
using Dapper;
using Gateway.Audit;
using Gateway.Freeze;
using Gateway.Notifications;
using Gateway.Rules;
using Gateway.Storage;

namespace Gateway.Posts;

/// <summary>Posts in the database. <see cref="ChangeAsync(PostChange, CancellationToken)"/> is the one place their status changes.</summary>
public sealed class PostStore(Database database, AuditLog audit, Notifier notifier, TimeProvider time)
{
    private const string Columns =
        """
        id, account_id AS Account, author, body, status, status_reason AS StatusReason, scheduled_at AS ScheduledAt,
        findings, created_at AS CreatedAt, updated_at AS UpdatedAt, published_at AS PublishedAt, publish_ref AS PublishRef, publish_url AS PublishUrl, version, required_approvals AS RequiredApprovals,
        crisis_statement AS CrisisStatement, unconfirmed, group_id AS GroupId, untimed, media
        """;

    public Task InsertAsync(Post post, CancellationToken cancellationToken = default) =>
        database.InTransactionAsync(async (c, t) =>
        {
            await InsertAsync(c, t, post);
            return true;
        }, cancellationToken);

    /// <summary>Inserts within the caller's transaction, so many posts can share one commit (imports, load tests).</summary>
    public async Task InsertAsync(DbConnection c, DbTransaction t, Post post)
    {
        await c.ExecuteAsync(
            """
            INSERT INTO posts (id, account_id, author, body, status, status_reason, scheduled_at, findings, created_at, updated_at, version, required_approvals, crisis_statement, trigger_at, group_id, untimed, media)
            VALUES (@Id, @Account, @Author, @Body, @status, @StatusReason, @ScheduledAt, @findings, @CreatedAt, @UpdatedAt, @Version, @RequiredApprovals, @CrisisStatement, @triggerAt, @Group, @Untimed, @media)
            """,
            new
            {
                post.Id, post.Account, post.Author, post.Body, status = PostTransitions.Name(post.Status), post.StatusReason,
                post.ScheduledAt, findings = Serialize(post.Findings), post.CreatedAt, post.UpdatedAt, post.Version, post.RequiredApprovals, post.CrisisStatement,
                post.Group, post.Untimed,
                triggerAt = post.TriggerAt is { } at ? UtcTimeHandler.ToText(at) : null,
                media = SerializeMedia(post.Media),
            }, t);
        await AddContributorAsync(c, t, post.Id, post.Author);
        await audit.AppendAsync(c, t, post.Author, post.Status == PostStatus.Draft ? "post.drafted" : "post.submitted", post.Id, new
        {
            post.Account, post.Group, post.CrisisStatement, status = PostTransitions.Name(post.Status), post.StatusReason, post.ScheduledAt,
            findings = post.Findings.Select(f => f.Rule).Distinct(),
            media = post.Media.Count == 0 ? null : post.Media.Select(m => m.Id),
        });
        if (Notifier.ForChange(null, post, "post.submitted") is { } notification)
        {
            await notifier.EnqueueAsync(c, t, notification);
        }
    }

    public async Task<Post?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await GetAsync(connection, null, id, cancellationToken);
    }

    /// <summary>Posts in time order, optionally of one status, one account and scheduled in [from, to).</summary>
    /// <param name="within">Only these accounts (the reader's, see <c>PostAccess</c>); null for every account.</param>
    public async Task<IReadOnlyList<Post>> ListAsync(PostStatus? status, string? account, int limit, CancellationToken cancellationToken = default,
        DateTimeOffset? from = null, DateTimeOffset? to = null, IReadOnlyCollection<string>? within = null)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<PostRow>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM posts
            WHERE (@status IS NULL OR status = @status) AND (@account IS NULL OR account_id = @account)
              AND (@everyAccount = 1 OR {database.Dialect.AnyOf("account_id", "within")})
              AND (@from IS NULL OR scheduled_at >= @from) AND (@to IS NULL OR scheduled_at < @to)
            ORDER BY scheduled_at, id
            LIMIT @limit
            """,
            new
            {
                status = status is { } s ? PostTransitions.Name(s) : null, account, limit,
                // As text, so that a missing bound still has a type (PostgreSQL cannot type a bare null parameter).
                from = from is { } f ? UtcTimeHandler.ToText(f) : null, to = to is { } u ? UtcTimeHandler.ToText(u) : null,
                everyAccount = within is null, within = within ?? [],
            },
            cancellationToken: cancellationToken));
        return rows.Select(r => r.ToPost()).ToArray();
    }

    public async Task<int> CountByAuthorAsync(string author, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM posts WHERE author = @author", new { author }, cancellationToken: cancellationToken));
    }

    /// <summary>How many posts are in each status (statuses without posts are left out).</summary>
    public async Task<IReadOnlyList<(PostStatus Status, long Count)>> CountByStatusAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Status, long Count)>(new CommandDefinition(
            "SELECT status, COUNT(*) FROM posts GROUP BY status", cancellationToken: cancellationToken));
        return rows.Select(r => (PostTransitions.Parse(r.Status), r.Count)).ToArray();
    }

    /// <summary>Ids of posts in <paramref name="status"/> whose time is at or before <paramref name="dueBy"/>.</summary>
    public async Task<IReadOnlyList<string>> DueAsync(PostStatus status, DateTimeOffset dueBy, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var ids = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT id FROM posts WHERE status = @status AND scheduled_at <= @dueBy ORDER BY scheduled_at",
            new { status = PostTransitions.Name(status), dueBy }, cancellationToken: cancellationToken));
        return ids.AsList();
    }

    /// <summary>The posts that should have a Quartz trigger (<see cref="Post.TriggerAt"/>, as committed).</summary>
    public Task<IReadOnlyList<Post>> WaitingAsync(CancellationToken cancellationToken = default) =>
        QueryAsync("trigger_at IS NOT NULL", new { }, cancellationToken);

    /// <summary>The posts being sent right now, and the node sending each.</summary>
    public async Task<IReadOnlyList<(string Id, string Account, string? Node)>> PublishingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<(string, string, string?)>(new CommandDefinition(
            "SELECT id, account_id, publishing_node FROM posts WHERE status = @publishing",
            new { publishing = PostTransitions.Name(PostStatus.Publishing) }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>The posts held for <paramref name="freezeId"/>: what it stopped.</summary>
    public async Task<IReadOnlyList<string>> HeldForAsync(string freezeId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT id FROM posts WHERE held_for = @freezeId AND status = @held ORDER BY scheduled_at, id",
            new { freezeId, held = PostTransitions.Name(PostStatus.Held) }, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>The posts of one group (written once for several accounts), in account order.</summary>
    public async Task<IReadOnlyList<Post>> GroupAsync(string group, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<PostRow>(new CommandDefinition(
            $"SELECT {Columns} FROM posts WHERE group_id = @group ORDER BY account_id, id", new { group }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToPost()).ToArray();
    }

    /// <summary>Held posts whose interrupted send the network may still confirm.</summary>
    public Task<IReadOnlyList<Post>> UnconfirmedAsync(CancellationToken cancellationToken = default) =>
        QueryAsync("status = @held AND unconfirmed = 1", new { held = PostTransitions.Name(PostStatus.Held) }, cancellationToken);

    private async Task<IReadOnlyList<Post>> QueryAsync(string where, object args, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // where is one of the constant conditions above, never input.
        var rows = await connection.QueryAsync<PostRow>(new CommandDefinition(
            $"SELECT {Columns} FROM posts WHERE {where} ORDER BY scheduled_at, id", args, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToPost()).ToArray();
    }

    /// <summary>Done with: nothing changes these posts unless someone edits one again (which re-runs its checks).</summary>
    public static readonly PostStatus[] Settled = [PostStatus.Published, PostStatus.Cancelled, PostStatus.Expired, PostStatus.Rejected, PostStatus.Failed];

    /// <summary>
    /// Rewrites the findings of at most <paramref name="limit"/> <see cref="Settled"/> posts last changed at or before
    /// <paramref name="settledBy"/> whose stored findings contain <paramref name="containing"/> (plain text, no LIKE
    /// wildcards), in one transaction with one <paramref name="action"/> audit entry when any changed;
    /// <paramref name="rewrite"/> returns null for a finding it leaves as it is. Their version
    /// and times stay: what was decided about them, and when, did not change. Returns how many posts changed.
    /// </summary>
    public Task<int> RewriteSettledFindingsAsync(DateTimeOffset settledBy, string containing, Func<Finding, Finding?> rewrite, string action, int limit,
        CancellationToken cancellationToken = default) =>
        database.InTransactionAsync(async (c, t) =>
        {
            var rows = await c.QueryAsync<(string Id, int Version, string Findings)>(new CommandDefinition(
                $"""
                SELECT id, version, findings FROM posts
                WHERE {database.Dialect.AnyOf("status", "settled")} AND updated_at <= @settledBy AND findings LIKE @like
                ORDER BY updated_at, id
                LIMIT @limit
                """,
                new { settled = Settled.Select(PostTransitions.Name).ToArray(), settledBy, like = "%" + containing + "%", limit },
                t, cancellationToken: cancellationToken));
            var changed = 0;
            foreach (var row in rows)
            {
                var findings = JsonSerializer.Deserialize<Finding[]>(row.Findings, JsonDefaults.Options)!
                    .Select(f => (Was: f, Now: rewrite(f))).ToArray();
                if (findings.Any(f => f.Now is not null))
                {
                    // Only as read: a post changed meanwhile, or rewritten by a run on another node, is left alone.
                    changed += await c.ExecuteAsync(new CommandDefinition(
                        "UPDATE posts SET findings = @findings WHERE id = @Id AND version = @Version AND findings = @was",
                        new { findings = Serialize(findings.Select(f => f.Now ?? f.Was).ToArray()), row.Id, row.Version, was = row.Findings },
                        t, cancellationToken: cancellationToken));
                }
            }
            if (changed > 0)
            {
                await audit.AppendAsync(c, t, AuditLog.System, action, null, new { posts = changed, settledBy });
            }
            return changed;
        }, cancellationToken);

    public Task<Post?> ChangeAsync(PostChange change, CancellationToken cancellationToken = default) =>
        database.InTransactionAsync((c, t) => ChangeAsync(c, t, change, cancellationToken), cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> if the transition table allows it. Returns the changed post, or null when
    /// a precondition (<see cref="PostChange.ExpectedFrom"/>, <see cref="PostChange.RequireNotFrozen"/>) does not hold.
    /// An illegal transition is the caller's mistake and throws a 409 problem.
    /// </summary>
    public async Task<Post?> ChangeAsync(DbConnection connection, DbTransaction transaction, PostChange change, CancellationToken cancellationToken)
    {
        var current = await GetAsync(connection, transaction, change.PostId, cancellationToken)
            ?? throw ProblemException.NotFound($"No post with id '{change.PostId}'.");
        if (change.ExpectedFrom is { } expected && current.Status != expected)
        {
            return null;
        }
        if (!PostTransitions.IsAllowed(current, change.To))
        {
            throw ProblemException.Conflict(
                $"The post is {PostTransitions.Name(current.Status)}; it cannot become {PostTransitions.Name(change.To)}.");
        }
        if (change.RequireNotFrozen && await FreezeStore.FenceAsync(connection, transaction, database.Dialect, current.Account, cancellationToken) is not null)
        {
            return null;
        }
        var now = time.GetUtcNow();
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE posts SET
                status = @to, status_reason = @Reason, updated_at = @now, version = version + 1,
                body = COALESCE(@Body, body),
                media = CASE WHEN @mediaChanged = 1 THEN @media ELSE media END,
                scheduled_at = COALESCE(@ScheduledAt, scheduled_at),
                findings = COALESCE(@findings, findings),
                published_at = COALESCE(@PublishedAt, published_at),
                publish_ref = COALESCE(@PublishRef, publish_ref),
                publish_url = COALESCE(@PublishUrl, publish_url),
                required_approvals = COALESCE(@RequiredApprovals, required_approvals),
                unconfirmed = @Unconfirmed,
                untimed = COALESCE(@untimed, untimed),
                publishing_node = @Node,
                held_for = @HeldFor,
                trigger_at = @triggerAt
            WHERE id = @PostId AND version = @Version
            """,
            new
            {
                change.PostId, to = PostTransitions.Name(change.To), change.Reason, now, change.Body,
                change.ScheduledAt,
                findings = change.Findings is null ? null : Serialize(change.Findings),
                change.PublishedAt, change.PublishRef, change.PublishUrl, change.RequiredApprovals, current.Version,
                change.Unconfirmed, change.Node, change.HeldFor,
                // An int, not a bool?: a null bool would reach PostgreSQL typed boolean, which COALESCE cannot mix with the integer column.
                untimed = change.Untimed is { } u ? (u ? 1 : 0) : (int?)null,
                mediaChanged = change.Media is not null ? 1 : 0, media = change.Media is null ? null : SerializeMedia(change.Media),
                triggerAt = (current with { Status = change.To, ScheduledAt = change.ScheduledAt ?? current.ScheduledAt }).TriggerAt is { } at
                    ? UtcTimeHandler.ToText(at) : null,
            }, transaction, cancellationToken: cancellationToken));
        if (updated == 0)
        {
            return null;
        }
        if (change.Body is not null || change.ScheduledAt is not null || change.Media is not null)
        {
            await AddContributorAsync(connection, transaction, change.PostId, change.Actor);
        }
        await audit.AppendAsync(connection, transaction, change.Actor, change.Action, change.PostId, new
        {
            from = PostTransitions.Name(current.Status),
            to = PostTransitions.Name(change.To),
            reason = change.Reason,
            scheduledAt = change.ScheduledAt,
            findings = change.Findings?.Select(f => f.Rule).Distinct(),
            media = change.Media?.Select(m => m.Id),
            publishRef = change.PublishRef,
            publishUrl = change.PublishUrl,
        });
        var after = (await GetAsync(connection, transaction, change.PostId, cancellationToken))!;
        if (Notifier.ForChange(current.Status, after, change.Action) is { } notification)
        {
            await notifier.EnqueueAsync(connection, transaction, notification);
        }
        return after;
    }

    /// <summary>The author and everyone who changed the post's text or time: none of them may give its second opinion.</summary>
    public static async Task<IReadOnlySet<string>> ContributorsAsync(DbConnection connection, DbTransaction? transaction, string postId) =>
        (await connection.QueryAsync<string>("SELECT user_name FROM post_contributors WHERE post_id = @postId", new { postId }, transaction))
            .ToHashSet(StringComparer.Ordinal);

    public async Task<IReadOnlySet<string>> ContributorsAsync(string postId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ContributorsAsync(connection, null, postId);
    }

    private static Task AddContributorAsync(DbConnection connection, DbTransaction transaction, string postId, string user) =>
        connection.ExecuteAsync("INSERT INTO post_contributors (post_id, user_name) VALUES (@postId, @user) ON CONFLICT DO NOTHING",
            new { postId, user }, transaction);

    public async Task<Post?> GetAsync(DbConnection connection, DbTransaction? transaction, string id, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<PostRow>(new CommandDefinition(
            $"SELECT {Columns} FROM posts WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        return row?.ToPost();
    }

    private static string Serialize(IReadOnlyList<Finding> findings) => JsonSerializer.Serialize(findings, JsonDefaults.Options);

    private static string? SerializeMedia(IReadOnlyList<PostMedia> media) => media.Count == 0 ? null : JsonSerializer.Serialize(media, JsonDefaults.Options);

    private sealed class PostRow
    {
        public string Id { get; init; } = "";
        public string Account { get; init; } = "";
        public string Author { get; init; } = "";
        public string Body { get; init; } = "";
        public string Status { get; init; } = "";
        public string? StatusReason { get; init; }
        public DateTimeOffset ScheduledAt { get; init; }
        public string Findings { get; init; } = "[]";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public DateTimeOffset? PublishedAt { get; init; }
        public string? PublishRef { get; init; }
        public string? PublishUrl { get; init; }
        public int Version { get; init; }
        public int RequiredApprovals { get; init; }
        public bool CrisisStatement { get; init; }
        public bool Unconfirmed { get; init; }
        public string? GroupId { get; init; }
        public bool Untimed { get; init; }
        public string? Media { get; init; }

        public Post ToPost() => new(
            Id, Account, Author, Body, PostTransitions.Parse(Status), StatusReason, ScheduledAt,
            JsonSerializer.Deserialize<Finding[]>(Findings, JsonDefaults.Options)!,
            CreatedAt, UpdatedAt, PublishedAt, PublishRef, Version, RequiredApprovals, CrisisStatement, Unconfirmed, PublishUrl, GroupId, Untimed)
        {
            Media = Media is null ? [] : JsonSerializer.Deserialize<PostMedia[]>(Media, JsonDefaults.Options)!,
        };
    }
}

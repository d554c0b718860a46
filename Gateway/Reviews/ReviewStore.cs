using System.Data.Common;
using Dapper;
using Gateway.Storage;

namespace Gateway.Reviews;

public sealed class ReviewStore(Database database)
{
    private const string Columns =
        "id, post_id AS PostId, reviewer, verdict, comment, content_hash AS ContentHash, at, voided_at AS VoidedAt";

    /// <summary>Records a verdict; a second approval of the same version by the same person is ignored (one person counts once).</summary>
    public static Task<int> AddAsync(DbConnection connection, DbTransaction transaction, string postId, string reviewer, string verdict, string? comment, string contentHash, DateTimeOffset at) =>
        connection.ExecuteAsync(
            """
            INSERT INTO reviews (post_id, reviewer, verdict, comment, content_hash, at) VALUES (@postId, @reviewer, @verdict, @comment, @contentHash, @at)
            ON CONFLICT DO NOTHING
            """,
            new { postId, reviewer, verdict, comment, contentHash, at }, transaction);

    /// <summary>
    /// The distinct people whose approval of this exact version still counts (given on or after <paramref name="since"/>),
    /// leaving out anyone who wrote or changed the post: what <see cref="FourEyes.IsSatisfied"/> counts.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ApproversAsync(DbConnection connection, DbTransaction? transaction, string postId, string contentHash, DateTimeOffset since)
    {
        var names = await connection.QueryAsync<string>(
            """
            SELECT DISTINCT reviewer FROM reviews
            WHERE post_id = @postId AND verdict = 'approve' AND content_hash = @contentHash AND voided_at IS NULL AND at >= @since
              AND reviewer NOT IN (SELECT user_name FROM post_contributors WHERE post_id = @postId)
            ORDER BY reviewer
            """, new { postId, contentHash, since }, transaction);
        return names.AsList();
    }

    public async Task<IReadOnlyList<string>> ApproversAsync(string postId, string contentHash, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ApproversAsync(connection, null, postId, contentHash, since);
    }

    /// <summary>Has anyone given a verdict on any version of the post? Then an edit keeps it in review.</summary>
    public async Task<bool> AnyAsync(string postId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM reviews WHERE post_id = @postId)", new { postId }, cancellationToken: cancellationToken));
    }

    /// <summary>Marks approvals of earlier versions void, so the history shows which edit undid them.</summary>
    public async Task<int> VoidOutdatedAsync(string postId, string currentHash, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE reviews SET voided_at = @at WHERE post_id = @postId AND verdict = 'approve' AND voided_at IS NULL AND content_hash <> @currentHash",
            new { postId, currentHash, at }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Review>> HistoryAsync(string postId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var reviews = await connection.QueryAsync<Review>(new CommandDefinition(
            $"SELECT {Columns} FROM reviews WHERE post_id = @postId ORDER BY id", new { postId }, cancellationToken: cancellationToken));
        return reviews.AsList();
    }

    public static async Task<Comment> AddCommentAsync(DbConnection connection, DbTransaction transaction, string postId, string author, string text, DateTimeOffset at)
    {
        var id = await connection.ExecuteScalarAsync<long>(
            "INSERT INTO comments (post_id, author, text, at) VALUES (@postId, @author, @text, @at) RETURNING id",
            new { postId, author, text, at }, transaction);
        return new Comment(id, postId, author, text, at);
    }

    public async Task<IReadOnlyList<Comment>> CommentsAsync(string postId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var comments = await connection.QueryAsync<Comment>(new CommandDefinition(
            "SELECT id, post_id AS PostId, author, text, at FROM comments WHERE post_id = @postId ORDER BY id",
            new { postId }, cancellationToken: cancellationToken));
        return comments.AsList();
    }
}

using Dapper;
using Gateway.Audit;
using Gateway.Storage;

namespace Gateway.Freeze;

/// <summary>Each freeze is an incident; its timeline is read back from the audit log and the posts it covered.</summary>
public sealed class IncidentLog(Database database, FreezeStore freezes, TimeProvider time)
{
    public async Task<IReadOnlyList<Incident>> ListAsync(CancellationToken cancellationToken) =>
        (await freezes.HistoryAsync(cancellationToken)).Select(h => Summary(h.Freeze, h.LiftedAt, h.LiftedBy, h.LiftReason)).ToArray();

    public async Task<Incident?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var found = (await freezes.HistoryAsync(cancellationToken)).Where(h => h.Freeze.Id == id).ToArray();
        if (found.Length == 0)
        {
            return null;
        }
        var (freeze, liftedAt, liftedBy, liftReason) = found[0];
        var window = new { from = freeze.Since, to = liftedAt ?? time.GetUtcNow(), id, global = freeze.Global ? 1 : 0, accounts = freeze.Accounts.ToArray() };
        await using var connection = await database.OpenAsync(cancellationToken);
        var timeline = (await connection.QueryAsync<AuditEntry>(new CommandDefinition(
            $"""
            SELECT a.id, a.at, a.actor, a.action, a.subject, a.details FROM audit a LEFT JOIN posts p ON p.id = a.subject
            WHERE a.subject = @id
               OR (a.at >= @from AND a.at <= @to AND p.id IS NOT NULL AND (@global = 1 OR {database.Dialect.AnyOf("p.account_id", "accounts")}))
            ORDER BY a.id
            """, window, cancellationToken: cancellationToken))).AsList();
        var statements = await connection.QueryAsync<StatementRow>(new CommandDefinition(
            $"""
            SELECT id AS PostId, account_id AS Account, created_at AS SubmittedAt, published_at AS PublishedAt FROM posts
            WHERE crisis_statement = 1 AND created_at >= @from AND created_at <= @to AND (@global = 1 OR {database.Dialect.AnyOf("account_id", "accounts")})
            ORDER BY created_at
            """, window, cancellationToken: cancellationToken));
        return Summary(freeze, liftedAt, liftedBy, liftReason) with
        {
            Timeline = timeline,
            HeldPosts = timeline.Where(e => e.Action == "post.held").Select(e => e.Subject!).Distinct().ToArray(),
            Statements = statements.Select(s => new StatementRecord(s.PostId, s.Account, s.SubmittedAt, s.PublishedAt,
                s.PublishedAt is { } at ? Math.Round((at - s.SubmittedAt).TotalSeconds, 1) : null)).ToArray(),
        };
    }

    private static Incident Summary(Freeze freeze, DateTimeOffset? liftedAt, string? liftedBy, string? liftReason) =>
        new(freeze.Id, freeze.Scope, freeze.Accounts, freeze.Since, freeze.By, freeze.Reason, liftedAt, liftedBy, liftReason);

    private sealed class StatementRow
    {
        public string PostId { get; init; } = "";
        public string Account { get; init; } = "";
        public DateTimeOffset SubmittedAt { get; init; }
        public DateTimeOffset? PublishedAt { get; init; }
    }
}

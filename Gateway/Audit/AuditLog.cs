using System.Data.Common;
using System.Text.Json;
using Dapper;
using Gateway.Storage;

namespace Gateway.Audit;

/// <summary>
/// The append-only record the team reads after a crisis. Entries are written in the same transaction as the
/// change they describe, so the log never claims something that did not happen, nor misses something that did.
/// </summary>
public sealed class AuditLog(Database database, TimeProvider time)
{
    public const string System = "system";

    public Task AppendAsync(DbConnection connection, DbTransaction transaction, string actor, string action, string? subject, object? details = null) =>
        connection.ExecuteAsync(
            "INSERT INTO audit (at, actor, action, subject, details) VALUES (@at, @actor, @action, @subject, @details)",
            new
            {
                at = time.GetUtcNow(),
                actor,
                action,
                subject,
                details = details is null ? null : JsonSerializer.Serialize(details, JsonDefaults.Options),
            },
            transaction);

    public Task AppendAsync(string actor, string action, string? subject, object? details = null) =>
        database.InTransactionAsync(async (c, t) =>
        {
            await AppendAsync(c, t, actor, action, subject, details);
            return true;
        });

    /// <summary>Newest first. <paramref name="before"/> is the id of the last entry of the previous page.</summary>
    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(int limit, long? before, string? action, string? subject, string? actor, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditEntry>(new CommandDefinition(
            """
            SELECT id, at, actor, action, subject, details FROM audit
            WHERE (@before IS NULL OR id < @before)
              AND (@action IS NULL OR action = @action)
              AND (@subject IS NULL OR subject = @subject)
              AND (@actor IS NULL OR actor = @actor)
            ORDER BY id DESC
            LIMIT @limit
            """,
            new { before, action, subject, actor, limit },
            cancellationToken: cancellationToken));
        return rows.AsList();
    }
}

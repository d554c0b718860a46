using System.Data.Common;
using Dapper;
using Gateway.Storage;

namespace Gateway.Freeze;

/// <summary>The freezes as recorded in the database: the only source of truth, read fresh at every fire time.</summary>
public sealed class FreezeStore(Database database)
{
    public async Task<FreezeState> GetAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return FreezeState.Of(await ListAsync(connection, null, activeOnly: true, cancellationToken));
    }

    public static async Task<IReadOnlyList<Freeze>> ActiveAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken) =>
        await ListAsync(connection, transaction, activeOnly: true, cancellationToken);

    /// <summary>Every freeze, lifted ones included, newest first: the incidents.</summary>
    public async Task<IReadOnlyList<(Freeze Freeze, DateTimeOffset? LiftedAt, string? LiftedBy, string? LiftReason)>> HistoryAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<FreezeRow>(new CommandDefinition(
            $"{Select} ORDER BY f.frozen_at DESC", cancellationToken: cancellationToken))).AsList();
        return rows.GroupBy(r => r.Id).Select(g => (ToFreeze(g), g.First().LiftedAt, g.First().LiftedBy, g.First().LiftReason)).ToArray();
    }

    private const string Select =
        """
        SELECT f.id AS Id, f.frozen_at AS Since, f.frozen_by AS By, f.reason AS Reason, f.lifted_at AS LiftedAt,
               f.lifted_by AS LiftedBy, f.lift_reason AS LiftReason, f.rule AS Rule, fa.account_id AS Account
        FROM freezes f LEFT JOIN freeze_accounts fa ON fa.freeze_id = f.id
        """;

    private static async Task<IReadOnlyList<Freeze>> ListAsync(DbConnection connection, DbTransaction? transaction, bool activeOnly, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<FreezeRow>(new CommandDefinition(
            $"{Select} WHERE (@activeOnly = 0 OR f.lifted_at IS NULL) ORDER BY f.frozen_at, fa.account_id",
            new { activeOnly = activeOnly ? 1 : 0 }, transaction, cancellationToken: cancellationToken));
        return rows.GroupBy(r => r.Id).Select(ToFreeze).ToArray();
    }

    private static Freeze ToFreeze(IGrouping<string, FreezeRow> rows)
    {
        var first = rows.First();
        return new Freeze(first.Id, rows.Where(r => r.Account is not null).Select(r => r.Account!).ToArray(), first.Since, first.By, first.Reason, first.Rule);
    }

    private sealed class FreezeRow
    {
        public string Id { get; init; } = "";
        public DateTimeOffset Since { get; init; }
        public string By { get; init; } = "";
        public string Reason { get; init; } = "";
        public DateTimeOffset? LiftedAt { get; init; }
        public string? LiftedBy { get; init; }
        public string? LiftReason { get; init; }
        public string? Rule { get; init; }
        public string? Account { get; init; }
    }
}

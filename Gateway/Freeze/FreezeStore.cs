using System.Data.Common;
using Dapper;
using Gateway.Storage;

namespace Gateway.Freeze;

/// <summary>The freeze as recorded in the database: the only source of truth, read fresh at every fire time.</summary>
public sealed class FreezeStore(Database database)
{
    public async Task<FreezeState> GetAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await GetAsync(connection, null, cancellationToken);
    }

    public static async Task<FreezeState> GetAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var row = await connection.QueryFirstOrDefaultAsync<FreezeRow>(new CommandDefinition(
            "SELECT frozen_at AS Since, frozen_by AS By, reason FROM freezes WHERE lifted_at IS NULL ORDER BY frozen_at LIMIT 1",
            transaction: transaction, cancellationToken: cancellationToken));
        return row is null ? FreezeState.Thawed : new FreezeState(true, row.Since, row.By, row.Reason);
    }

    private sealed class FreezeRow
    {
        public DateTimeOffset Since { get; init; }
        public string By { get; init; } = "";
        public string Reason { get; init; } = "";
    }
}

using System.Data.Common;
using Dapper;
using Gateway.Storage;

namespace Gateway.Freeze;

/// <summary>
/// The freezes as recorded in the database: the only source of truth, read fresh at every fire time, and the only
/// code that writes or reads the freeze tables. Which freeze covers an account is <see cref="FreezeState.Covering"/>.
/// </summary>
public sealed class FreezeStore(Database database)
{
    public async Task<FreezeState> GetAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return FreezeState.Of(await ActiveAsync(connection, null, cancellationToken));
    }

    public static async Task<IReadOnlyList<Freeze>> ActiveAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<FreezeRow>(new CommandDefinition(
            $"{Select} WHERE f.lifted_at IS NULL ORDER BY f.frozen_at, fa.account_id", transaction: transaction, cancellationToken: cancellationToken));
        return rows.GroupBy(r => r.Id).Select(ToFreeze).ToArray();
    }

    /// <summary>
    /// The freeze that stops a post to <paramref name="account"/> due at <paramref name="dueAt"/>: one active now, or
    /// one that was active at its due time and has been lifted since (the post came due during it and needs a person).
    /// </summary>
    public async Task<Freeze?> CoveringAsync(string account, DateTimeOffset dueAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<FreezeRow>(new CommandDefinition(
            $"{Select} WHERE f.lifted_at IS NULL OR (f.frozen_at <= @dueAt AND f.lifted_at > @dueAt) ORDER BY f.frozen_at, fa.account_id",
            new { dueAt }, cancellationToken: cancellationToken));
        return FreezeState.Covering(rows.GroupBy(r => r.Id).Select(ToFreeze).ToArray(), account);
    }

    /// <summary>
    /// The publish fence, inside the caller's transaction: the freeze that covers <paramref name="account"/> now, or
    /// null. It holds <see cref="DatabaseLock.Freezes"/> shared until the transaction ends, and recording a freeze
    /// takes it exclusively, so a freeze either sees the post already <c>publishing</c> (and stops it) or the post
    /// sees the freeze. Without the lock, on PostgreSQL's read committed, both could miss each other.
    /// </summary>
    public static async Task<Freeze?> FenceAsync(DbConnection connection, DbTransaction transaction, ISqlDialect dialect, string account, CancellationToken cancellationToken)
    {
        await dialect.LockAsync(connection, transaction, DatabaseLock.Freezes, shared: true, cancellationToken);
        return FreezeState.Covering(await ActiveAsync(connection, transaction, cancellationToken), account);
    }

    /// <summary>Records <paramref name="freeze"/>, holding <see cref="DatabaseLock.Freezes"/> until the transaction commits (see <see cref="FenceAsync"/>).</summary>
    public static async Task CreateAsync(DbConnection connection, DbTransaction transaction, Freeze freeze)
    {
        await connection.ExecuteAsync(
            "INSERT INTO freezes (id, reason, frozen_by, frozen_at, scope, rule) VALUES (@Id, @Reason, @By, @Since, @Scope, @Rule)", freeze, transaction);
        await connection.ExecuteAsync(
            "INSERT INTO freeze_accounts (freeze_id, account_id) VALUES (@id, @account)", freeze.Accounts.Select(account => new { id = freeze.Id, account }), transaction);
    }

    /// <summary>Takes the lock <see cref="CreateAsync"/> needs, before the transaction reads what it decides on.</summary>
    public static Task LockAsync(DbConnection connection, DbTransaction transaction, ISqlDialect dialect, CancellationToken cancellationToken) =>
        dialect.LockAsync(connection, transaction, DatabaseLock.Freezes, shared: false, cancellationToken);

    public static Task LiftAsync(DbConnection connection, DbTransaction transaction, string id, DateTimeOffset at, string by, string reason) =>
        connection.ExecuteAsync(
            "UPDATE freezes SET lifted_at = @at, lifted_by = @by, lift_reason = @reason WHERE id = @id AND lifted_at IS NULL",
            new { id, at, by, reason }, transaction);

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

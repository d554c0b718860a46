using System.Data.Common;
using Dapper;

namespace Gateway.Storage;

/// <summary>Opens connections, runs units of work in a transaction, and keeps the schema current.</summary>
public sealed class Database
{
    private readonly ISqlDialect _dialect;

    static Database()
    {
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new UtcTimeHandler());
    }

    public Database(ISqlDialect dialect) => _dialect = dialect;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = _dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await _dialect.PrepareAsync(connection, cancellationToken);
        await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        var current = await connection.ExecuteScalarAsync<int?>("SELECT MAX(version) FROM schema_version") ?? 0;
        var migrations = Schema.Migrations(_dialect);
        for (var version = current + 1; version <= migrations.Count; version++)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(migrations[version - 1], transaction: transaction);
            await connection.ExecuteAsync("INSERT INTO schema_version (version) VALUES (@version)", new { version }, transaction);
            await transaction.CommitAsync(cancellationToken);
        }
    }
}

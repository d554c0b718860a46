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
        SqlMapper.RemoveTypeMap(typeof(bool));
        SqlMapper.RemoveTypeMap(typeof(bool?));
        SqlMapper.AddTypeHandler(new IntegerBoolHandler());
    }

    // Measured on SQLite with 25 publishing threads: without it a burst's slowest commits waited 0.7 s in
    // Microsoft.Data.Sqlite's busy retries; queued here, they wait for the one before them and no longer.
    private readonly SemaphoreSlim? _writer;

    public Database(ISqlDialect dialect)
    {
        _dialect = dialect;
        _writer = dialect.OneWriterAtATime ? new SemaphoreSlim(1, 1) : null;
    }

    public ISqlDialect Dialect => _dialect;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = _dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        if (_writer is not null)
        {
            await _writer.WaitAsync(cancellationToken);
        }
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            _writer?.Release();
        }
    }

    /// <summary>Brings the schema to the latest version in one transaction; nodes starting together take turns.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await _dialect.PrepareAsync(connection, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await _dialect.LockAsync(connection, transaction, DatabaseLock.Schema, shared: false, cancellationToken);
        await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", transaction: transaction);
        var current = await connection.ExecuteScalarAsync<int?>("SELECT MAX(version) FROM schema_version", transaction: transaction) ?? 0;
        var migrations = Schema.Migrations(_dialect);
        for (var version = current + 1; version <= migrations.Count; version++)
        {
            await connection.ExecuteAsync(migrations[version - 1], transaction: transaction);
            await connection.ExecuteAsync("INSERT INTO schema_version (version) VALUES (@version)", new { version }, transaction);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The engine the configuration names, or a readable error.</summary>
    public static ISqlDialect For(GatewayOptions options, ILoggerFactory? logs = null) => options.Database.Provider.Trim().ToLowerInvariant() switch
    {
        DatabaseOptions.Sqlite => new SqliteDialect(options.DatabasePath, options.SchedulerPath),
        DatabaseOptions.Postgres => new PostgresDialect(
            string.IsNullOrWhiteSpace(options.Database.ConnectionString)
                ? throw new InvalidOperationException("Gateway:Database:ConnectionString is required with Gateway:Database:Provider=postgres.")
                : options.Database.ConnectionString,
            logs?.CreateLogger<PostgresDialect>()),
        var other => throw new InvalidOperationException($"Gateway:Database:Provider '{other}' is not known: use 'sqlite' or 'postgres'."),
    };
}

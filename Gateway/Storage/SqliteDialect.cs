using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Gateway.Storage;

/// <summary>The embedded default: one SQLite file under the data directory.</summary>
public sealed class SqliteDialect(string path) : ISqlDialect
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        // Writers wait for each other (SQLite allows one) instead of failing with "database is locked".
        DefaultTimeout = 30,
    }.ToString();

    public string Path => path;

    public DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    public string AutoIncrementKey => "INTEGER PRIMARY KEY AUTOINCREMENT";

    public async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // WAL lets readers (the API, the fire-time gate) run while a writer commits; it is a property of the file.
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", cancellationToken: cancellationToken));
    }
}

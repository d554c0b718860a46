using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Quartz;

namespace Gateway.Storage;

/// <summary>
/// The embedded default: two SQLite files under the data directory, the gateway's and Quartz's, for one node. The
/// node that changes something is the only one that needs to hear of it, so announcements are no-ops.
/// </summary>
public sealed class SqliteDialect(string databasePath, string schedulerPath) : ISqlDialect
{
    private readonly string _connectionString = ConnectionString(databasePath);
    private readonly string _schedulerConnectionString = ConnectionString(schedulerPath);

    public DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    public string AutoIncrementKey => "INTEGER PRIMARY KEY AUTOINCREMENT";

    public string Binary => "BLOB";

    public bool Clustered => false;

    public bool OneWriterAtATime => true;

    public string AnyOf(string column, string parameter) => $"{column} IN @{parameter}";

    public Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => EnableWalAsync(connection, cancellationToken);

    // Microsoft.Data.Sqlite begins transactions IMMEDIATE: one writer at a time already, whatever it is doing.
    public Task LockAsync(DbConnection connection, DbTransaction transaction, DatabaseLock which, bool shared, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public void ConfigureScheduler(IPersistentStoreBuilder store, ClusterOptions cluster) => store.UseSqlite(_schedulerConnectionString);

    public async Task PrepareSchedulerAsync(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_schedulerConnectionString);
        await connection.OpenAsync(cancellationToken);
        await EnableWalAsync(connection, cancellationToken);
    }

    public Task AnnounceAsync(DbConnection connection, DbTransaction transaction, Channel channel, string payload, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public async Task ListenAsync(Channel channel, Func<string?, Task> heard, CancellationToken cancellationToken)
    {
        await heard(null);
        await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static string ConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        // Writers wait for each other (SQLite allows one) instead of failing with "database is locked".
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>
    /// WAL lets readers (the API, the fire-time gate) run while a writer commits, and costs one fsync per commit
    /// instead of several; it is a property of the file, so setting it once is enough. Commits stay fully
    /// synchronous: an acknowledged freeze must survive a power cut.
    /// </summary>
    private static Task EnableWalAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode=WAL", cancellationToken: cancellationToken));
}

using System.Data.Common;
using Quartz;

namespace Gateway.Storage;

/// <summary>
/// Everything that differs between database engines, for the gateway's tables and for Quartz's store. The rest
/// of the storage code speaks portable SQL (parameters, <c>ON CONFLICT</c>, <c>RETURNING</c>, <c>LIMIT</c>), so
/// an engine is one implementation of this.
/// </summary>
public interface ISqlDialect
{
    DbConnection CreateConnection();

    /// <summary>Column definition of an auto-numbered primary key.</summary>
    string AutoIncrementKey { get; }

    /// <summary>Column type of bytes.</summary>
    string Binary { get; }

    /// <summary>
    /// <c>column</c> is one of the values of the list parameter <c>parameter</c>, both constants of the calling code.
    /// Dapper expands <c>IN @list</c> into one parameter per value except on Npgsql, where it sends one array.
    /// </summary>
    string AnyOf(string column, string parameter);

    /// <summary>
    /// True when the engine lets one transaction write at a time (SQLite): the gateway's own then queue for it in
    /// process instead of meeting the lock and sleeping in the driver's retry loop.
    /// </summary>
    bool OneWriterAtATime { get; }

    /// <summary>True when several nodes may share the database: Quartz runs clustered and changes are announced to every node.</summary>
    bool Clustered { get; }

    /// <summary>One-time settings when the schema is created or upgraded.</summary>
    Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Takes <paramref name="which"/> until <paramref name="transaction"/> ends: shared ones wait only for an
    /// exclusive holder. Engines that run one writer at a time (SQLite) need none.
    /// </summary>
    Task LockAsync(DbConnection connection, DbTransaction transaction, DatabaseLock which, bool shared, CancellationToken cancellationToken);

    /// <summary>Points Quartz's persistent store at this engine.</summary>
    void ConfigureScheduler(IPersistentStoreBuilder store, ClusterOptions cluster);

    /// <summary>One-time settings for Quartz's store, before the scheduler first opens it.</summary>
    Task PrepareSchedulerAsync(CancellationToken cancellationToken);

    /// <summary>Tells every other node <paramref name="payload"/> on <paramref name="channel"/> once <paramref name="transaction"/> commits.</summary>
    Task AnnounceAsync(DbConnection connection, DbTransaction transaction, Channel channel, string payload, CancellationToken cancellationToken);

    /// <summary>
    /// Hears what other nodes announce on <paramref name="channel"/> until cancelled, reconnecting when the
    /// database goes away. <paramref name="heard"/> gets each payload, and null after every (re)connect: what was
    /// announced while nobody listened is lost, so the listener reads the state again.
    /// </summary>
    Task ListenAsync(Channel channel, Func<string?, Task> heard, CancellationToken cancellationToken);
}

/// <summary>A lock every node agrees on by its key.</summary>
public sealed record DatabaseLock
{
    /// <summary>Nodes starting together migrate one after another.</summary>
    public static readonly DatabaseLock Schema = new(0x43_47_53_43_48_45_4D_41);

    /// <summary>Recording a freeze (exclusive) against the publish fence (shared): see <see cref="Freeze.FreezeStore.FenceAsync"/>.</summary>
    public static readonly DatabaseLock Freezes = new(0x43_47_46_52_45_45_5A_45);

    private DatabaseLock(long key) => Key = key;

    public long Key { get; }
}

/// <summary>What nodes announce to each other. The name is an identifier in SQL (<c>LISTEN</c> takes no parameter), so only these exist.</summary>
public sealed record Channel
{
    /// <summary>A freeze was recorded: stop what it covers.</summary>
    public static readonly Channel Freeze = new("crisis_gateway_freeze");

    private Channel(string name) => Name = name;

    public string Name { get; }
}

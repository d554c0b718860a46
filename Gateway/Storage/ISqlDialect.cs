using System.Data.Common;
using Quartz;

namespace Gateway.Storage;

/// <summary>
/// Everything that differs between database engines, for the gateway's tables and for Quartz's store. The rest
/// of the storage code speaks portable SQL (parameters, <c>ON CONFLICT</c>), so moving to PostgreSQL means one
/// more implementation of this.
/// </summary>
public interface ISqlDialect
{
    DbConnection CreateConnection();

    /// <summary>Column definition of an auto-numbered primary key.</summary>
    string AutoIncrementKey { get; }

    /// <summary>One-time settings when the schema is created or upgraded.</summary>
    Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Points Quartz's persistent store at this engine.</summary>
    void ConfigureScheduler(IPersistentStoreBuilder store);

    /// <summary>A connection to Quartz's store, for the one set operation Quartz has no fast call for (see <see cref="Scheduling.PostScheduler.ResumePostsAsync"/>).</summary>
    DbConnection CreateSchedulerConnection();

    /// <summary>One-time settings for Quartz's store, before the scheduler first opens it.</summary>
    Task PrepareSchedulerAsync(CancellationToken cancellationToken);
}

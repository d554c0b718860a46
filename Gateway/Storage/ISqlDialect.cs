using System.Data.Common;

namespace Gateway.Storage;

/// <summary>
/// Everything that differs between database engines. The rest of the storage code speaks portable SQL
/// (parameters, <c>ON CONFLICT</c>, partial indexes), so moving to PostgreSQL means one more implementation of this.
/// </summary>
public interface ISqlDialect
{
    DbConnection CreateConnection();

    /// <summary>Column definition of an auto-numbered primary key.</summary>
    string AutoIncrementKey { get; }

    /// <summary>One-time settings when the schema is created or upgraded.</summary>
    Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken);
}

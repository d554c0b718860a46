using System.Data;
using Dapper;

namespace Gateway.Storage;

/// <summary>
/// Flags are stored as <c>INTEGER</c> 0/1 on every engine: SQLite has no boolean type, and PostgreSQL refuses to
/// compare or assign a boolean to an integer column, which it would get from Dapper's default mapping.
/// </summary>
public sealed class IntegerBoolHandler : SqlMapper.TypeHandler<bool>
{
    public override void SetValue(IDbDataParameter parameter, bool value)
    {
        parameter.DbType = DbType.Int32;
        parameter.Value = value ? 1 : 0;
    }

    public override bool Parse(object value) => value is bool b ? b : Convert.ToInt64(value) != 0;
}

using System.Data;
using System.Globalization;
using Dapper;

namespace Gateway.Storage;

/// <summary>
/// Times are stored as fixed-width ISO-8601 UTC text: portable across engines, readable in a SQL shell,
/// and ordered correctly by a plain string comparison.
/// </summary>
public sealed class UtcTimeHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    public static string ToText(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static DateTimeOffset FromText(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        parameter.DbType = DbType.String;
        parameter.Value = ToText(value);
    }

    public override DateTimeOffset Parse(object value) => FromText((string)value);
}

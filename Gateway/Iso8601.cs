using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway;

/// <summary>Times at the edges: ISO-8601 with an explicit offset in, UTC inside.</summary>
public static partial class Iso8601
{
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$", RegexOptions.IgnoreCase)]
    private static partial Regex WithOffset();

    public static DateTimeOffset Parse(string? text, string field)
    {
        if (text is null || !WithOffset().IsMatch(text.Trim())
            || !DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            throw ProblemException.BadRequest(
                $"'{field}' must be an ISO-8601 time with an offset, such as 2026-11-26T09:30:00Z or 2026-11-26T10:30:00+01:00; got '{text}'.");
        }
        return InRange(value.ToUniversalTime(), field, text);
    }

    // A day inside DateTimeOffset's range at either end: shown in any time zone (offsets reach ±14:00) a time still exists.
    public static readonly DateTimeOffset Earliest = DateTimeOffset.MinValue.AddDays(1);
    public static readonly DateTimeOffset Latest = DateTimeOffset.MaxValue.AddDays(-1);

    /// <summary>A time the gateway can show and compute with, or a 400 naming <paramref name="field"/>.</summary>
    public static DateTimeOffset InRange(DateTimeOffset at, string field, string? text = null) =>
        at >= Earliest && at <= Latest
            ? at
            : throw ProblemException.BadRequest($"'{field}' {text ?? at.ToString("O")} is outside the times the gateway handles ({Earliest:yyyy-MM-dd} to {Latest:yyyy-MM-dd} UTC).");
}

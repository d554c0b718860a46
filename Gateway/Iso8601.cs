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
        return value.ToUniversalTime();
    }
}

using System.Globalization;
using System.Text.Encodings.Web;
using Gateway.Posts;
using Microsoft.AspNetCore.Html;

namespace Gateway.Web;

/// <summary>Small pieces every page shows the same way.</summary>
public static class Display
{
    /// <summary>UTC in the page; app.js rewrites it into the reader's own zone, with the ISO time kept in <c>datetime</c>.</summary>
    public static IHtmlContent Time(DateTimeOffset? at)
    {
        if (at is null)
        {
            return HtmlString.Empty;
        }
        var utc = at.Value.ToUniversalTime();
        return new HtmlString(
            $"<time datetime=\"{utc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}\">{utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC</time>");
    }

    public static IHtmlContent Status(PostStatus status)
    {
        var name = PostTransitions.Name(status);
        return new HtmlString($"<span class=\"status status-{name}\">{HtmlEncoder.Default.Encode(name.Replace('_', ' '))}</span>");
    }

    /// <summary>
    /// A time typed into a <c>datetime-local</c> field, read in the zone the browser reported (UTC without script),
    /// as the ISO-8601 text the services take.
    /// </summary>
    public static string? ToIso(string? local, string? timeZone)
    {
        if (string.IsNullOrWhiteSpace(local))
        {
            return null;
        }
        if (!DateTime.TryParse(local, CultureInfo.InvariantCulture, DateTimeStyles.None, out var wall))
        {
            throw ProblemException.BadRequest($"'{local}' is not a date and time.");
        }
        var zone = TimeZoneInfo.Utc;
        if (!string.IsNullOrWhiteSpace(timeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out zone))
        {
            throw ProblemException.BadRequest($"Unknown time zone '{timeZone}'.");
        }
        var offset = zone!.GetUtcOffset(DateTime.SpecifyKind(wall, DateTimeKind.Unspecified));
        return new DateTimeOffset(DateTime.SpecifyKind(wall, DateTimeKind.Unspecified), offset).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    /// <summary>The value a <c>datetime-local</c> field starts with, in the reader's zone when known.</summary>
    public static string ToLocalInput(DateTimeOffset at, string? timeZone) =>
        TimeZoneInfo.ConvertTime(at, !string.IsNullOrWhiteSpace(timeZone) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) ? zone : TimeZoneInfo.Utc)
            .ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
}

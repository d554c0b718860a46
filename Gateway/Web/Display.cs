using System.Globalization;
using System.Text.Encodings.Web;
using Gateway.Posts;
using Microsoft.AspNetCore.Html;

namespace Gateway.Web;

/// <summary>Small pieces every page shows the same way.</summary>
public static class Display
{
    /// <summary>What a save of a post to a frozen account adds to its message (drafts are not scheduled, so nothing).</summary>
    public static string FrozenNote(Gateway.Posts.Post post) =>
        post.Frozen is null || post.Status == Gateway.Posts.PostStatus.Draft ? "" : " The account is frozen: it will be held, not published, until the freeze is lifted.";

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
        return new HtmlString($"<span class=\"status status-{name}\">{HtmlEncoder.Default.Encode(StatusText(name))}</span>");
    }

    /// <summary>A status as people read it: <c>pending_review</c> is "pending review".</summary>
    public static string StatusText(string name) => name.Replace('_', ' ');

    public static string StatusText(PostStatus status) => StatusText(PostTransitions.Name(status));

    /// <summary>The start of a body for lists, cut on a character boundary (never inside an emoji).</summary>
    public static string Excerpt(string body, int length)
    {
        if (body.Length <= length)
        {
            return body;
        }
        var cut = char.IsLowSurrogate(body[length]) ? length - 1 : length;
        return body[..cut] + "…";
    }

    private static readonly string[] LocalFormats = ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"];

    /// <summary>The reader's zone from the cookie app.js keeps; UTC when there is none or it is unknown here.</summary>
    public static TimeZoneInfo Zone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>
    /// A time typed into a <c>datetime-local</c> field, read in the reader's zone, as the ISO-8601 text the
    /// services take. A wall time that does not exist there (the hour skipped in spring) is refused rather than
    /// moved; one that exists twice (autumn) is the first of the two.
    /// </summary>
    public static string? ToIso(string? local, TimeZoneInfo zone)
    {
        if (string.IsNullOrWhiteSpace(local))
        {
            return null;
        }
        if (!DateTime.TryParseExact(local.Trim(), LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var wall)
            || wall.Year is < 2000 or > 9000)
        {
            throw ProblemException.BadRequest($"'{local}' is not a date and time such as 2026-11-26T09:30.");
        }
        if (zone.IsInvalidTime(wall))
        {
            throw ProblemException.BadRequest($"{wall:yyyy-MM-dd HH:mm} does not exist in {zone.Id} (the clocks skip it); pick another time.");
        }
        var offset = zone.IsAmbiguousTime(wall) ? zone.GetAmbiguousTimeOffsets(wall).Max() : zone.GetUtcOffset(wall);
        return new DateTimeOffset(wall, offset).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    /// <summary>The value a <c>datetime-local</c> field starts with, in the reader's zone.</summary>
    public static string ToLocalInput(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
}

using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Fakes;

/// <summary>
/// The tag timeline, <c>GET /api/v1/timelines/tag/:hashtag</c>, as Api::V1::Timelines::TagController answers it:
/// public unless the instance turned timeline previews off (then it wants a user: 422), a token checked when one is
/// sent; the tag found case-insensitively (an unknown tag is an empty list); <c>any[]</c> adds tags, <c>max_id</c>
/// pages back, <c>limit</c> defaults to 20 and stops at 40; newest first with a <c>Link</c> header; Status entities
/// with HTML <c>content</c>, <c>language</c>, <c>url</c> and <c>created_at</c>.
/// </summary>
public sealed partial class FakeMastodon
{
    public enum TagFault { None, Slow, Hang, RateLimited, ServerError }

    /// <summary>A status someone else posted under tags, as the instance knows it.</summary>
    public sealed record TaggedStatus(string Id, string Acct, string Html, string? Language, DateTimeOffset CreatedAt, IReadOnlyList<string> Tags, string? SpoilerText = null);

    private readonly ConcurrentQueue<TaggedStatus> _tagged = new();
    private long _taggedSequence;
    private int _tagReadsInFlight;
    private int _maxTagReadsInFlight;
    private int _tagReads;

    /// <summary>False: Setting.timeline_preview is off and the timeline wants a signed-in user.</summary>
    public bool TimelinePreview { get; set; } = true;

    /// <summary>How the n-th tag timeline request (1-based) is answered.</summary>
    public Func<int, TagFault> TagReadFault { get; set; } = _ => TagFault.None;

    /// <summary>How long a <see cref="TagFault.Slow"/> answer takes.</summary>
    public TimeSpan TagDelay { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Tag timeline requests received, however answered.</summary>
    public int TagReads => _tagReads;

    /// <summary>The most tag timeline requests that were being answered at the same moment.</summary>
    public int MaxTagReadsInFlight => _maxTagReadsInFlight;

    /// <summary>Puts a status from a remote person under <paramref name="tags"/> (no '#'); the text is HTML-escaped into a paragraph.</summary>
    public TaggedStatus SeedTagged(string text, string? language, DateTimeOffset createdAt, params string[] tags)
    {
        // Snowflake ids as Mastodon makes them: milliseconds in the high bits, so ids sort like times.
        var id = ((createdAt.ToUnixTimeMilliseconds() << 16) + Interlocked.Increment(ref _taggedSequence) % 65536).ToString(CultureInfo.InvariantCulture);
        var status = new TaggedStatus(id, $"someone{_taggedSequence}@elsewhere.example", "<p>" + System.Net.WebUtility.HtmlEncode(text) + "</p>",
            language, createdAt, tags.Select(t => t.ToLowerInvariant()).ToArray());
        _tagged.Enqueue(status);
        return status;
    }

    private void MapTagTimeline(WebApplication app) => app.MapGet("/api/v1/timelines/tag/{hashtag}", TagTimelineAsync);

    private async Task TagTimelineAsync(string hashtag, HttpContext context)
    {
        var n = Interlocked.Increment(ref _tagReads);
        var inFlight = Interlocked.Increment(ref _tagReadsInFlight);
        for (var max = _maxTagReadsInFlight; inFlight > max; max = _maxTagReadsInFlight)
        {
            Interlocked.CompareExchange(ref _maxTagReadsInFlight, inFlight, max);
        }
        try
        {
            await AnswerTagTimelineAsync(hashtag, context, TagReadFault(n));
        }
        finally
        {
            Interlocked.Decrement(ref _tagReadsInFlight);
        }
    }

    private async Task AnswerTagTimelineAsync(string hashtag, HttpContext context, TagFault fault)
    {
        var sentToken = context.Request.Headers.Authorization.Count > 0;
        if (sentToken && !Authorized(context))
        {
            await InvalidToken().ExecuteAsync(context);
            return;
        }
        if (!TimelinePreview && !sentToken)
        {
            await Results.Json(new { error = "This method requires an authenticated user" }, statusCode: 422).ExecuteAsync(context);
            return;
        }
        switch (fault)
        {
            case TagFault.RateLimited:
                context.Response.Headers["X-RateLimit-Limit"] = "300";
                context.Response.Headers["X-RateLimit-Remaining"] = "0";
                context.Response.Headers["X-RateLimit-Reset"] = DateTimeOffset.UtcNow.AddMinutes(5).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ");
                await Results.Json(new { error = "Too many requests" }, statusCode: 429).ExecuteAsync(context);
                return;
            case TagFault.ServerError:
                await Results.Json(new { error = "We're sorry, but something went wrong on our end." }, statusCode: 500).ExecuteAsync(context);
                return;
            case TagFault.Slow:
                await Task.Delay(TagDelay, context.RequestAborted);
                break;
            case TagFault.Hang:
                try
                {
                    await Task.WhenAny(Release.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
                }
                finally
                {
                    context.Abort();
                }
                return;
        }
        var query = context.Request.Query;
        var limit = int.TryParse(query["limit"], out var l) ? Math.Clamp(l, 1, 40) : 20;
        var tags = new[] { hashtag }.Concat(query["any[]"].Select(t => t!)).Select(t => t.ToLowerInvariant()).ToHashSet();
        var page = _tagged.Where(s => s.Tags.Any(tags.Contains))
            .Where(s => !long.TryParse(query["max_id"], out var maxId) || long.Parse(s.Id, CultureInfo.InvariantCulture) < maxId)
            .OrderByDescending(s => long.Parse(s.Id, CultureInfo.InvariantCulture))
            .Take(limit)
            .ToArray();
        if (page.Length > 0)
        {
            var path = $"{Url}/api/v1/timelines/tag/{Uri.EscapeDataString(hashtag)}";
            context.Response.Headers["Link"] = $"<{path}?max_id={page[^1].Id}>; rel=\"next\", <{path}?min_id={page[0].Id}>; rel=\"prev\"";
        }
        await Results.Json(page.Select(TaggedEntity)).ExecuteAsync(context);
    }

    private object TaggedEntity(TaggedStatus s)
    {
        var user = s.Acct.Split('@')[0];
        return new
        {
            id = s.Id,
            created_at = s.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            in_reply_to_id = (string?)null,
            sensitive = s.SpoilerText is not null,
            spoiler_text = s.SpoilerText ?? "",
            visibility = "public",
            language = s.Language,
            uri = $"https://elsewhere.example/users/{user}/statuses/{s.Id}",
            url = $"https://elsewhere.example/@{user}/{s.Id}",
            replies_count = 0,
            reblogs_count = 0,
            favourites_count = 0,
            content = s.Html,
            reblog = (object?)null,
            account = new { id = s.Id + "1", username = user, acct = s.Acct, display_name = user },
            media_attachments = Array.Empty<object>(),
            mentions = Array.Empty<object>(),
            tags = s.Tags.Select(t => new { name = t, url = $"{Url}/tags/{t}" }),
        };
    }
}

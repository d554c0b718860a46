using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Fakes;

/// <summary>
/// <c>app.bsky.feed.searchPosts</c> as the PDS passes it on to its AppView (lexicons/app/bsky/feed/searchPosts.json):
/// a session wanted; <c>q</c> required; <c>tag</c> repeatable, all must match, without '#'; <c>sort</c> latest or top;
/// <c>since</c> inclusive on the indexed time; <c>limit</c> 1–100, default 25; an opaque <c>cursor</c>; the answer
/// <c>{cursor?, hitsTotal, posts: [PostView]}</c>.
/// </summary>
public sealed partial class FakeBluesky
{
    /// <summary>A post someone else made, as the AppView indexed it.</summary>
    public sealed record IndexedPost(string Uri, string Cid, string AuthorDid, string AuthorHandle, string Text, IReadOnlyList<string> Langs, DateTimeOffset IndexedAt, IReadOnlyList<string> Tags);

    private readonly ConcurrentQueue<IndexedPost> _indexed = new();
    private int _searchesInFlight;
    private int _maxSearchesInFlight;

    /// <summary>The fault for the n-th <c>searchPosts</c> call (1-based): <see cref="Fault.ServerError"/>, <see cref="Fault.RateLimited"/> or <see cref="Fault.Hang"/>.</summary>
    public Func<int, Fault> SearchFault { get; set; } = _ => Fault.None;

    /// <summary>How long each <c>searchPosts</c> answer takes.</summary>
    public TimeSpan SearchDelay { get; set; } = TimeSpan.Zero;

    /// <summary>The most searches that were being answered at the same moment.</summary>
    public int MaxSearchesInFlight => _maxSearchesInFlight;

    /// <summary>Indexes a post by someone else under <paramref name="tags"/> (no '#').</summary>
    public IndexedPost SeedTagged(string text, string lang, DateTimeOffset indexedAt, params string[] tags)
    {
        var n = _indexed.Count + 1;
        var did = $"did:plc:someone{n:D4}";
        var rkey = "3l" + indexedAt.ToUnixTimeMilliseconds().ToString("x", CultureInfo.InvariantCulture) + n.ToString("D3", CultureInfo.InvariantCulture);
        var post = new IndexedPost($"at://{did}/{Post}/{rkey}", "bafyrei" + rkey, did, $"someone{n}.bsky.social", text, [lang], indexedAt, tags.Select(t => t.ToLowerInvariant()).ToArray());
        _indexed.Enqueue(post);
        return post;
    }

    private async Task SearchPostsAsync(HttpContext context)
    {
        Count(context);
        var inFlight = Interlocked.Increment(ref _searchesInFlight);
        for (var max = _maxSearchesInFlight; inFlight > max; max = _maxSearchesInFlight)
        {
            Interlocked.CompareExchange(ref _maxSearchesInFlight, inFlight, max);
        }
        try
        {
            await (await SearchAnswerAsync(context)).ExecuteAsync(context);
        }
        catch (OperationCanceledException)
        {
            context.Abort();
        }
        finally
        {
            Interlocked.Decrement(ref _searchesInFlight);
        }
    }

    private async Task<IResult> SearchAnswerAsync(HttpContext context)
    {
        if (Verify(context, "com.atproto.access") is { Error: { } refused })
        {
            return refused;
        }
        if (SearchDelay > TimeSpan.Zero)
        {
            await Task.Delay(SearchDelay, context.RequestAborted);
        }
        if (await FailBeforeAsync(context, SearchFault(Calls("app.bsky.feed.searchPosts"))))
        {
            return Results.Empty;
        }
        var query = context.Request.Query;
        if (string.IsNullOrEmpty(query["q"]))
        {
            return Error(400, "InvalidRequest", "Params must have the property \"q\"");
        }
        var limit = 25;
        if (query["limit"].Count > 0 && (!int.TryParse(query["limit"], out limit) || limit < 1 || limit > 100))
        {
            return Error(400, "InvalidRequest", "limit must be an integer between 1 and 100");
        }
        if (query["sort"].Count > 0 && query["sort"] != "latest" && query["sort"] != "top")
        {
            return Error(400, "BadQueryString", "sort must be latest or top");
        }
        DateTimeOffset? since = null;
        if (query["since"].Count > 0)
        {
            if (!DateTimeOffset.TryParse(query["since"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return Error(400, "BadQueryString", "since is not a datetime");
            }
            since = parsed;
        }
        var tags = query["tag"].Select(t => t!.ToLowerInvariant()).ToArray();
        var offset = int.TryParse(query["cursor"], out var c) ? c : 0;
        var hits = _indexed.Where(p => tags.All(p.Tags.Contains) && (since is null || p.IndexedAt >= since))
            .OrderByDescending(p => p.IndexedAt)
            .ToArray();
        var page = hits.Skip(offset).Take(limit).ToArray();
        return Results.Json(new
        {
            cursor = offset + page.Length < hits.Length ? (offset + page.Length).ToString(CultureInfo.InvariantCulture) : null,
            hitsTotal = hits.Length,
            posts = page.Select(p => new
            {
                uri = p.Uri,
                cid = p.Cid,
                author = new { did = p.AuthorDid, handle = p.AuthorHandle, displayName = p.AuthorHandle.Split('.')[0] },
                record = new Dictionary<string, object>
                {
                    ["$type"] = Post,
                    ["text"] = p.Text,
                    ["langs"] = p.Langs,
                    ["createdAt"] = p.IndexedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                },
                replyCount = 0,
                repostCount = 0,
                likeCount = 0,
                indexedAt = p.IndexedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                labels = Array.Empty<object>(),
            }),
        }, options: new System.Text.Json.JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });
    }
}

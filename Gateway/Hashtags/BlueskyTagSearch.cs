using System.Net.Http.Json;
using Gateway.Accounts;
using Gateway.Publishing;
using Gateway.Publishing.Bluesky;
using Gateway.Rules.Hashtags;

namespace Gateway.Hashtags;

/// <summary>
/// <c>app.bsky.feed.searchPosts</c> with <c>tag</c> (facet or tag field, no '#'), <c>sort=latest</c> and <c>since</c>,
/// through the account's session on its PDS (which proxies it to its AppView; some want a session for search).
/// Each PostView becomes its <c>record.text</c>, first of <c>record.langs</c>, <c>indexedAt</c> (the AppView's time,
/// which an author cannot backdate) and its bsky.app address.
/// </summary>
public sealed class BlueskyTagSearch(BlueskySession session) : IHashtagSource
{
    private const int LimitMaximum = 100; // the lexicon's maximum

    public string Type => PublisherSettings.Bluesky;

    public string Origin(Account account) => account.Publisher.Service!.TrimEnd('/');

    public string Network(Account account) => BlueskySession.Network(account);

    public async Task<IReadOnlyList<SamplePost>> ReadAsync(Account account, string tag, DateTimeOffset since, int limit, int textLength, CancellationToken cancellationToken)
    {
        var url = BlueskySession.Xrpc(account, "app.bsky.feed.searchPosts",
            ("q", "#" + tag), ("tag", tag), ("sort", "latest"), ("since", since.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ")),
            ("limit", Math.Clamp(limit, 1, LimitMaximum).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var response = await session.SendAsync(account, _ => new HttpRequestMessage(HttpMethod.Get, url), cancellationToken);
        Answer answer;
        try
        {
            answer = await response.Content.ReadFromJsonAsync<Answer>(JsonDefaults.Options, cancellationToken) ?? new Answer([]);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new PublishException($"{Network(account)} answered searchPosts with something that is not its lexicon ({e.Message}).", PublishFailure.Transient, e);
        }
        return answer.Posts
            .Where(p => p.Record?.Text is not null && p.IndexedAt >= since && Address(p) is not null)
            .Take(limit)
            .Select(p => new SamplePost(SampleText.Cut(p.Record!.Text!, textLength), p.Record.Langs?.FirstOrDefault(), Address(p)!, p.IndexedAt.ToUniversalTime()))
            .ToArray();
    }

    /// <summary>at://did/app.bsky.feed.post/rkey → https://bsky.app/profile/handle/post/rkey.</summary>
    private static string? Address(PostView post)
    {
        var parts = post.Uri.Split('/');
        return parts.Length == 5 && parts[0] == "at:" && parts[3] == "app.bsky.feed.post"
            ? $"https://bsky.app/profile/{Uri.EscapeDataString(post.Author?.Handle ?? parts[2])}/post/{Uri.EscapeDataString(parts[4])}"
            : null;
    }

    private sealed record Answer(IReadOnlyList<PostView> Posts);

    private sealed record PostView(string Uri, Author? Author, PostRecord? Record, DateTimeOffset IndexedAt);

    private sealed record Author(string Did, string? Handle);

    private sealed record PostRecord(string? Text, IReadOnlyList<string>? Langs);
}

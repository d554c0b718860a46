using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Gateway.Accounts;
using Gateway.Publishing;
using Gateway.Rules.Hashtags;

namespace Gateway.Hashtags;

/// <summary>
/// <c>GET /api/v1/timelines/tag/:hashtag</c> on the account's instance: public (an instance that turned timeline
/// previews off wants a user, so the account's token goes along when there is one; it holds <c>read:statuses</c>),
/// newest first, one page of at most 40. Mastodon has no time filter, so the window is applied to what came back.
/// </summary>
public sealed class MastodonTagTimeline(IHttpClientFactory clients, ConnectionStore connections, TimeProvider time) : IHashtagSource
{
    private const int PageMaximum = 40; // Api::V1::Timelines::TagController: limit_param(DEFAULT_STATUSES_LIMIT, MAX 40)

    public string Type => PublisherSettings.Mastodon;

    public string Origin(Account account) => account.Publisher.Instance!.TrimEnd('/');

    public string Network(Account account) => $"Mastodon ({new Uri(account.Publisher.Instance!).Host})";

    public async Task<IReadOnlyList<SamplePost>> ReadAsync(Account account, string tag, DateTimeOffset since, int limit, int textLength, CancellationToken cancellationToken)
    {
        var url = new Uri(new Uri(account.Publisher.Instance!), $"/api/v1/timelines/tag/{Uri.EscapeDataString(tag)}?limit={Math.Clamp(limit, 1, PageMaximum)}");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if ((await connections.GetAsync(account.Id, cancellationToken))?.AccessToken is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await NetworkCall.SendAsync(clients.CreateClient(NetworkCall.ClientName), request, Network(account), time, cancellationToken);
        Status[] statuses;
        try
        {
            statuses = await response.Content.ReadFromJsonAsync<Status[]>(JsonDefaults.Options, cancellationToken) ?? [];
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new PublishException($"{Network(account)} answered the tag timeline with something that is not Mastodon's API ({e.Message}).", PublishFailure.Transient, e);
        }
        return statuses
            .Where(s => s.CreatedAt >= since && SampleText.IsWebAddress(s.Url ?? s.Uri))
            .Take(limit)
            .Select(s => new SamplePost(SampleText.Cut(Text(s), textLength), s.Language, (s.Url ?? s.Uri)!, s.CreatedAt.ToUniversalTime()))
            .ToArray();
    }

    /// <summary>A content warning says what the post is about as much as its body does.</summary>
    private static string Text(Status s)
    {
        var body = SampleText.FromHtml(s.Content ?? "");
        return string.IsNullOrWhiteSpace(s.SpoilerText) ? body : s.SpoilerText.Trim() + "\n" + body;
    }

    private sealed record Status(
        string Id,
        [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
        string? Language,
        string? Url,
        string? Uri,
        string? Content,
        [property: JsonPropertyName("spoiler_text")] string? SpoilerText);
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Gateway.Accounts;
using Gateway.Posts;
using Gateway.Rules.Text;

namespace Gateway.Publishing.Mastodon;

/// <summary>
/// Posts a status to the account's Mastodon instance (REST API v1, written from its documentation and source: no .NET
/// client is available here). Mastodon keeps an <c>Idempotency-Key</c> for an hour per account and answers a repeat
/// with the status it already made, so a send that may have arrived is safe to try again.
/// </summary>
/// <remarks>
/// Images go first: each is uploaded with <c>POST /api/v2/media</c> (its alt text as <c>description</c>), which answers
/// 202 while the instance still processes it; <c>GET /api/v1/media/:id</c> answers 206 until it is done. The status then
/// names them in <c>media_ids</c>. An upload repeated on a retry only leaves an unattached copy the instance removes;
/// the status's <c>Idempotency-Key</c> still makes it one status.
/// </remarks>
public sealed class MastodonPublisher(IHttpClientFactory clients, ConnectionStore connections, PostImages images, TimeProvider time) : IPublisher, IPublishLookup, IConnectionCheck
{
    /// <summary>How often, and how many times, an image still being processed is asked about.</summary>
    private static readonly TimeSpan ProcessingPoll = TimeSpan.FromSeconds(1);
    private const int ProcessingPolls = 60;

    /// <summary>How far before a post's time the lookup starts reading the account's statuses (clocks differ).</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMinutes(2);

    private const int Page = 40; // the API's maximum

    public string Type => PublisherSettings.Mastodon;

    public bool Deduplicates => true;

    public async Task<Delivery> PublishAsync(Post post, Account account, DateTimeOffset publishedAt, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(account, cancellationToken);
        var mediaIds = new List<string>();
        foreach (var image in await images.LoadAsync(post, cancellationToken))
        {
            mediaIds.Add(await PostImages.UploadAsync(() => UploadAsync(image, account, token, cancellationToken)));
        }
        using var request = Request(HttpMethod.Post, account, "/api/v1/statuses", token);
        request.Content = JsonContent.Create(new
        {
            status = Text(post),
            visibility = "public",
            language = account.Language.Split('-')[0].ToLowerInvariant(),
            media_ids = mediaIds.Count == 0 ? null : mediaIds,
        }, options: JsonDefaults.Options);
        request.Headers.Add("Idempotency-Key", IdempotencyKey(post));
        var status = await ReadAsync<Status>(request, account, cancellationToken);
        return new Delivery(status.Id, status.Url, status.CreatedAt);
    }

    /// <summary>
    /// Reads the account's own statuses since the post's time and confirms a candidate by its source text, which is
    /// exactly what was sent. Never posts.
    /// </summary>
    public async Task<Delivery?> FindAsync(Post post, Account account, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(account, cancellationToken);
        var me = await MeAsync(account, token, cancellationToken);
        using var list = Request(HttpMethod.Get, account, $"/api/v1/accounts/{Uri.EscapeDataString(me.Id)}/statuses?limit={Page}&exclude_reblogs=true", token);
        var statuses = await ReadAsync<Status[]>(list, account, cancellationToken);
        var since = post.ScheduledAt - Slack;
        var text = Text(post);
        foreach (var candidate in statuses.Where(s => s.CreatedAt >= since))
        {
            using var source = Request(HttpMethod.Get, account, $"/api/v1/statuses/{Uri.EscapeDataString(candidate.Id)}/source", token);
            if ((await ReadAsync<Source>(source, account, cancellationToken)).Text == text)
            {
                return new Delivery(candidate.Id, candidate.Url, candidate.CreatedAt);
            }
        }
        // A full page whose oldest status is still after the post's time may not reach back to it.
        if (statuses.Length == Page && statuses.Min(s => s.CreatedAt) >= since)
        {
            throw new PublishException($"{Name(account)}: more than {Page} statuses since the post's time; check the account by hand.", PublishFailure.Uncertain);
        }
        return null;
    }

    public async Task<string> VerifyAsync(Account account, CancellationToken cancellationToken)
    {
        var me = await MeAsync(account, await TokenAsync(account, cancellationToken), cancellationToken);
        return $"@{me.Acct}@{new Uri(account.Publisher.Instance!).Host}";
    }

    /// <summary>The same post in the same version always carries the same key; an edited post is a new status.</summary>
    public static string IdempotencyKey(Post post) => $"crisis-gateway-{post.Id}-{post.ContentHash[..16]}";

    public static string Text(Post post) => PlainText.Render(post.Body).Text;

    /// <summary>Uploads one image and waits until the instance has processed it; answers its attachment id.</summary>
    private async Task<string> UploadAsync(PostImage image, Account account, string token, CancellationToken cancellationToken)
    {
        using var upload = Request(HttpMethod.Post, account, "/api/v2/media", token);
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(image.Bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(image.Item.Type);
        form.Add(file, "file", image.FileName);
        if (image.Media.Alt is { } alt)
        {
            form.Add(new StringContent(alt), "description");
        }
        upload.Content = form;
        var attachment = await ReadAsync<Attachment>(upload, account, cancellationToken);
        for (var poll = 0; attachment.Url is null; poll++)
        {
            if (poll == ProcessingPolls)
            {
                throw new PublishException($"{Name(account)} was still processing image {image.Item.Id} after {ProcessingPolls * ProcessingPoll.TotalSeconds:0} s; nothing was posted.", PublishFailure.Transient);
            }
            await Task.Delay(ProcessingPoll, time, cancellationToken);
            using var check = Request(HttpMethod.Get, account, $"/api/v1/media/{Uri.EscapeDataString(attachment.Id)}", token);
            attachment = await ReadAsync<Attachment>(check, account, cancellationToken);
        }
        return attachment.Id;
    }

    private async Task<Me> MeAsync(Account account, string token, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, account, "/api/v1/accounts/verify_credentials", token);
        return await ReadAsync<Me>(request, account, cancellationToken);
    }

    private async Task<string> TokenAsync(Account account, CancellationToken cancellationToken) =>
        (await connections.GetAsync(account.Id, cancellationToken))?.AccessToken
        ?? throw new PublishException($"{Name(account)}: the account is not connected; connect it or paste an access token.", PublishFailure.Unauthorized);

    private static HttpRequestMessage Request(HttpMethod method, Account account, string path, string token)
    {
        var request = new HttpRequestMessage(method, new Uri(new Uri(account.Publisher.Instance!), path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private async Task<T> ReadAsync<T>(HttpRequestMessage request, Account account, CancellationToken cancellationToken)
    {
        using var response = await NetworkCall.SendAsync(clients.CreateClient(NetworkCall.ClientName), request, Name(account), time, cancellationToken);
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(JsonDefaults.Options, cancellationToken)
                ?? throw new System.Text.Json.JsonException("empty answer");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new PublishException($"{Name(account)} answered with something that is not Mastodon's API ({e.Message}).", PublishFailure.Uncertain, e);
        }
    }

    private static string Name(Account account) => $"Mastodon ({new Uri(account.Publisher.Instance!).Host})";

    private sealed record Status(string Id, string? Url, [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt);

    private sealed record Source(string Id, string Text);

    // Mastodon's MediaAttachment: url is null while the instance is still processing it (202 on upload, 206 when asked).
    private sealed record Attachment(string Id, string? Url);

    private sealed record Me(string Id, string Acct);
}

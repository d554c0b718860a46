using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Accounts;
using Gateway.Posts;
using Gateway.Rules.Text;

namespace Gateway.Publishing.X;

/// <summary>
/// Posts to X through API v2: <c>POST /2/tweets {"text": …}</c> answered by <c>201 {"data": {"id", "text"}}</c>.
/// Hand-written: there is no .NET client for X's v2 API here, and the call must go through <see cref="NetworkCall"/>.
/// </summary>
/// <remarks>
/// Images first, through API v2's media upload (<c>media.write</c>): <c>POST /2/media/upload</c> (multipart
/// <c>media</c>, <c>media_category=tweet_image</c>) answers the media id, <c>POST /2/media/metadata</c> gives it its
/// alt text, and the post names them in <c>media.media_ids</c>. An upload repeated on a retry is an unused copy that
/// X lets expire; the post itself is sent at most once (see <see cref="Deduplicates"/>).
/// </remarks>
public sealed class XPublisher(IHttpClientFactory clients, BearerTokens tokens, XAuthorization authorization, PostImages images, GatewayOptions options, TimeProvider time)
    : IPublisher, IConnectionCheck
{
    private const string Name = "X";

    public string Type => PublisherSettings.X;

    // X takes no idempotency key. It refuses the same text twice in a row (403 "duplicate content"), but that
    // neither says where the first one is nor covers a post edited since: a send that may have arrived is held.
    public bool Deduplicates => false;

    public static string Api(GatewayOptions options, string path) => options.Publishing.X.BaseUrl.TrimEnd('/') + "/" + path;

    public async Task<Delivery> PublishAsync(Post post, Account account, DateTimeOffset publishedAt, CancellationToken cancellationToken)
    {
        var mediaIds = new List<string>();
        foreach (var image in await images.LoadAsync(post, cancellationToken))
        {
            mediaIds.Add(await PostImages.UploadAsync(() => UploadAsync(image, account, cancellationToken)));
        }
        var text = PlainText.Render(post.Body).Text;
        var body = mediaIds.Count == 0
            ? JsonSerializer.Serialize(new { text })
            : JsonSerializer.Serialize(new { text, media = new { media_ids = mediaIds } });
        return await tokens.CallAsync(account, authorization, Name, async token =>
        {
            // SocketsHttpHandler re-sends a request over a pooled connection that died unanswered only when it has no
            // body (HttpConnection._canRetry), so a POST goes out once; XPublisherTests checks it on a reused connection.
            using var request = new HttpRequestMessage(HttpMethod.Post, Api(options, "2/tweets")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", token);
            using var response = await NetworkCall.SendAsync(clients.CreateClient(NetworkCall.ClientName), request, Name, time, cancellationToken, Classify);
            var id = await DataAsync(response, "id", cancellationToken)
                ?? throw new PublishException($"X answered {(int)response.StatusCode} without the post's id; it may have the post.", PublishFailure.Uncertain);
            return new Delivery(id, $"https://x.com/i/web/status/{id}");
        }, cancellationToken);
    }

    /// <summary>Uploads one image and sets its alt text; answers its media id.</summary>
    private Task<string> UploadAsync(PostImage image, Account account, CancellationToken cancellationToken) =>
        tokens.CallAsync(account, authorization, Name, async token =>
        {
            var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(image.Bytes);
            file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(image.Item.Type);
            form.Add(file, "media", image.FileName);
            form.Add(new StringContent(image.Item.Format == "gif" ? "tweet_gif" : "tweet_image"), "media_category");
            using var upload = new HttpRequestMessage(HttpMethod.Post, Api(options, "2/media/upload")) { Content = form };
            upload.Headers.Authorization = new("Bearer", token);
            string id;
            using (var response = await NetworkCall.SendAsync(clients.CreateClient(NetworkCall.ClientName), upload, Name, time, cancellationToken))
            {
                id = await DataAsync(response, "id", cancellationToken)
                    ?? throw new PublishException("X answered the media upload without a media id; nothing was posted.", PublishFailure.Transient);
            }
            if (image.Media.Alt is { } alt)
            {
                var metadata = JsonSerializer.Serialize(new { id, metadata = new { alt_text = new { text = alt } } });
                using var request = new HttpRequestMessage(HttpMethod.Post, Api(options, "2/media/metadata")) { Content = new StringContent(metadata, Encoding.UTF8, "application/json") };
                request.Headers.Authorization = new("Bearer", token);
                using (await NetworkCall.SendAsync(clients.CreateClient(NetworkCall.ClientName), request, Name, time, cancellationToken))
                {
                }
            }
            return id;
        }, cancellationToken);

    /// <summary><c>GET /2/users/me</c>: whose token it is, as <c>@username</c>.</summary>
    public Task<string> VerifyAsync(Account account, CancellationToken cancellationToken) =>
        tokens.CallAsync(account, authorization, Name, async token =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Api(options, "2/users/me"));
            request.Headers.Authorization = new("Bearer", token);
            using var response = await NetworkCall.SendAsync(clients.CreateClient(NetworkCall.ClientName), request, Name, time, cancellationToken);
            var username = await DataAsync(response, "username", cancellationToken)
                ?? throw new PublishException("X answered /2/users/me without a username.", PublishFailure.Rejected);
            return "@" + username;
        }, cancellationToken);

    // X's duplicate-content refusal is a 403, which otherwise means the app or token may not post: that one is the
    // post's fault, not the connection's.
    private static PublishFailure? Classify(HttpStatusCode status, string? said) =>
        status == HttpStatusCode.Forbidden && said?.Contains("duplicate content", StringComparison.OrdinalIgnoreCase) == true ? PublishFailure.Rejected : null;

    private static async Task<string?> DataAsync(HttpResponseMessage response, string field, CancellationToken cancellationToken)
    {
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return json.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

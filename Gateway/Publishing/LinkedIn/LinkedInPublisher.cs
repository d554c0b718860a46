using System.Text;
using System.Text.Json;
using Gateway.Accounts;
using Gateway.Posts;
using Gateway.Rules.Text;

namespace Gateway.Publishing.LinkedIn;

/// <summary>
/// Posts to LinkedIn through the versioned Posts API: <c>POST /rest/posts</c> with <c>LinkedIn-Version</c> and Rest.li
/// 2.0.0, answered by <c>201</c> with the post's URN in <c>x-restli-id</c>. The author is the account's organization
/// or member URN. Hand-written: there is no .NET client for LinkedIn's REST API here, and the call must go through
/// <see cref="NetworkCall"/>.
/// </summary>
/// <remarks>
/// Images through the Images API first: <c>POST /rest/images?action=initializeUpload</c> names the owner (the author)
/// and answers an upload URL and the image's URN, the bytes are PUT there, and the post carries one image as
/// <c>content.media</c> or several as <c>content.multiImage.images</c>, each with its <c>altText</c>. An image
/// uploaded again on a retry is an unused copy; the post itself is sent at most once (see <see cref="Deduplicates"/>).
/// </remarks>
public sealed class LinkedInPublisher(IHttpClientFactory clients, BearerTokens tokens, LinkedInAuthorization authorization, PostImages images, GatewayOptions options, TimeProvider time)
    : IPublisher, IConnectionCheck
{
    private const string Name = "LinkedIn";
    private const string OrganizationPrefix = "urn:li:organization:";
    private const string PersonPrefix = "urn:li:person:";

    public string Type => PublisherSettings.LinkedIn;

    // The Posts API takes no idempotency key (it refuses some repeated text as a duplicate, without saying whether the
    // first arrived): a send that may have arrived is held, never sent again.
    public bool Deduplicates => false;

    public async Task<Delivery> PublishAsync(Post post, Account account, DateTimeOffset publishedAt, CancellationToken cancellationToken)
    {
        var attached = new List<(string Urn, string? Alt)>();
        foreach (var image in await images.LoadAsync(post, cancellationToken))
        {
            attached.Add((await PostImages.UploadAsync(() => UploadAsync(image, account, cancellationToken)), image.Media.Alt));
        }
        object? content = attached.Count switch
        {
            0 => null,
            1 => new { media = new { id = attached[0].Urn, altText = attached[0].Alt } },
            _ => new { multiImage = new { images = attached.Select(a => new { id = a.Urn, altText = a.Alt }) } },
        };
        var body = JsonSerializer.Serialize(new
        {
            author = Author(account),
            commentary = LittleText.Escape(PlainText.Render(post.Body).Text),
            visibility = "PUBLIC",
            distribution = new { feedDistribution = "MAIN_FEED", targetEntities = Array.Empty<object>(), thirdPartyDistributionChannels = Array.Empty<object>() },
            content,
            lifecycleState = "PUBLISHED",
            isReshareDisabledByAuthor = false,
        }, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });
        return await tokens.CallAsync(account, authorization, Name, async token =>
        {
            // SocketsHttpHandler re-sends a request over a pooled connection that died unanswered only when it has no
            // body (HttpConnection._canRetry), so a POST goes out once; LinkedInPublisherTests checks it on a reused connection.
            using var request = Request(HttpMethod.Post, "rest/posts", token);
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await NetworkCall.SendAsync(clients.CreateClient(NetworkCall.ClientName), request, Name, time, cancellationToken);
            var urn = response.Headers.TryGetValues("x-restli-id", out var ids) ? ids.FirstOrDefault() : null;
            if (string.IsNullOrWhiteSpace(urn))
            {
                throw new PublishException($"LinkedIn answered {(int)response.StatusCode} without the post's x-restli-id; it may have the post.", PublishFailure.Uncertain);
            }
            return new Delivery(urn, $"https://www.linkedin.com/feed/update/{urn}/");
        }, cancellationToken);
    }

    /// <summary>
    /// An organization by its <c>localizedName</c> (<c>GET /rest/organizations/{id}</c>); a member by the name OpenID
    /// Connect's <c>/v2/userinfo</c> gives, checked to be the author.
    /// </summary>
    public Task<string> VerifyAsync(Account account, CancellationToken cancellationToken) =>
        tokens.CallAsync(account, authorization, Name, async token =>
        {
            var author = Author(account);
            var organization = author.StartsWith(OrganizationPrefix, StringComparison.Ordinal);
            using var request = Request(HttpMethod.Get, organization ? $"rest/organizations/{author[OrganizationPrefix.Length..]}" : "v2/userinfo", token);
            using var response = await NetworkCall.SendAsync(clients.CreateClient(NetworkCall.ClientName), request, Name, time, cancellationToken);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var root = json.RootElement;
            if (organization)
            {
                return Text(root, "localizedName") ?? throw new PublishException($"LinkedIn answered without {author}'s name.", PublishFailure.Rejected);
            }
            var name = Text(root, "name") ?? throw new PublishException("LinkedIn's userinfo answered without a name.", PublishFailure.Rejected);
            return Text(root, "sub") == author[PersonPrefix.Length..]
                ? name
                : throw new PublishException($"LinkedIn says the token belongs to {name}, not {author}; reconnect as {author} or change the author.", PublishFailure.Unauthorized);
        }, cancellationToken);

    /// <summary>Registers one image for the author, PUTs its bytes to the upload URL LinkedIn gave, and answers its URN.</summary>
    private Task<string> UploadAsync(PostImage image, Account account, CancellationToken cancellationToken) =>
        tokens.CallAsync(account, authorization, Name, async token =>
        {
            using var initialize = Request(HttpMethod.Post, "rest/images?action=initializeUpload", token);
            initialize.Content = new StringContent(JsonSerializer.Serialize(new { initializeUploadRequest = new { owner = Author(account) } }), Encoding.UTF8, "application/json");
            string uploadUrl, urn;
            using (var response = await NetworkCall.SendAsync(clients.CreateClient(NetworkCall.ClientName), initialize, Name, time, cancellationToken))
            {
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                var value = json.RootElement.TryGetProperty("value", out var v) ? v : default;
                uploadUrl = (value.ValueKind == JsonValueKind.Object ? Text(value, "uploadUrl") : null)
                    ?? throw new PublishException("LinkedIn's initializeUpload answered without an uploadUrl; nothing was posted.", PublishFailure.Transient);
                urn = Text(value, "image") ?? throw new PublishException("LinkedIn's initializeUpload answered without the image's URN; nothing was posted.", PublishFailure.Transient);
            }
            if (!Uri.TryCreate(uploadUrl, UriKind.Absolute, out var target) || target.Scheme is not ("https" or "http"))
            {
                throw new PublishException($"LinkedIn's upload URL '{uploadUrl}' is not a web address; nothing was posted.", PublishFailure.Rejected);
            }
            using var put = new HttpRequestMessage(HttpMethod.Put, target) { Content = new ByteArrayContent(image.Bytes) };
            put.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(image.Item.Type);
            put.Headers.Authorization = new("Bearer", token);
            using (await NetworkCall.SendAsync(clients.CreateClient(NetworkCall.ClientName), put, Name, time, cancellationToken))
            {
            }
            return urn;
        }, cancellationToken);

    private HttpRequestMessage Request(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, options.Publishing.LinkedIn.BaseUrl.TrimEnd('/') + "/" + path);
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Add("LinkedIn-Version", options.Publishing.LinkedIn.Version);
        request.Headers.Add("X-Restli-Protocol-Version", "2.0.0");
        return request;
    }

    private static string Author(Account account) =>
        account.Publisher.Author ?? throw new PublishException($"Account {account.Id} names no LinkedIn author.", PublishFailure.Rejected);

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

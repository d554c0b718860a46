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
public sealed class LinkedInPublisher(IHttpClientFactory clients, BearerTokens tokens, LinkedInAuthorization authorization, GatewayOptions options, TimeProvider time)
    : IPublisher, IConnectionCheck
{
    private const string Name = "LinkedIn";
    private const string OrganizationPrefix = "urn:li:organization:";
    private const string PersonPrefix = "urn:li:person:";

    public string Type => PublisherSettings.LinkedIn;

    // The Posts API takes no idempotency key (it refuses some repeated text as a duplicate, without saying whether the
    // first arrived): a send that may have arrived is held, never sent again.
    public bool Deduplicates => false;

    public Task<Delivery> PublishAsync(Post post, Account account, DateTimeOffset publishedAt, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new
        {
            author = Author(account),
            commentary = LittleText.Escape(PlainText.Render(post.Body).Text),
            visibility = "PUBLIC",
            distribution = new { feedDistribution = "MAIN_FEED", targetEntities = Array.Empty<object>(), thirdPartyDistributionChannels = Array.Empty<object>() },
            lifecycleState = "PUBLISHED",
            isReshareDisabledByAuthor = false,
        });
        return tokens.CallAsync(account, authorization, Name, async token =>
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

using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Gateway.Accounts;

namespace Gateway.Publishing.Mastodon;

/// <summary>
/// Mastodon's OAuth: the gateway registers itself as an app on each instance (<c>POST /api/v1/apps</c>), then the
/// authorization code flow with PKCE. Its tokens do not expire, so there is nothing to renew.
/// </summary>
public sealed class MastodonAuthorization(IHttpClientFactory clients, GatewayOptions options, TimeProvider time) : INetworkAuthorization
{
    public const string Scopes = "read:accounts read:statuses write:statuses write:media";

    public string Type => PublisherSettings.Mastodon;

    public async Task<Authorization> BeginAsync(Account account, Uri redirectUri, string state, string codeChallenge, CancellationToken cancellationToken)
    {
        var instance = new Uri(account.Publisher.Instance!);
        var fields = new Dictionary<string, string>
        {
            ["client_name"] = options.Publishing.Mastodon.AppName,
            ["redirect_uris"] = redirectUri.ToString(),
            ["scopes"] = Scopes,
        };
        if (options.Publishing.Mastodon.Website is { } website)
        {
            fields["website"] = website;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(instance, "/api/v1/apps")) { Content = new FormUrlEncodedContent(fields) };
        using var response = await NetworkCall.SendAsync(clients.CreateClient(NetworkCall.ClientName), request, Name(instance), time, cancellationToken);
        var app = await response.Content.ReadFromJsonAsync<App>(JsonDefaults.Options, cancellationToken)
            ?? throw new PublishException($"{Name(instance)} answered an empty body.", PublishFailure.Rejected);
        var url = OAuthTokens.AuthorizeUrl(new Uri(instance, "/oauth/authorize").ToString(),
        [
            ("response_type", "code"),
            ("client_id", app.ClientId),
            ("redirect_uri", redirectUri.ToString()),
            ("scope", Scopes),
            ("state", state),
            ("code_challenge", codeChallenge),
            ("code_challenge_method", "S256"),
        ]);
        return new Authorization(url, new Credentials { ClientId = app.ClientId, ClientSecret = app.ClientSecret });
    }

    public Task<Credentials> CompleteAsync(Account account, Uri redirectUri, string code, string codeVerifier, Credentials? client, CancellationToken cancellationToken)
    {
        var instance = new Uri(account.Publisher.Instance!);
        return OAuthTokens.RequestAsync(clients.CreateClient(NetworkCall.ClientName), new Uri(instance, "/oauth/token"),
        [
            new("grant_type", "authorization_code"),
            new("code", code),
            new("client_id", client?.ClientId ?? ""),
            new("client_secret", client?.ClientSecret ?? ""),
            new("redirect_uri", redirectUri.ToString()),
            new("code_verifier", codeVerifier),
            new("scope", Scopes),
        ], null, Name(instance), client, time, cancellationToken);
    }

    public Task<Credentials?> RefreshAsync(Account account, Credentials current, CancellationToken cancellationToken) => Task.FromResult<Credentials?>(null);

    private static string Name(Uri instance) => $"Mastodon ({instance.Host})";

    private sealed record App([property: JsonPropertyName("client_id")] string ClientId, [property: JsonPropertyName("client_secret")] string ClientSecret);
}

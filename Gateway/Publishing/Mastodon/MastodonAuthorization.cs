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
        var app = await ReadAsync<App>(request, instance, cancellationToken);
        var query = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = app.ClientId,
            ["redirect_uri"] = redirectUri.ToString(),
            ["scope"] = Scopes,
            ["state"] = state,
            ["code_challenge"] = codeChallenge,
            ["code_challenge_method"] = "S256",
        };
        var url = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(new Uri(instance, "/oauth/authorize").ToString(), query);
        return new Authorization(new Uri(url), new Credentials { ClientId = app.ClientId, ClientSecret = app.ClientSecret });
    }

    public async Task<Credentials> CompleteAsync(Account account, Uri redirectUri, string code, string codeVerifier, Credentials? client, CancellationToken cancellationToken)
    {
        var instance = new Uri(account.Publisher.Instance!);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(instance, "/oauth/token"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["code"] = code,
                ["client_id"] = client?.ClientId ?? "",
                ["client_secret"] = client?.ClientSecret ?? "",
                ["redirect_uri"] = redirectUri.ToString(),
                ["code_verifier"] = codeVerifier,
                ["scope"] = Scopes,
            }),
        };
        var token = await ReadAsync<Token>(request, instance, cancellationToken);
        return new Credentials { AccessToken = token.AccessToken, ClientId = client?.ClientId, ClientSecret = client?.ClientSecret };
    }

    public Task<Credentials?> RefreshAsync(Account account, Credentials current, CancellationToken cancellationToken) => Task.FromResult<Credentials?>(null);

    private async Task<T> ReadAsync<T>(HttpRequestMessage request, Uri instance, CancellationToken cancellationToken)
    {
        using var response = await NetworkCall.SendAsync(clients.CreateClient(NetworkCall.ClientName), request, $"Mastodon ({instance.Host})", time, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(JsonDefaults.Options, cancellationToken)
            ?? throw new PublishException($"Mastodon ({instance.Host}) answered an empty body.", PublishFailure.Rejected);
    }

    private sealed record App([property: JsonPropertyName("client_id")] string ClientId, [property: JsonPropertyName("client_secret")] string ClientSecret);

    private sealed record Token([property: JsonPropertyName("access_token")] string AccessToken);
}

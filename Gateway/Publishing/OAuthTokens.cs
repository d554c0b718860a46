using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.Accounts;

namespace Gateway.Publishing;

/// <summary>
/// The OAuth 2.0 parts every network shares (RFC 6749): the consent URL and the token endpoint's form and answer.
/// Hand-written because the token exchange must go through <see cref="NetworkCall"/> like every other network call
/// (its timeout, its address guard, its failure kinds), which no OAuth client library here does.
/// </summary>
public static class OAuthTokens
{
    /// <summary><paramref name="endpoint"/> with the authorization request's parameters, escaped.</summary>
    public static Uri AuthorizeUrl(string endpoint, IEnumerable<(string Name, string Value)> parameters)
    {
        var query = string.Join("&", parameters.Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value)}"));
        return new Uri(endpoint + (endpoint.Contains('?') ? "&" : "?") + query);
    }

    /// <summary>
    /// Posts <paramref name="form"/> to the token endpoint and reads the grant. What <paramref name="current"/> had and the
    /// answer leaves out (a refresh answer without a new refresh token) is kept. A refused grant (400, 401) is
    /// <see cref="PublishFailure.Unauthorized"/>; a token endpoint that could not be reached or did not answer leaves
    /// no post half-sent, so it is <see cref="PublishFailure.Transient"/>.
    /// </summary>
    public static async Task<Credentials> RequestAsync(HttpClient client, Uri endpoint, IEnumerable<KeyValuePair<string, string>> form,
        AuthenticationHeaderValue? clientAuthentication, string network, Credentials? current, TimeProvider time, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = clientAuthentication;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await NetworkCall.SendAsync(client, request, network, time, cancellationToken,
                (status, _) => status is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized ? PublishFailure.Unauthorized : null);
        }
        catch (PublishException e) when (e.Failure == PublishFailure.Uncertain)
        {
            throw new PublishException($"{network} did not renew the account's token: {e.Message}", PublishFailure.Transient, e);
        }
        using (response)
        {
            var now = time.GetUtcNow();
            try
            {
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                var root = json.RootElement;
                var accessToken = root.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                if (string.IsNullOrEmpty(accessToken))
                {
                    throw new PublishException($"{network}'s token endpoint answered without an access token.", PublishFailure.Unauthorized);
                }
                var refreshToken = root.TryGetProperty("refresh_token", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
                return (current ?? new Credentials()) with
                {
                    AccessToken = accessToken,
                    ExpiresAt = Seconds(root, "expires_in") is { } expires ? now.AddSeconds(expires) : null,
                    RefreshToken = refreshToken ?? current?.RefreshToken,
                    RefreshExpiresAt = Seconds(root, "refresh_token_expires_in") is { } refreshExpires ? now.AddSeconds(refreshExpires)
                        : refreshToken is null ? current?.RefreshExpiresAt : null,
                };
            }
            catch (JsonException e)
            {
                throw new PublishException($"{network}'s token endpoint answered with something that is not a token.", PublishFailure.Unauthorized, e);
            }
        }
    }

    /// <summary>HTTP Basic with the client id and secret, form-encoded first as RFC 6749 §2.3.1 asks.</summary>
    public static AuthenticationHeaderValue Basic(string clientId, string clientSecret) =>
        new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(clientSecret)}")));

    private static long? Seconds(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) ? seconds : null;
}

using System.Globalization;
using System.Net;
using System.Text.Json;
using Gateway.Rules.Net;

namespace Gateway.Publishing;

/// <summary>
/// One HTTP call to a network, with every way it can fail turned into a <see cref="PublishException"/> of the right
/// <see cref="PublishFailure"/>. All publishers send through here, so "may it have arrived?" is decided in one place.
/// </summary>
public static class NetworkCall
{
    /// <summary>The HttpClient every network publisher uses: the publishing timeout, the private-address guard.</summary>
    public const string ClientName = "network";

    /// <summary>Sends <paramref name="request"/> and returns the successful answer (the caller disposes it).</summary>
    /// <param name="network">How the network is named in messages: "Mastodon (mastodon.social)".</param>
    /// <param name="classify">
    /// Where a network means something else by a status than most do (X answers a duplicate post with 403, a token
    /// endpoint a revoked grant with 400): the failure for a status and the network's own words, null for the usual one.
    /// </param>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request, string network, TimeProvider time, CancellationToken cancellationToken,
        Func<HttpStatusCode, string?, PublishFailure?>? classify = null)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e) when (AddressGuard.RefusalIn(e) is { } refusal)
        {
            throw new PublishException($"{network}: {refusal.Message}", PublishFailure.Rejected, e);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError)
        {
            // No connection, so nothing was sent.
            throw new PublishException($"{network} could not be reached: {e.Message}", PublishFailure.Transient, e);
        }
        catch (HttpRequestException e)
        {
            throw new PublishException($"{network} dropped the connection before answering ({e.Message}); it may have received the post.", PublishFailure.Uncertain, e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PublishException($"{network} did not answer in time; it may have received the post.", PublishFailure.Uncertain, e);
        }
        if (response.IsSuccessStatusCode)
        {
            return response;
        }
        using (response)
        {
            throw await FailureAsync(response, network, time, cancellationToken, classify);
        }
    }

    /// <summary>What an unsuccessful answer means; <paramref name="response"/> is read, not disposed.</summary>
    public static async Task<PublishException> FailureAsync(HttpResponseMessage response, string network, TimeProvider time, CancellationToken cancellationToken,
        Func<HttpStatusCode, string?, PublishFailure?>? classify = null)
    {
        var status = (int)response.StatusCode;
        var said = await MessageAsync(response, cancellationToken);
        var quoted = said is null ? $"{status} {response.ReasonPhrase}" : $"{status}: {said}";
        var code = await CodeAsync(response, cancellationToken);
        var failure = classify?.Invoke(response.StatusCode, said) ?? response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests => PublishFailure.RateLimited,
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => PublishFailure.Unauthorized,
            HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError => PublishFailure.Uncertain,
            _ => PublishFailure.Rejected,
        };
        var message = failure switch
        {
            PublishFailure.RateLimited => $"{network} is rate-limiting the account ({quoted}).",
            PublishFailure.Unauthorized => $"{network} refused the account's credentials ({quoted}); reconnect the account.",
            PublishFailure.Uncertain => $"{network} failed while handling the post ({quoted}); it may have received it.",
            PublishFailure.Transient => $"{network} could not take it now ({quoted}); it was not received.",
            _ => $"{network} refused the post: {said ?? $"{status} {response.ReasonPhrase}"}",
        };
        return new PublishException(message, failure)
        {
            RetryAfter = failure == PublishFailure.RateLimited ? RetryAfter(response, time) : null,
            Status = response.StatusCode,
            Code = code,
        };
    }

    // atproto's and OAuth's "error" is a name (ExpiredToken, invalid_grant); Mastodon's is a sentence, which is no code.
    private static async Task<string?> CodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.String && error.GetString() is { Length: > 0 and <= 100 } name
                && System.Text.RegularExpressions.Regex.IsMatch(name, "^[A-Za-z][A-Za-z0-9_.-]*$")
                ? name
                : null;
        }
        catch (Exception e) when (e is JsonException or HttpRequestException or IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// The network's own words from an error body: OAuth's <c>error_description</c>, atproto's and LinkedIn's
    /// <c>message</c>, X's problem <c>detail</c> or <c>errors[0].message</c>, Mastodon's <c>error</c>.
    /// </summary>
    public static async Task<string?> MessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return null;
        }
        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            // X's invalid-request problem says "One or more parameters to your request was invalid." in `detail`
            // and what was wrong in `errors[0].message`, so the specific words come before `detail`.
            return Said(root, "error_description", "message") ?? FirstError(root) ?? Said(root, "detail", "error");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Said(JsonElement root, params string[] names)
    {
        foreach (var name in names)
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s)
            {
                return Short(s);
            }
        }
        return null;
    }

    private static string? FirstError(JsonElement root) =>
        root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0
            && errors[0].ValueKind == JsonValueKind.Object && errors[0].TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
            && m.GetString() is { Length: > 0 } s
            ? Short(s)
            : null;

    /// <summary>
    /// How long a 429 asks to wait: <c>Retry-After</c> (seconds or a date), else the reset time of the rate-limit
    /// headers networks send instead (<c>x-rate-limit-reset</c> on X and Mastodon, <c>ratelimit-reset</c> on Bluesky,
    /// as epoch seconds or an ISO-8601 time).
    /// </summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var now = time.GetUtcNow();
        if (response.Headers.RetryAfter is { } retry)
        {
            return retry.Delta ?? (retry.Date is { } date ? Max0(date - now) : null);
        }
        foreach (var name in (string[])["x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset"])
        {
            if (response.Headers.TryGetValues(name, out var values) && values.FirstOrDefault() is { } value)
            {
                if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
                {
                    return Max0(DateTimeOffset.FromUnixTimeSeconds(epoch) - now);
                }
                if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                {
                    return Max0(at - now);
                }
            }
        }
        return null;
    }

    private static TimeSpan Max0(TimeSpan span) => span < TimeSpan.Zero ? TimeSpan.Zero : span;

    // A network's message is quoted in a post's reason and the audit: keep it a sentence, not a page.
    private static string Short(string s) => s.Length <= 300 ? s : s[..300] + "…";
}

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
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request, string network, TimeProvider time, CancellationToken cancellationToken)
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
            throw await FailureAsync(response, network, time, cancellationToken);
        }
    }

    /// <summary>What an unsuccessful answer means; <paramref name="response"/> is read, not disposed.</summary>
    public static async Task<PublishException> FailureAsync(HttpResponseMessage response, string network, TimeProvider time, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var said = await MessageAsync(response, cancellationToken);
        var quoted = said is null ? $"{status} {response.ReasonPhrase}" : $"{status}: {said}";
        var code = await CodeAsync(response, cancellationToken);
        return response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests => new PublishException($"{network} is rate-limiting the account ({quoted}).", PublishFailure.RateLimited)
            {
                RetryAfter = RetryAfter(response, time),
                Code = code,
            },
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                new PublishException($"{network} refused the account's credentials ({quoted}); reconnect the account.", PublishFailure.Unauthorized) { Code = code },
            HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError =>
                new PublishException($"{network} failed while handling the post ({quoted}); it may have received it.", PublishFailure.Uncertain) { Code = code },
            _ => new PublishException($"{network} refused the post: {said ?? $"{status} {response.ReasonPhrase}"}", PublishFailure.Rejected) { Code = code },
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
            foreach (var name in (string[])["error_description", "message", "detail", "error"])
            {
                if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s)
                {
                    return Short(s);
                }
            }
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0
                && errors[0].ValueKind == JsonValueKind.Object && errors[0].TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
            {
                return Short(m.GetString()!);
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

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

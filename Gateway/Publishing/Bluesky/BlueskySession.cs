using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Accounts;
using Gateway.Audit;

namespace Gateway.Publishing.Bluesky;

/// <summary>
/// An account's session on its PDS (<c>com.atproto.server.*Session</c>), made from the app password it was connected
/// with and kept, encrypted, with it: the <c>accessJwt</c> as <see cref="Credentials.AccessToken"/>, the
/// <c>refreshJwt</c> as <see cref="Credentials.RefreshToken"/>, the DID as <see cref="Credentials.Subject"/>. An expired
/// access token is refreshed; a refresh token the PDS no longer takes is replaced by a new session. One renewal at a
/// time per account: the refresh token rotates, so a second refresh with the old one would be refused.
/// </summary>
/// <remarks>Hand-written XRPC over the shared <see cref="NetworkCall"/>: there is no atproto client for .NET on the feed.</remarks>
public sealed class BlueskySession(IHttpClientFactory clients, ConnectionStore connections, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _renewing = new();

    /// <summary>"Bluesky (bsky.social)", as messages name the account's PDS.</summary>
    public static string Network(Account account) => $"Bluesky ({new Uri(account.Publisher.Service!).Host})";

    /// <summary>The address of an XRPC method on the account's PDS.</summary>
    public static Uri Xrpc(Account account, string nsid, params (string Name, string Value)[] query)
    {
        var search = string.Join("&", query.Select(q => $"{q.Name}={Uri.EscapeDataString(q.Value)}"));
        return new Uri($"{account.Publisher.Service!.TrimEnd('/')}/xrpc/{nsid}{(search.Length > 0 ? "?" + search : "")}");
    }

    public HttpClient Client => clients.CreateClient(NetworkCall.ClientName);

    /// <summary>
    /// Sends the request <paramref name="build"/> makes with the account's session (its DID is in the credentials),
    /// renewing the session once if the PDS says it expired. Returns the successful answer; the caller disposes it.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Account account, Func<Credentials, HttpRequestMessage> build, CancellationToken cancellationToken)
    {
        var session = await CurrentAsync(account, cancellationToken);
        try
        {
            return await SendAsAsync(session, build, account, cancellationToken);
        }
        catch (PublishException e) when (e.Code is "ExpiredToken" or "InvalidToken")
        {
            // Refused before the method ran, so sending it again cannot make a second copy.
            session = await RenewAsync(account, session.AccessToken, cancellationToken);
            return await SendAsAsync(session, build, account, cancellationToken);
        }
    }

    /// <summary>The stored session, or a new one when there is none or its access token has run out.</summary>
    public async Task<Credentials> CurrentAsync(Account account, CancellationToken cancellationToken)
    {
        var stored = await StoredAsync(account, cancellationToken);
        return stored.AccessToken is null || stored.Subject is null || Expired(stored.AccessToken)
            ? await RenewAsync(account, stored.AccessToken, cancellationToken)
            : stored;
    }

    /// <summary>The account's repository as a read names it: its DID once a session has said it, else its handle. Reads need no session.</summary>
    public async Task<string> RepoAsync(Account account, CancellationToken cancellationToken) =>
        (await connections.GetAsync(account.Id, cancellationToken))?.Subject ?? account.Publisher.Handle!;

    private async Task<HttpResponseMessage> SendAsAsync(Credentials session, Func<Credentials, HttpRequestMessage> build, Account account, CancellationToken cancellationToken)
    {
        using var request = build(session);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.AccessToken);
        return await NetworkCall.SendAsync(Client, request, Network(account), time, cancellationToken);
    }

    /// <summary>Refreshes the session whose access token <paramref name="failed"/>, unless another call already did.</summary>
    private async Task<Credentials> RenewAsync(Account account, string? failed, CancellationToken cancellationToken)
    {
        var gate = _renewing.GetOrAdd(account.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var stored = await StoredAsync(account, cancellationToken);
            if (stored.AccessToken is not null && stored.AccessToken != failed && stored.Subject is not null && !Expired(stored.AccessToken))
            {
                return stored;
            }
            Answer? answer = null;
            if (stored.RefreshToken is not null && !Expired(stored.RefreshToken))
            {
                try
                {
                    answer = await CallAsync(account, "com.atproto.server.refreshSession", stored.RefreshToken, null, cancellationToken);
                }
                catch (PublishException e) when (e.Code is "ExpiredToken" or "InvalidToken" || e.Failure == PublishFailure.Unauthorized)
                {
                    // Revoked, expired or from a key the PDS rotated: the app password makes a new session.
                }
            }
            var action = answer is null ? "account.session-created" : "account.session-refreshed";
            answer ??= await CallAsync(account, "com.atproto.server.createSession", null,
                new { identifier = account.Publisher.Handle, password = stored.AppPassword }, cancellationToken);
            var renewed = stored with { AccessToken = answer.AccessJwt, RefreshToken = answer.RefreshJwt, Subject = answer.Did };
            // Written even if the publish is cancelled now: the PDS has rotated the refresh token already.
            await connections.SaveAsync(account.Id, renewed, AuditLog.System, action, renewal: true, cancellationToken: CancellationToken.None);
            return renewed;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<Credentials> StoredAsync(Account account, CancellationToken cancellationToken) =>
        await connections.GetAsync(account.Id, cancellationToken) is { AppPassword: not null } stored
            ? stored
            : throw new PublishException($"{Network(account)}: no app password is stored for @{account.Publisher.Handle}; reconnect the account with one.", PublishFailure.Unauthorized);

    private async Task<Answer> CallAsync(Account account, string nsid, string? bearer, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Xrpc(account, nsid));
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        try
        {
            using var response = await NetworkCall.SendAsync(Client, request, Network(account), time, cancellationToken);
            return await response.Content.ReadFromJsonAsync<Answer>(cancellationToken) is { AccessJwt.Length: > 0, RefreshJwt.Length: > 0, Did.Length: > 0 } answer
                ? answer
                : throw new PublishException($"{Network(account)} answered {nsid} without a session.", PublishFailure.Transient);
        }
        catch (PublishException e) when (e.Failure == PublishFailure.Uncertain)
        {
            // Nothing was posted by a session call: it is simply not done yet.
            throw new PublishException($"{Network(account)} did not complete {nsid}; nothing was posted.", PublishFailure.Transient, e) { Code = e.Code };
        }
        catch (JsonException e)
        {
            throw new PublishException($"{Network(account)} answered {nsid} with something that is not a session.", PublishFailure.Transient, e);
        }
    }

    // The JWT's own "exp", so an access token known to be spent is not sent first; unreadable ones are left to the PDS.
    private bool Expired(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }
        try
        {
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            return payload.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
                && DateTimeOffset.FromUnixTimeSeconds(seconds) <= time.GetUtcNow().AddSeconds(30);
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private sealed record Answer(string AccessJwt, string RefreshJwt, string Did);
}

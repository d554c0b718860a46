using System.Net.Http.Headers;
using Gateway.Accounts;
using Gateway.Audit;
using Gateway.Freeze;
using Gateway.Publishing;

namespace Gateway.Proxy;

/// <summary>
/// Reads a client needs, and the few outgoing writes that are not posts (boost, favourite, follow), sent on to the
/// account's Mastodon instance with the account's own credentials, through the publishers' HttpClient (timeout and
/// private-address guard). The answer comes back as the instance gave it, its pagination links pointed at the gateway.
/// Writes are refused while a freeze covers the account and are audited, as every outgoing act is.
/// </summary>
public sealed class UpstreamForwarder(IHttpClientFactory clients, ConnectionStore connections, FreezeStore freezes, PublishFence fence, AuditLog audit, TimeProvider time)
{
    /// <summary>A read the gateway makes for itself (the Status of a post it published); null where there is no Mastodon to ask or it fails.</summary>
    public async Task<System.Text.Json.JsonElement?> GetAsync(Account account, string path, CancellationToken cancellationToken)
    {
        if (account.Publisher.Type != PublisherSettings.Mastodon || account.Publisher.Instance is not { } instance
            || (await connections.GetAsync(account.Id, cancellationToken))?.AccessToken is not { } token)
        {
            return null;
        }
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(instance), path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await NetworkCall.SendAsync(clients.CreateClient(NetworkCall.ClientName), request, $"Mastodon ({request.RequestUri!.Host})", time, cancellationToken);
            return await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(response.Content, cancellationToken);
        }
        catch (Exception e) when (e is PublishException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public async Task<IResult> ForwardAsync(HttpContext context, ProxyCaller caller, bool write, CancellationToken cancellationToken)
    {
        var account = caller.Account;
        if (account.Publisher.Type != PublisherSettings.Mastodon || account.Publisher.Instance is not { } instance)
        {
            throw MastodonRefusal.Unprocessable(
                $"Account '{account.Id}' publishes to {account.Publisher.Type}, not Mastodon: there is no Mastodon instance to read {context.Request.Path} from. Posting works; reading does not.");
        }
        if (!caller.Allows(write ? "write" : "read"))
        {
            throw new MastodonRefusal(StatusCodes.Status403Forbidden, "This action is outside the authorized scopes");
        }
        // A write is in the fence before the freezes are read, as a publish is: a freeze that lands after the read
        // cancels it, and the freeze call returns only once it has settled.
        using var lease = write ? fence.Enter($"proxy {context.Request.Method} {context.Request.Path}", account.Id, cancellationToken) : null;
        if (write && (await freezes.GetAsync(cancellationToken)).Covering(account.Id) is { } freeze)
        {
            await audit.AppendAsync(caller.User.Name, "proxy.refused", account.Id, new { method = context.Request.Method, path = context.Request.Path.Value, freeze = freeze.Id });
            throw Frozen(freeze, sent: false);
        }
        var token = (await connections.GetAsync(account.Id, cancellationToken))?.AccessToken
            ?? throw MastodonRefusal.Unprocessable($"Account '{account.Id}' is not connected to its instance; an admin connects it in the dashboard.");
        var baseUri = new Uri(instance);
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(baseUri, context.Request.Path + context.Request.QueryString));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("application/json");
        if (write)
        {
            // The forwarded writes take no body that matters (follow's reblogs/notify options are kept as form fields).
            request.Content = context.Request.HasFormContentType
                ? new FormUrlEncodedContent((await context.Request.ReadFormAsync(cancellationToken)).SelectMany(f => f.Value.Select(v => new KeyValuePair<string, string>(f.Key, v ?? ""))))
                : new FormUrlEncodedContent([]);
        }
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(NetworkCall.ClientName).SendAsync(request, lease?.Token ?? cancellationToken);
        }
        catch (OperationCanceledException) when (lease is not null && lease.Token.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var landed = (await freezes.GetAsync(CancellationToken.None)).Covering(account.Id);
            await audit.AppendAsync(caller.User.Name, "proxy.interrupted", account.Id, new { method = context.Request.Method, path = context.Request.Path.Value, freeze = landed?.Id });
            throw landed is null ? new MastodonRefusal(StatusCodes.Status502BadGateway, $"Mastodon ({baseUri.Host}): the send was stopped; it may have received the request.") : Frozen(landed, sent: true);
        }
        catch (HttpRequestException e) when (Rules.Net.AddressGuard.RefusalIn(e) is { } refusal)
        {
            throw MastodonRefusal.Unprocessable($"Mastodon ({baseUri.Host}): {refusal.Message}");
        }
        catch (Exception e) when (e is HttpRequestException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new MastodonRefusal(StatusCodes.Status502BadGateway, $"Mastodon ({baseUri.Host}) could not be reached or did not answer in time{(write ? "; it may have received the request" : "")}.");
        }
        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (write)
            {
                await audit.AppendAsync(caller.User.Name, "proxy.forwarded", account.Id,
                    new { method = context.Request.Method, path = context.Request.Path.Value, status = (int)response.StatusCode });
            }
            if (response.Headers.TryGetValues("Link", out var links))
            {
                var gateway = $"{context.Request.Scheme}://{context.Request.Host}";
                context.Response.Headers.Link = string.Join(", ", links).Replace(baseUri.GetLeftPart(UriPartial.Authority), gateway, StringComparison.OrdinalIgnoreCase);
            }
            // The instance's own errors are Mastodon's format already; a failure of its own is a failure of the network, never a 5xx of the gateway's.
            var status = (int)response.StatusCode >= 500 ? StatusCodes.Status502BadGateway : (int)response.StatusCode;
            return response.Content.Headers.ContentType?.MediaType == "application/json"
                ? Results.Content(System.Text.Encoding.UTF8.GetString(body), "application/json; charset=utf-8", statusCode: status)
                : MastodonErrors.Result(status is >= 200 and < 300 ? StatusCodes.Status502BadGateway : status,
                    $"Mastodon ({baseUri.Host}) answered {(int)response.StatusCode} without JSON.");
        }
    }

    private static MastodonRefusal Frozen(Freeze.Freeze freeze, bool sent) => new(StatusCodes.Status403Forbidden,
        $"The account is frozen: {freeze.Reason} (since {MastodonEntities.Time(freeze.Since)}, by {freeze.By}). " +
        (sent ? "The freeze stopped this request on its way out; the instance may have received it." : "Nothing goes out until it is lifted."));
}

using System.Collections.Concurrent;
using System.Net;
using Gateway.Accounts;
using Gateway.Audit;

namespace Gateway.Publishing;

/// <summary>
/// Calls a network with an account's OAuth bearer token, renewing it at most once: before the call when the token is
/// known to have expired, or after the network answered 401 (which proves the call did nothing, so it is sent again).
/// Renewals of one account take turns, because X replaces the refresh token on every use: two at once would leave
/// the loser holding a dead one.
/// </summary>
public sealed class BearerTokens(ConnectionStore connections, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _renewing = new();

    public async Task<T> CallAsync<T>(Account account, INetworkAuthorization authorization, string network, Func<string, Task<T>> call, CancellationToken cancellationToken)
    {
        var credentials = await connections.GetAsync(account.Id, cancellationToken);
        if (credentials?.AccessToken is null)
        {
            throw new PublishException($"{network}: account {account.Id} is not connected; connect it to publish.", PublishFailure.Unauthorized);
        }
        var renewed = false;
        if (credentials.ExpiresAt <= time.GetUtcNow() && credentials.RefreshToken is not null)
        {
            credentials = await RenewAsync(account, authorization, network, credentials.AccessToken);
            renewed = true;
        }
        try
        {
            return await call(credentials.AccessToken!);
        }
        catch (PublishException e) when (e.Status == HttpStatusCode.Unauthorized && !renewed && credentials.RefreshToken is not null)
        {
            credentials = await RenewAsync(account, authorization, network, credentials.AccessToken!);
            return await call(credentials.AccessToken!);
        }
    }

    /// <summary>
    /// Renews the grant whose access token is <paramref name="failedToken"/>, in turn with every other renewal of the
    /// account (sends and the renewal job alike). Not the caller's token: a renewal the network may already have
    /// carried out (a rotated refresh token) must be stored even when a freeze cancels the publish; the network
    /// client's timeout still bounds it.
    /// </summary>
    public async Task<Credentials> RenewAsync(Account account, INetworkAuthorization authorization, string network, string failedToken)
    {
        var turn = _renewing.GetOrAdd(account.Id, _ => new SemaphoreSlim(1, 1));
        await turn.WaitAsync();
        try
        {
            var current = await connections.GetAsync(account.Id);
            if (current?.AccessToken is { } token && token != failedToken && !(current.ExpiresAt <= time.GetUtcNow()))
            {
                return current; // renewed by another send meanwhile
            }
            var renewed = (current is null ? null : await authorization.RefreshAsync(account, current, CancellationToken.None))
                ?? throw new PublishException($"{network}: the account's access expired and cannot be renewed; reconnect the account.", PublishFailure.Unauthorized);
            await connections.SaveAsync(account.Id, renewed, AuditLog.System, "account.token-renewed", renewal: true);
            return renewed;
        }
        finally
        {
            turn.Release();
        }
    }
}

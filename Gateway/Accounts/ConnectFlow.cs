using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Gateway.Publishing;
using Gateway.Storage;
using Gateway.Users;
using Microsoft.AspNetCore.DataProtection;

namespace Gateway.Accounts;

/// <summary>
/// Connecting an account to its network and keeping it connected: the OAuth authorization-code flow with PKCE
/// around each network's <see cref="INetworkAuthorization"/>, the connection test, and renewal of expiring tokens.
/// The pending authorization lives in the database (any node can take the callback), found by the hash of its state.
/// </summary>
public sealed class ConnectFlow(
    Database database,
    AccountStore accounts,
    ConnectionStore connections,
    IEnumerable<INetworkAuthorization> authorizations,
    IEnumerable<IPublisher> publishers,
    IDataProtectionProvider protection,
    BearerTokens tokens,
    TimeProvider time,
    ILogger<ConnectFlow> log)
{
    /// <summary>How long a person has on the network's consent page.</summary>
    public static readonly TimeSpan PendingLifetime = TimeSpan.FromMinutes(15);

    private readonly IDataProtector _protector = protection.CreateProtector("CrisisGateway.PendingAuthorization.v1");

    public bool CanAuthorize(Account account) => Authorization(account.Publisher.Type) is not null;

    /// <summary>Starts a connection: the address of the network's consent page to send the person to.</summary>
    public async Task<Uri> BeginAsync(string accountId, Uri redirectUri, User user, CancellationToken cancellationToken)
    {
        var account = await accounts.GetAsync(accountId, cancellationToken) ?? throw ProblemException.NotFound($"No account with id '{accountId}'.");
        var network = Authorization(account.Publisher.Type) ?? throw ProblemException.BadRequest(account.Publisher.Type == PublisherSettings.Bluesky
            ? "Bluesky connects with an app password: paste one into the account (Settings → Privacy and security → App passwords)."
            : $"A {account.Publisher.Type} publisher has no network to connect to.");
        var state = Random();
        var verifier = Random();
        var challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        var authorization = await Network(() => network.BeginAsync(account, redirectUri, state, challenge, cancellationToken));
        var now = time.GetUtcNow();
        var pending = new Pending(verifier, redirectUri.ToString(), authorization.Client);
        await database.InTransactionAsync(async (c, t) =>
        {
            await c.ExecuteAsync("DELETE FROM oauth_pending WHERE created_at < @stale", new { stale = now - PendingLifetime }, t);
            await c.ExecuteAsync(
                "INSERT INTO oauth_pending (state_hash, account_id, user_name, secret, created_at) VALUES (@hash, @accountId, @user, @secret, @now)",
                new { hash = Tokens.Hash(state), accountId, user = user.Name, secret = _protector.Protect(JsonSerializer.Serialize(pending, JsonDefaults.Options)), now }, t);
            return true;
        }, cancellationToken);
        return authorization.Url;
    }

    /// <summary>
    /// The network sent the person back: exchanges the code, stores the grant encrypted, and asks the network whom it
    /// belongs to. The state is single-use and belongs to the person who started.
    /// </summary>
    public async Task<Account> CompleteAsync(string? state, string? code, string? error, User user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(state))
        {
            throw ProblemException.BadRequest("The network's answer has no 'state': start connecting again from the account page.");
        }
        var hash = Tokens.Hash(state);
        var row = await database.InTransactionAsync(async (c, t) =>
        {
            var found = await c.QuerySingleOrDefaultAsync<PendingRow>(
                "SELECT account_id AS AccountId, user_name AS UserName, secret, created_at AS CreatedAt FROM oauth_pending WHERE state_hash = @hash", new { hash }, t);
            await c.ExecuteAsync("DELETE FROM oauth_pending WHERE state_hash = @hash", new { hash }, t);
            return found;
        }, cancellationToken);
        if (row is null || time.GetUtcNow() - row.CreatedAt > PendingLifetime || row.UserName != user.Name)
        {
            throw ProblemException.BadRequest("This connection attempt is unknown, expired or someone else's: start connecting again from the account page.");
        }
        var account = await accounts.GetAsync(row.AccountId, cancellationToken) ?? throw ProblemException.NotFound($"No account with id '{row.AccountId}'.");
        if (!string.IsNullOrEmpty(error) || string.IsNullOrEmpty(code))
        {
            throw ProblemException.BadRequest($"{account.Publisher.Type} did not grant access ({error ?? "no code"}); the account was not connected.");
        }
        var pending = JsonSerializer.Deserialize<Pending>(_protector.Unprotect(row.Secret), JsonDefaults.Options)!;
        var network = Authorization(account.Publisher.Type)!;
        var credentials = await Network(() => network.CompleteAsync(account, new Uri(pending.RedirectUri), code, pending.Verifier, pending.Client, cancellationToken));
        await connections.SaveAsync(account.Id, credentials, user.Name, "account.connected", renewal: false, cancellationToken: cancellationToken);
        try
        {
            await TestAsync(account.Id, cancellationToken);
        }
        catch (ProblemException e)
        {
            log.LogWarning("Account {Account} connected, but the first test failed: {Problem}", account.Id, e.Detail);
        }
        return (await accounts.GetAsync(account.Id, cancellationToken))!;
    }

    /// <summary>Asks the network whom the account's credentials belong to, and records the answer.</summary>
    public async Task<string> TestAsync(string accountId, CancellationToken cancellationToken)
    {
        var account = await accounts.GetAsync(accountId, cancellationToken) ?? throw ProblemException.NotFound($"No account with id '{accountId}'.");
        if (publishers.FirstOrDefault(p => p.Type == account.Publisher.Type) is not IConnectionCheck check)
        {
            throw ProblemException.BadRequest($"A {account.Publisher.Type} publisher has no connection to test.");
        }
        try
        {
            var identity = await check.VerifyAsync(account, cancellationToken);
            await connections.VerifiedAsync(account.Id, identity, cancellationToken);
            return identity;
        }
        catch (PublishException e) when (e.Failure == PublishFailure.Unauthorized)
        {
            await connections.NeedsReconnectAsync(account.Id, e.Message, CancellationToken.None);
            throw ProblemException.Conflict(e.Message);
        }
        catch (PublishException e) when (e.Failure == PublishFailure.Rejected)
        {
            throw ProblemException.Conflict(e.Message);
        }
        catch (PublishException e)
        {
            throw ProblemException.BadGateway(e.Message);
        }
    }

    /// <summary>
    /// Renews the access token from the refresh token for the renewal job, through <see cref="BearerTokens"/> so it takes
    /// turns with the sends that renew. False when there is nothing to renew; a revoked grant marks the account as
    /// needing reconnecting.
    /// </summary>
    public async Task<bool> RenewAsync(Account account, CancellationToken cancellationToken)
    {
        if (Authorization(account.Publisher.Type) is not { } network
            || await connections.GetAsync(account.Id, cancellationToken) is not { RefreshToken: not null, AccessToken: { } token })
        {
            return false;
        }
        try
        {
            await tokens.RenewAsync(account, network, account.Publisher.Type, token);
            return true;
        }
        catch (PublishException e) when (e.Failure is PublishFailure.Unauthorized or PublishFailure.Rejected)
        {
            await connections.NeedsReconnectAsync(account.Id, $"Its access could not be renewed: {e.Message}", CancellationToken.None);
            return false;
        }
    }

    private INetworkAuthorization? Authorization(string type) => authorizations.FirstOrDefault(a => a.Type == type);

    private static async Task<T> Network<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (PublishException e)
        {
            throw e.Failure is PublishFailure.Transient or PublishFailure.Uncertain or PublishFailure.RateLimited
                ? ProblemException.BadGateway(e.Message)
                : ProblemException.BadRequest(e.Message);
        }
    }

    private static string Random() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private sealed record Pending(string Verifier, string RedirectUri, Credentials? Client);

    private sealed class PendingRow
    {
        public string AccountId { get; init; } = "";
        public string UserName { get; init; } = "";
        public string Secret { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
    }
}

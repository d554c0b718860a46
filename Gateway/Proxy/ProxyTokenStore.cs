using Dapper;
using Gateway.Accounts;
using Gateway.Audit;
using Gateway.Auth;
using Gateway.Storage;
using Gateway.Users;

namespace Gateway.Proxy;

/// <summary>
/// The proxy's access tokens, hashed like the API's (<see cref="Tokens"/>), each bound to one user and one account.
/// A token carries no role: it acts as its user does now, so a disabled user, or an editor taken off the account,
/// loses it at once.
/// </summary>
public sealed class ProxyTokenStore(Database database, AccountStore accounts, AuditLog audit, TimeProvider time)
{
    /// <summary>What a hand-made token may do; an OAuth token gets the scopes its app asked for.</summary>
    public const string AllScopes = "read write follow";

    private const string Columns =
        "id, user_name AS User, account_id AS Account, name, client_id AS ClientId, scopes, created_at AS CreatedAt, last_used_at AS LastUsedAt";

    /// <summary>A new token for <paramref name="user"/> on <paramref name="accountId"/>; the secret exists nowhere else.</summary>
    public async Task<(ProxyToken Token, string Secret)> CreateAsync(User user, string accountId, string? name, string? clientId = null, string scopes = AllScopes,
        CancellationToken cancellationToken = default)
    {
        var account = await WritableAsync(user, accountId, cancellationToken);
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > Users.ApiTokenStore.MaxNameLength)
        {
            throw ProblemException.BadRequest($"A proxy token needs a name of 1 to {Users.ApiTokenStore.MaxNameLength} characters, saying which app uses it (\"Ivory on the team phone\").");
        }
        var token = new ProxyToken(Guid.CreateVersion7().ToString("N"), user.Name, account.Id, trimmed, clientId, scopes, time.GetUtcNow(), null);
        var secret = Tokens.Create();
        await database.InTransactionAsync(async (c, t) =>
        {
            await c.ExecuteAsync(
                """
                INSERT INTO proxy_tokens (id, user_name, account_id, name, token_hash, client_id, scopes, created_at)
                VALUES (@Id, @User, @Account, @Name, @hash, @ClientId, @Scopes, @CreatedAt)
                """, new { token.Id, token.User, token.Account, token.Name, hash = Tokens.Hash(secret), token.ClientId, token.Scopes, token.CreatedAt }, t);
            await audit.AppendAsync(c, t, user.Name, "proxy-token.created", account.Id, new { token = token.Id, token.Name, token.ClientId });
            return true;
        }, cancellationToken);
        return (token, secret);
    }

    /// <summary>The account's tokens not revoked; an editor sees their own, admins everyone's.</summary>
    public async Task<IReadOnlyList<ProxyToken>> ListAsync(User user, string accountId, CancellationToken cancellationToken = default)
    {
        await WritableAsync(user, accountId, cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        var tokens = await connection.QueryAsync<ProxyToken>(new CommandDefinition(
            $"SELECT {Columns} FROM proxy_tokens WHERE revoked_at IS NULL AND account_id = @accountId AND (@all = 1 OR user_name = @name) ORDER BY created_at",
            new { accountId, all = user.Role == Role.Admin, name = user.Name }, cancellationToken: cancellationToken));
        return tokens.AsList();
    }

    /// <summary>Revokes a token of the account: its owner may, and admins may revoke anyone's. The row stays for the audit.</summary>
    public async Task<ProxyToken> RevokeAsync(User actor, string accountId, string id, CancellationToken cancellationToken = default)
    {
        await WritableAsync(actor, accountId, cancellationToken);
        return await database.InTransactionAsync(async (c, t) =>
        {
            var token = await c.QuerySingleOrDefaultAsync<ProxyToken>(
                $"SELECT {Columns} FROM proxy_tokens WHERE id = @id AND account_id = @accountId AND revoked_at IS NULL", new { id, accountId }, t)
                ?? throw ProblemException.NotFound($"No active proxy token with id '{id}' on account '{accountId}'.");
            if (token.User != actor.Name && actor.Role != Role.Admin)
            {
                throw ProblemException.Forbidden($"The proxy token '{token.Name}' is {token.User}'s: only they or an admin may revoke it.");
            }
            await RevokeAsync(c, t, token, actor.Name);
            return token;
        }, cancellationToken);
    }

    /// <summary>OAuth's revoke: the client that holds the token gives it up. Unknown tokens are no error (RFC 7009).</summary>
    public Task RevokeSecretAsync(string secret, string clientId, CancellationToken cancellationToken = default) =>
        database.InTransactionAsync(async (c, t) =>
        {
            var token = await c.QuerySingleOrDefaultAsync<ProxyToken>(
                $"SELECT {Columns} FROM proxy_tokens WHERE token_hash = @hash AND revoked_at IS NULL", new { hash = Tokens.Hash(secret) }, t);
            if (token is not null && token.ClientId == clientId)
            {
                await RevokeAsync(c, t, token, token.User);
            }
            return true;
        }, cancellationToken);

    private async Task RevokeAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction t, ProxyToken token, string actor)
    {
        await c.ExecuteAsync("UPDATE proxy_tokens SET revoked_at = @now WHERE id = @Id", new { now = time.GetUtcNow(), token.Id }, t);
        await audit.AppendAsync(c, t, actor, "proxy-token.revoked", token.Account, new { token = token.Id, token.Name, token.User });
    }

    /// <summary>
    /// Who a token acts for, or null: unknown, revoked, a disabled user, or one who may no longer write for the account.
    /// </summary>
    public async Task<ProxyCaller?> AuthenticateAsync(string secret, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var found = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            """
            SELECT t.id AS Id, t.account_id AS Account, t.scopes AS Scopes, t.last_used_at AS LastUsedAt,
                   u.name AS Name, u.role AS Role, u.created_at AS CreatedAt, u.disabled_at AS DisabledAt
            FROM proxy_tokens t JOIN users u ON u.name = t.user_name
            WHERE t.token_hash = @hash AND t.revoked_at IS NULL
            """,
            new { hash = Tokens.Hash(secret) }, cancellationToken: cancellationToken));
        if (found is null || found.DisabledAt is not null)
        {
            return null;
        }
        var user = new User(found.Name, found.Role, found.CreatedAt, found.DisabledAt);
        if (await accounts.GetAsync(found.Account, cancellationToken) is not { } account || !PostAccess.MayWrite(user, account))
        {
            return null;
        }
        var now = time.GetUtcNow();
        if (found.LastUsedAt is not { } used || now - used >= Users.ApiTokenStore.LastUsedPrecision)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE proxy_tokens SET last_used_at = @now WHERE id = @Id", new { now, found.Id }, cancellationToken: cancellationToken));
        }
        return new ProxyCaller(user, account, found.Id, found.Scopes);
    }

    private async Task<Account> WritableAsync(User user, string accountId, CancellationToken cancellationToken)
    {
        var account = await accounts.GetAsync(accountId, cancellationToken) ?? throw ProblemException.NotFound($"No account with id '{accountId}'.");
        return PostAccess.MayWrite(user, account)
            ? account
            : throw ProblemException.Forbidden($"{user.Name} is not an editor of account '{accountId}'; proxy tokens are for the people who post for it.");
    }

    private sealed record Row(string Id, string Account, string Scopes, DateTimeOffset? LastUsedAt, string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt);
}

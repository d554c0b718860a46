using System.Data.Common;
using Dapper;
using Gateway.Audit;
using Gateway.Storage;

namespace Gateway.Users;

/// <summary>
/// The bearer tokens of the API, several per user: each named, optionally expiring, revocable by its owner or an
/// admin. A token carries no role of its own: it acts as its user does now, so a disabled user's tokens stop at once.
/// </summary>
public sealed class ApiTokenStore(Database database, AuditLog audit, TimeProvider time)
{
    public const int MaxNameLength = 100;

    /// <summary>Last use is written at most this often per token, so reading the API does not turn every call into a write.</summary>
    public static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);

    private const string Columns =
        "id, user_name AS User, name, created_at AS CreatedAt, expires_at AS ExpiresAt, last_used_at AS LastUsedAt";

    /// <summary>A new token for <paramref name="owner"/>; the returned secret exists nowhere else.</summary>
    public async Task<(ApiToken Token, string Secret)> CreateAsync(User owner, string? name, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (expiresAt is { } expiry && expiry <= now)
        {
            throw ProblemException.BadRequest($"'expiresAt' {expiry:O} is not in the future; leave it out for a token that does not expire.");
        }
        var token = new ApiToken(Guid.CreateVersion7().ToString("N"), owner.Name, RequireName(name), now, expiresAt?.ToUniversalTime(), null);
        var secret = Tokens.Create();
        await database.InTransactionAsync(async (c, t) =>
        {
            await InsertAsync(c, t, token, secret);
            await audit.AppendAsync(c, t, owner.Name, "token.created", owner.Name, new { token = token.Id, token.Name, token.ExpiresAt });
            return true;
        }, cancellationToken);
        return (token, secret);
    }

    /// <summary>For <see cref="UserStore"/>, which gives every user it creates a first token in the same transaction.</summary>
    internal static Task InsertAsync(DbConnection connection, DbTransaction transaction, ApiToken token, string secret) =>
        connection.ExecuteAsync(
            """
            INSERT INTO api_tokens (id, user_name, name, token_hash, created_at, expires_at)
            VALUES (@Id, @User, @Name, @hash, @CreatedAt, @ExpiresAt)
            """,
            new { token.Id, token.User, token.Name, hash = Tokens.Hash(secret), token.CreatedAt, token.ExpiresAt }, transaction);

    /// <summary>The tokens not revoked (expired ones too, so their owner sees why they fail): <paramref name="user"/>'s, or everyone's when null.</summary>
    public async Task<IReadOnlyList<ApiToken>> ListAsync(string? user, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var tokens = await connection.QueryAsync<ApiToken>(new CommandDefinition(
            user is null
                ? $"SELECT {Columns} FROM api_tokens WHERE revoked_at IS NULL ORDER BY user_name, created_at"
                : $"SELECT {Columns} FROM api_tokens WHERE revoked_at IS NULL AND user_name = @user ORDER BY created_at",
            new { user }, cancellationToken: cancellationToken));
        return tokens.AsList();
    }

    /// <summary>Revokes a token: its owner may, and admins may revoke anyone's. The row stays for the audit trail.</summary>
    public async Task<ApiToken> RevokeAsync(string id, User actor, CancellationToken cancellationToken = default)
    {
        return await database.InTransactionAsync(async (c, t) =>
        {
            var token = await c.QuerySingleOrDefaultAsync<ApiToken>(
                $"SELECT {Columns} FROM api_tokens WHERE id = @id AND revoked_at IS NULL", new { id }, t)
                ?? throw ProblemException.NotFound($"No active API token with id '{id}'.");
            if (token.User != actor.Name && actor.Role != Role.Admin)
            {
                throw ProblemException.Forbidden($"The token '{token.Name}' is {token.User}'s: only they or an admin may revoke it.");
            }
            await c.ExecuteAsync("UPDATE api_tokens SET revoked_at = @now WHERE id = @id", new { id, now = time.GetUtcNow() }, t);
            await audit.AppendAsync(c, t, actor.Name, "token.revoked", token.User, new { token = token.Id, token.Name });
            return token;
        }, cancellationToken);
    }

    /// <summary>The user a token acts for, or null when it is unknown, revoked, expired, or its user is disabled.</summary>
    public async Task<User?> AuthenticateAsync(string secret, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var found = await connection.QuerySingleOrDefaultAsync<Bearer>(new CommandDefinition(
            """
            SELECT t.id AS Id, t.expires_at AS ExpiresAt, t.last_used_at AS LastUsedAt,
                   u.name AS Name, u.role AS Role, u.created_at AS CreatedAt, u.disabled_at AS DisabledAt
            FROM api_tokens t JOIN users u ON u.name = t.user_name
            WHERE t.token_hash = @hash AND t.revoked_at IS NULL
            """,
            new { hash = Tokens.Hash(secret) }, cancellationToken: cancellationToken));
        var now = time.GetUtcNow();
        if (found is null || found.DisabledAt is not null || found.ExpiresAt <= now)
        {
            return null;
        }
        if (found.LastUsedAt is not { } used || now - used >= LastUsedPrecision)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE api_tokens SET last_used_at = @now WHERE id = @Id", new { now, found.Id }, cancellationToken: cancellationToken));
        }
        return new User(found.Name, found.Role, found.CreatedAt, found.DisabledAt);
    }

    private static string RequireName(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        return trimmed.Length is > 0 and <= MaxNameLength
            ? trimmed
            : throw ProblemException.BadRequest($"A token needs a name of 1 to {MaxNameLength} characters, saying what uses it (\"ci deploy\", \"crisis bot\").");
    }

    private sealed record Bearer(string Id, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt);
}

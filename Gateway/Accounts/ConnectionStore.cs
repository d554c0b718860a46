using System.Data.Common;
using System.Text.Json;
using Dapper;
using Gateway.Audit;
using Gateway.Notifications;
using Gateway.Storage;
using Gateway.Users;
using Microsoft.AspNetCore.DataProtection;

namespace Gateway.Accounts;

/// <summary>
/// An account's credentials, encrypted with ASP.NET Core Data Protection (keys in the data directory), and the state
/// of its connection. The secrets leave this class only towards the publisher that uses them.
/// </summary>
public sealed class ConnectionStore(Database database, IDataProtectionProvider protection, AuditLog audit, Notifier notifier, TimeProvider time)
{
    /// <summary>Data Protection's application name and key ring: shared by the host and the CLI, kept with the data it protects.</summary>
    public const string ApplicationName = "CrisisGateway";

    public static DirectoryInfo KeyRing(GatewayOptions options) => new(Path.Combine(options.DataDir, "keys"));

    private readonly IDataProtector _protector = protection.CreateProtector("CrisisGateway.AccountCredentials.v1");

    public async Task<Credentials?> GetAsync(string accountId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var secret = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT secret FROM account_connections WHERE account_id = @accountId", new { accountId }, cancellationToken: cancellationToken));
        return secret is null ? null : Unprotect(secret);
    }

    /// <summary>
    /// Stores new credentials and clears any "needs reconnecting". A renewal of the same grant (<paramref name="renewal"/>)
    /// keeps the identity the network reported; a new grant takes <paramref name="identity"/>, null when not yet asked.
    /// </summary>
    public Task SaveAsync(string accountId, Credentials credentials, string actor, string action, bool renewal, string? identity = null, CancellationToken cancellationToken = default) =>
        database.InTransactionAsync(async (c, t) =>
        {
            await SaveAsync(c, t, accountId, credentials, renewal, identity);
            // What changed, never the values.
            await audit.AppendAsync(c, t, actor, action, accountId, new { expiresAt = credentials.ExpiresAt, identity });
            return true;
        }, cancellationToken);

    /// <summary>The same, inside the caller's transaction (the account's own save, which audits itself).</summary>
    public Task SaveAsync(DbConnection connection, DbTransaction transaction, string accountId, Credentials credentials, bool renewal, string? identity = null)
    {
        var now = time.GetUtcNow();
        // "@renewal = 1": a bool arrives as an integer (IntegerBoolHandler), which PostgreSQL does not take as a condition.
        return connection.ExecuteAsync(
            """
            INSERT INTO account_connections (account_id, secret, identity, checked_at, expires_at, problem, updated_at)
            VALUES (@accountId, @secret, @identity, @checkedAt, @ExpiresAt, NULL, @now)
            ON CONFLICT (account_id) DO UPDATE SET secret = excluded.secret, expires_at = excluded.expires_at, problem = NULL,
                identity = CASE WHEN @renewal = 1 THEN account_connections.identity ELSE excluded.identity END,
                checked_at = CASE WHEN @renewal = 1 THEN account_connections.checked_at ELSE excluded.checked_at END,
                updated_at = excluded.updated_at
            """,
            new { accountId, secret = Protect(credentials), identity, checkedAt = identity is null ? (DateTimeOffset?)null : now, credentials.ExpiresAt, now, renewal }, transaction);
    }

    /// <summary>Forgets the credentials: the account's connection changed (another instance, author or network).</summary>
    public Task ForgetAsync(DbConnection connection, DbTransaction transaction, string accountId) =>
        connection.ExecuteAsync("DELETE FROM account_connections WHERE account_id = @accountId", new { accountId }, transaction);

    /// <summary>The network just confirmed who the credentials belong to.</summary>
    public async Task VerifiedAsync(string accountId, string identity, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE account_connections SET identity = @identity, checked_at = @now, problem = NULL WHERE account_id = @accountId",
            new { accountId, identity, now = time.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The network refused the credentials: the account needs reconnecting. Audited and sent to admins once per
    /// problem, not once per post that runs into it.
    /// </summary>
    public Task NeedsReconnectAsync(string accountId, string problem, CancellationToken cancellationToken = default) =>
        database.InTransactionAsync(async (c, t) =>
        {
            var now = time.GetUtcNow();
            var changed = await c.ExecuteAsync(
                """
                INSERT INTO account_connections (account_id, secret, problem, checked_at, updated_at) VALUES (@accountId, NULL, @problem, @now, @now)
                ON CONFLICT (account_id) DO UPDATE SET problem = excluded.problem, checked_at = excluded.checked_at, updated_at = excluded.updated_at
                WHERE account_connections.problem IS NULL OR account_connections.problem <> excluded.problem
                """,
                new { accountId, problem, now }, t);
            if (changed > 0)
            {
                await audit.AppendAsync(c, t, AuditLog.System, "account.needs-reconnect", accountId, new { problem });
                await notifier.EnqueueAsync(c, t, new NotificationEvent("account.needs-reconnect", [Role.Admin], accountId, null,
                    $"Account {accountId} needs reconnecting: {problem}"));
            }
            return true;
        }, cancellationToken);

    private string Protect(Credentials credentials) => _protector.Protect(JsonSerializer.Serialize(credentials, JsonDefaults.Options));

    private Credentials? Unprotect(string secret)
    {
        try
        {
            return JsonSerializer.Deserialize<Credentials>(_protector.Unprotect(secret), JsonDefaults.Options);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // The key ring was lost or replaced: the stored secret is unreadable, which is "not connected", not a crash.
            return null;
        }
    }
}

using Dapper;
using Gateway.Audit;
using Gateway.Storage;

namespace Gateway.Users;

public sealed class UserStore(Database database, AuditLog audit, TimeProvider time)
{
    /// <summary>Creates a user and returns their first API token, which exists nowhere else: only its hash is stored.</summary>
    public async Task<(User User, string Token)> CreateAsync(string name, string role, string actor, CancellationToken cancellationToken = default)
    {
        name = Names.Require(name, "User name");
        role = Role.Parse(role);
        var token = Tokens.Create();
        var user = new User(name, role, time.GetUtcNow(), null);
        await database.InTransactionAsync(async (c, t) =>
        {
            if (!await InsertAsync(c, t, user))
            {
                throw ProblemException.Conflict($"A user named '{name}' already exists.");
            }
            await ApiTokenStore.InsertAsync(c, t, new ApiToken(Guid.CreateVersion7().ToString("N"), name, "initial", user.CreatedAt, null, null), token);
            await audit.AppendAsync(c, t, actor, "user.created", name, new { role });
            return true;
        }, cancellationToken);
        return (user, token);
    }

    /// <summary>
    /// The user signing in through single sign-on as <paramref name="subject"/> of <paramref name="issuer"/>: the user
    /// bound to that identity (whatever name the provider sends now), else the unbound user of that name, now bound to
    /// it, else a new user with <paramref name="role"/> (no API token: they make their own on the tokens page). Given
    /// <paramref name="role"/> if the mapping now says another. Null when the name belongs to another identity.
    /// </summary>
    public async Task<User?> SignedInWithSsoAsync(string name, string role, string issuer, string subject, CancellationToken cancellationToken = default)
    {
        return await database.InTransactionAsync(async (c, t) =>
        {
            var user = await c.QuerySingleOrDefaultAsync<User>(
                $"{Select} WHERE sso_issuer = @issuer AND sso_subject = @subject", new { issuer, subject }, t);
            if (user is null)
            {
                user = new User(name, role, time.GetUtcNow(), null);
                // A sign-in racing the first inserts nothing and reads the row the other one made.
                if (await InsertAsync(c, t, user))
                {
                    await audit.AppendAsync(c, t, Sso, "user.created", name, new { role, via = Sso, issuer });
                }
                user = (await FindAsync(c, t, name))!;
                var bound = await c.ExecuteAsync(
                    "UPDATE users SET sso_issuer = @issuer, sso_subject = @subject WHERE name = @name AND sso_subject IS NULL",
                    new { issuer, subject, name }, t);
                if (bound == 0)
                {
                    return null;
                }
                await audit.AppendAsync(c, t, Sso, "user.sso_bound", name, new { issuer, subject });
            }
            if (user.DisabledAt is null && user.Role != role)
            {
                await c.ExecuteAsync("UPDATE users SET role = @role WHERE name = @name", new { role, name = user.Name }, t);
                await audit.AppendAsync(c, t, Sso, "user.role_changed", user.Name, new { from = user.Role, to = role, via = Sso, issuer });
                user = user with { Role = role };
            }
            return user;
        }, cancellationToken);
    }

    /// <summary>The actor of what single sign-on does to users, in the audit log.</summary>
    public const string Sso = "sso";

    /// <summary>
    /// users.token_hash is unique and required by the first migration but no longer read (tokens live in api_tokens):
    /// each row gets a value no SHA-256 hex hash can equal.
    /// </summary>
    private static async Task<bool> InsertAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction t, User user) =>
        await c.ExecuteAsync(
            """
            INSERT INTO users (name, role, token_hash, created_at) VALUES (@Name, @Role, @unused, @CreatedAt)
            ON CONFLICT (name) DO NOTHING
            """,
            new { user.Name, user.Role, unused = "unused:" + user.Name, user.CreatedAt }, t) > 0;

    private const string Select = "SELECT name, role, created_at AS CreatedAt, disabled_at AS DisabledAt FROM users";

    private static Task<User?> FindAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction t, string name) =>
        c.QuerySingleOrDefaultAsync<User>($"{Select} WHERE name = @name", new { name }, t);

    public async Task<User?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            $"{Select} WHERE name = @name", new { name }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var users = await connection.QueryAsync<User>(new CommandDefinition(
            $"{Select} ORDER BY name", cancellationToken: cancellationToken));
        return users.AsList();
    }

    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM users", cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Stops the user: their tokens and sessions stop working; the user stays so that history still names them.</summary>
    public async Task DisableAsync(string name, string actor, CancellationToken cancellationToken = default)
    {
        await database.InTransactionAsync(async (c, t) =>
        {
            var changed = await c.ExecuteAsync(
                "UPDATE users SET disabled_at = @now WHERE name = @name AND disabled_at IS NULL",
                new { name, now = time.GetUtcNow() }, t);
            if (changed == 0)
            {
                throw ProblemException.NotFound($"No active user named '{name}'.");
            }
            await audit.AppendAsync(c, t, actor, "user.disabled", name);
            return true;
        }, cancellationToken);
    }
}

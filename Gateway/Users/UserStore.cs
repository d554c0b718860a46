using Dapper;
using Gateway.Audit;
using Gateway.Storage;

namespace Gateway.Users;

public sealed class UserStore(Database database, AuditLog audit, TimeProvider time)
{
    /// <summary>Creates a user and returns the token, which exists nowhere else: only its hash is stored.</summary>
    public async Task<(User User, string Token)> CreateAsync(string name, string role, string actor, CancellationToken cancellationToken = default)
    {
        name = Names.Require(name, "User name");
        role = Role.Parse(role);
        var token = Tokens.Create();
        var user = new User(name, role, time.GetUtcNow(), null);
        await database.InTransactionAsync(async (c, t) =>
        {
            var inserted = await c.ExecuteAsync(
                """
                INSERT INTO users (name, role, token_hash, created_at) VALUES (@Name, @Role, @hash, @CreatedAt)
                ON CONFLICT (name) DO NOTHING
                """,
                new { user.Name, user.Role, hash = Tokens.Hash(token), user.CreatedAt }, t);
            if (inserted == 0)
            {
                throw ProblemException.Conflict($"A user named '{name}' already exists.");
            }
            await audit.AppendAsync(c, t, actor, "user.created", name, new { role });
            return true;
        }, cancellationToken);
        return (user, token);
    }

    public async Task<User?> FindByTokenAsync(string token, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            "SELECT name, role, created_at AS CreatedAt, disabled_at AS DisabledAt FROM users WHERE token_hash = @hash",
            new { hash = Tokens.Hash(token) }, cancellationToken: cancellationToken));
    }

    public async Task<User?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            "SELECT name, role, created_at AS CreatedAt, disabled_at AS DisabledAt FROM users WHERE name = @name",
            new { name }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var users = await connection.QueryAsync<User>(new CommandDefinition(
            "SELECT name, role, created_at AS CreatedAt, disabled_at AS DisabledAt FROM users ORDER BY name",
            cancellationToken: cancellationToken));
        return users.AsList();
    }

    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM users", cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>Revokes a user's token; the user stays so that history still names them.</summary>
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

using System.Data.Common;
using System.Text.Json;
using Dapper;
using Gateway.Audit;
using Gateway.Storage;

namespace Gateway.Accounts;

public sealed class AccountStore(Database database, ConnectionStore connections, AuditLog audit, TimeProvider time)
{
    /// <summary>Raised after an account was saved, with the account as stored (the in-memory <see cref="AccountDirectory"/> follows it).</summary>
    public event Action<Account>? Saved;

    public async Task<Account> SaveAsync(string id, AccountRequest request, bool create, string actor, CancellationToken cancellationToken = default)
    {
        id = Names.Require(id, "Account id");
        var (network, kind, language, editors, publisher, secret, identity) = request.Validate();
        var now = time.GetUtcNow();
        await database.InTransactionAsync(async (c, t) =>
        {
            var known = (await c.QueryAsync<string>($"SELECT name FROM users WHERE {database.Dialect.AnyOf("name", "editors")}", new { editors }, t)).ToHashSet();
            var unknown = editors.Where(e => !known.Contains(e)).ToArray();
            if (unknown.Length > 0)
            {
                throw ProblemException.BadRequest($"Unknown editor(s): {string.Join(", ", unknown)}. Create the users first.");
            }
            var before = create ? null : await c.QuerySingleOrDefaultAsync<string>("SELECT publisher FROM accounts WHERE id = @id", new { id }, t);
            var values = new
            {
                id, network, kind, language, publisher = JsonSerializer.Serialize(publisher, JsonDefaults.Options), now,
                handle = identity.Handle, names = JsonList(identity.Names), region = identity.Region,
                phones = JsonList(identity.Phones), domains = JsonList(identity.Domains),
            };
            var written = create
                ? await c.ExecuteAsync(
                    """
                    INSERT INTO accounts (id, network, kind, language, publisher, created_at, updated_at, handle, names, phone_region, phones, email_domains)
                    VALUES (@id, @network, @kind, @language, @publisher, @now, @now, @handle, @names, @region, @phones, @domains)
                    ON CONFLICT (id) DO NOTHING
                    """, values, t)
                : await c.ExecuteAsync(
                    """
                    UPDATE accounts SET network = @network, kind = @kind, language = @language, publisher = @publisher, updated_at = @now,
                        handle = @handle, names = @names, phone_region = @region, phones = @phones, email_domains = @domains
                    WHERE id = @id
                    """,
                    values, t);
            if (written == 0)
            {
                throw create
                    ? ProblemException.Conflict($"An account with id '{id}' already exists; use PUT /api/accounts/{id} to change it.")
                    : ProblemException.NotFound($"No account with id '{id}'.");
            }
            var previous = before is null ? null : JsonSerializer.Deserialize<PublisherSettings>(before, JsonDefaults.Options);
            if (secret is not null)
            {
                await connections.SaveAsync(c, t, id, secret, renewal: false);
            }
            else if (previous is not null && !previous.SameConnectionAs(publisher))
            {
                await connections.ForgetAsync(c, t, id); // a token for another instance or author must not follow the account there
            }
            await c.ExecuteAsync("DELETE FROM account_editors WHERE account_id = @id", new { id }, t);
            await c.ExecuteAsync(
                "INSERT INTO account_editors (account_id, user_name) VALUES (@id, @editor)",
                editors.Select(editor => new { id, editor }), t);
            await audit.AppendAsync(c, t, actor, create ? "account.created" : "account.updated", id,
                new
                {
                    network, kind, language, editors, publisher = publisher.Type, credentials = secret is null ? null : "replaced",
                    identity.Handle, identity.Names, identity.Region, identity.Phones, identity.Domains,
                });
            return true;
        }, cancellationToken);
        var saved = (await GetAsync(id, cancellationToken))!;
        Saved?.Invoke(saved);
        return saved;
    }

    private static string? JsonList(IReadOnlyList<string> values) => values.Count == 0 ? null : JsonSerializer.Serialize(values, JsonDefaults.Options);

    private static string[] FromJsonList(string? json) => json is null ? [] : JsonSerializer.Deserialize<string[]>(json, JsonDefaults.Options) ?? [];

    public async Task<Account?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await LoadAsync(connection, "WHERE a.id = @id", new { id }, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<Account>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await LoadAsync(connection, "", null, cancellationToken);
    }

    private static async Task<IReadOnlyList<Account>> LoadAsync(DbConnection connection, string where, object? parameters, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<AccountRow>(new CommandDefinition(
            $"""
            SELECT a.id, a.network, a.kind, a.language, a.publisher, a.created_at AS CreatedAt, a.updated_at AS UpdatedAt,
                   a.handle, a.names, a.phone_region AS PhoneRegion, a.phones, a.email_domains AS EmailDomains,
                   e.user_name AS Editor, CASE WHEN k.secret IS NULL THEN 0 ELSE 1 END AS Connected, k.identity, k.checked_at AS CheckedAt, k.expires_at AS ExpiresAt, k.problem
            FROM accounts a LEFT JOIN account_editors e ON e.account_id = a.id LEFT JOIN account_connections k ON k.account_id = a.id
            {where}
            ORDER BY a.id, e.user_name
            """, parameters, cancellationToken: cancellationToken));
        return rows.GroupBy(r => r.Id).Select(g =>
        {
            var r = g.First();
            return new Account(r.Id, r.Network, r.Kind, r.Language,
                g.Where(x => x.Editor is not null).Select(x => x.Editor!).ToArray(),
                JsonSerializer.Deserialize<PublisherSettings>(r.Publisher, JsonDefaults.Options)!,
                r.CreatedAt, r.UpdatedAt)
            {
                Connection = new Connection(r.Connected, r.Identity, r.CheckedAt, r.ExpiresAt, r.Problem),
                Identity = new AccountIdentity(r.Handle, FromJsonList(r.Names), r.PhoneRegion, FromJsonList(r.Phones), FromJsonList(r.EmailDomains)),
            };
        }).ToArray();
    }

    // Settable, not positional: Dapper matches a constructor by column types, which SQLite does not report for computed columns.
    private sealed class AccountRow
    {
        public string Id { get; init; } = "";
        public string Network { get; init; } = "";
        public string Kind { get; init; } = "";
        public string Language { get; init; } = "";
        public string Publisher { get; init; } = "";
        public string? Handle { get; init; }
        public string? Names { get; init; }
        public string? PhoneRegion { get; init; }
        public string? Phones { get; init; }
        public string? EmailDomains { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public string? Editor { get; init; }
        public bool Connected { get; init; }
        public string? Identity { get; init; }
        public DateTimeOffset? CheckedAt { get; init; }
        public DateTimeOffset? ExpiresAt { get; init; }
        public string? Problem { get; init; }
    }
}

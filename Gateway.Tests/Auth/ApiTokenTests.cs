using System.Net;
using System.Text.Json;
using Dapper;
using Gateway.Audit;
using Gateway.Storage;
using Gateway.Tests.Support;
using Gateway.Users;

namespace Gateway.Tests.Auth;

/// <summary>API tokens per user: <c>/api/tokens</c> and the <c>/tokens</c> page, who may do what, and when a token stops working.</summary>
public abstract class ApiTokenTests(Engine engine) : IDisposable
{
    private readonly TestGateway _gateway = new(engine: engine);

    public void Dispose() => _gateway.Dispose();

    private async Task<(string Id, string Token)> CreateAsync(HttpClient client, string name, DateTimeOffset? expiresAt = null)
    {
        var response = await client.PostJsonAsync("/api/tokens", new { name, expiresAt = expiresAt?.ToString("O") });
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create answered {(int)response.StatusCode}: {json}");
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return (json.GetProperty("id").GetString()!, json.GetProperty("token").GetString()!);
    }

    private async Task<HttpStatusCode> MeAsync(string token) => (await _gateway.ClientWithToken(token).GetAsync("/api/me")).StatusCode;

    private async Task<JsonElement[]> ListAsync(HttpClient client, string query = "")
    {
        var response = await client.GetAsync("/api/tokens" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).EnumerateArray().ToArray();
    }

    [Fact]
    public async Task A_user_creates_lists_and_revokes_their_tokens_and_a_revoked_token_answers_401()
    {
        var editor = await _gateway.SignInAsync("ed", Role.Editor);
        var (id, token) = await CreateAsync(editor, "ci deploy", DateTimeOffset.UtcNow.AddDays(30));

        Assert.StartsWith(Tokens.Prefix, token);
        var me = await (await _gateway.ClientWithToken(token).GetAsync("/api/me")).ReadJsonAsync();
        Assert.Equal("ed", me.GetProperty("name").GetString());
        Assert.Equal(Role.Editor, me.GetProperty("role").GetString());

        var listed = await ListAsync(editor);
        Assert.Equal(["initial", "ci deploy"], listed.Select(t => t.GetProperty("name").GetString()));
        var created = listed.Single(t => t.GetProperty("id").GetString() == id);
        Assert.NotEqual(JsonValueKind.Null, created.GetProperty("lastUsedAt").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, created.GetProperty("expiresAt").ValueKind);
        var text = JsonSerializer.Serialize(listed);
        Assert.DoesNotContain(token, text);
        Assert.DoesNotContain(Tokens.Hash(token), text);

        Assert.Equal(HttpStatusCode.NoContent, (await editor.DeleteAsync($"/api/tokens/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(token));
        Assert.Equal(["initial"], (await ListAsync(editor)).Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await editor.DeleteAsync($"/api/tokens/{id}")).StatusCode);

        var audit = _gateway.Service<AuditLog>();
        Assert.Equal(id, Assert.Single(await audit.QueryAsync(10, null, "token.created", "ed", "ed", default)).DetailsJson!.Value.GetProperty("token").GetString());
        Assert.Equal(id, Assert.Single(await audit.QueryAsync(10, null, "token.revoked", "ed", "ed", default)).DetailsJson!.Value.GetProperty("token").GetString());
    }

    [Fact]
    public async Task Only_admins_see_and_revoke_other_users_tokens()
    {
        var admin = await _gateway.SignInAsync("root", Role.Admin);
        var editor = await _gateway.SignInAsync("ed", Role.Editor);
        var reviewer = await _gateway.SignInAsync("rita", Role.Reviewer);
        var (adminTokenId, adminToken) = await CreateAsync(admin, "admin script");
        var (editorTokenId, editorToken) = await CreateAsync(editor, "editor bot");

        Assert.Equal(HttpStatusCode.Forbidden, (await editor.GetAsync("/api/tokens?all=true")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync("/api/tokens?user=root")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await editor.DeleteAsync($"/api/tokens/{adminTokenId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(adminToken));

        var everyone = await ListAsync(admin, "?all=true");
        // "admin" is the first admin the gateway makes on an empty database.
        Assert.Equal(["admin", "ed", "rita", "root"], everyone.Select(t => t.GetProperty("user").GetString()).Distinct().Order());
        Assert.Equal(["initial", "editor bot"], (await ListAsync(admin, "?user=ed")).Select(t => t.GetProperty("name").GetString()));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/tokens/{editorTokenId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(editorToken));
        var revoked = Assert.Single(await _gateway.Service<AuditLog>().QueryAsync(10, null, "token.revoked", "ed", null, default));
        Assert.Equal("root", revoked.Actor);
    }

    [Fact]
    public async Task Expired_tokens_and_the_tokens_of_a_disabled_user_stop_working()
    {
        var editor = await _gateway.SignInAsync("ed", Role.Editor);
        var (id, token) = await CreateAsync(editor, "short lived", DateTimeOffset.UtcNow.AddHours(1));
        var (_, other) = await CreateAsync(editor, "long lived");
        Assert.Equal(HttpStatusCode.OK, await MeAsync(token));

        await _gateway.Service<Database>().InTransactionAsync((c, t) => c.ExecuteAsync(
            "UPDATE api_tokens SET expires_at = @past WHERE id = @id", new { past = DateTimeOffset.UtcNow.AddMinutes(-1), id }, t));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(token));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(other));

        await _gateway.Service<UserStore>().DisableAsync("ed", "root");
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(other));
    }

    [Fact]
    public async Task A_token_acts_with_its_users_current_role()
    {
        var admin = await _gateway.SignInAsync("root", Role.Admin);
        var (_, token) = await CreateAsync(admin, "ops");
        Assert.Equal(HttpStatusCode.OK, (await _gateway.ClientWithToken(token).GetAsync("/api/users")).StatusCode);

        await _gateway.Service<Database>().InTransactionAsync((c, t) => c.ExecuteAsync("UPDATE users SET role = 'editor' WHERE name = 'root'", transaction: t));
        Assert.Equal(HttpStatusCode.Forbidden, (await _gateway.ClientWithToken(token).GetAsync("/api/users")).StatusCode);
    }

    [Theory]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"name":"x","expiresAt":"2030-01-01T00:00"}""", "expiresAt")]
    [InlineData("""{"name":"x","expiresAt":"2001-01-01T00:00:00Z"}""", "expiresAt")]
    [InlineData("""{"name":5}""", "name")]
    public async Task Bad_input_is_a_400_problem_naming_the_field(string body, string field)
    {
        var editor = await _gateway.SignInAsync("ed", Role.Editor);
        var response = await editor.PostAsync("/api/tokens", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, problem.GetProperty("detail").GetString()!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["initial"], (await ListAsync(editor)).Select(t => t.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Without_a_token_the_endpoints_answer_401()
    {
        using var anonymous = _gateway.ClientWithToken(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/tokens")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostJsonAsync("/api/tokens", new { name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync("/api/tokens/x")).StatusCode);
    }

    [Fact]
    public async Task The_page_creates_a_token_shown_once_lists_it_and_revokes_it()
    {
        using var session = await WebSession.SignInAsync(_gateway, "ed", Role.Editor);
        var response = await session.PostFormAsync("/tokens?handler=Create", ("Name", "crisis bot"), ("ExpiresAt", ""));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "");
        var token = Assert.Single(WebSession.Texts(html, "//*[contains(concat(' ', normalize-space(@class), ' '), ' token ')]"));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(token));

        var page = await session.GetHtmlAsync("/tokens");
        Assert.DoesNotContain(token, page);
        Assert.Contains("crisis bot", WebSession.Texts(page, "//table//td"));
        Assert.Empty(WebSession.Texts(page, "//h2[@id='others-heading']"));

        var id = (await _gateway.Service<ApiTokenStore>().ListAsync("ed")).Single(t => t.Name == "crisis bot").Id;
        var revoked = await session.PostFormAsync("/tokens?handler=Revoke", ("id", id));
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(token));
    }

    [Fact]
    public async Task The_page_needs_its_antiforgery_token_and_keeps_editors_off_other_users_tokens()
    {
        var (_, adminToken) = await _gateway.Service<UserStore>().CreateAsync("root", Role.Admin, "test");
        var adminTokenId = (await _gateway.Service<ApiTokenStore>().ListAsync("root")).Single().Id;
        using var editor = await WebSession.SignInAsync(_gateway, "ed", Role.Editor);

        var forged = await editor.PostFormWithoutTokenAsync("/tokens?handler=Create", [new("Name", "forged")]);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.DoesNotContain(await _gateway.Service<ApiTokenStore>().ListAsync("ed"), t => t.Name == "forged");

        var refused = await editor.PostFormAsync("/tokens?handler=Revoke", ("id", adminTokenId));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("only they or an admin", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, await MeAsync(adminToken));

        // The admin sees the editor's tokens beside their own and may revoke them.
        using var admin = await WebSession.SignInAsync(_gateway, adminToken);
        var page = await admin.GetHtmlAsync("/tokens");
        Assert.Contains("ed", WebSession.Texts(page, "//h2[@id='others-heading']/following-sibling::table[1]//td"));
        var editorTokenId = (await _gateway.Service<ApiTokenStore>().ListAsync("ed")).Single().Id;
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync("/tokens?handler=Revoke", ("id", editorTokenId))).StatusCode);
        Assert.Empty(await _gateway.Service<ApiTokenStore>().ListAsync("ed"));

        using var anonymous = WebSession.Anonymous(_gateway);
        Assert.StartsWith("/signin", WebSession.RedirectTarget(await anonymous.GetAsync("/tokens")));
    }
}

public sealed class ApiTokenTestsOnSqlite() : ApiTokenTests(Engine.Sqlite);

public sealed class ApiTokenTestsOnPostgres() : ApiTokenTests(Engine.Postgres);

/// <summary>A database from before API tokens: every user's one token keeps working, as their token named 'initial'.</summary>
public sealed class ApiTokenMigrationTests
{
    [Fact]
    public async Task The_token_each_user_had_moves_to_api_tokens_and_keeps_working()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "crisis-gateway-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        var token = Tokens.Create();
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDir, "gateway.db")}"))
        {
            await connection.OpenAsync();
            var migrations = Schema.Migrations(new SqliteDialect(Path.Combine(dataDir, "gateway.db"), Path.Combine(dataDir, "quartz.db")));
            await connection.ExecuteAsync("CREATE TABLE schema_version (version INTEGER NOT NULL)");
            var apiTokens = migrations.ToList().FindIndex(m => m.Contains("CREATE TABLE api_tokens")) + 1;
            for (var version = 1; version < apiTokens; version++)
            {
                await connection.ExecuteAsync(migrations[version - 1]);
                await connection.ExecuteAsync("INSERT INTO schema_version (version) VALUES (@version)", new { version });
            }
            await connection.ExecuteAsync(
                "INSERT INTO users (name, role, token_hash, created_at) VALUES ('old', 'reviewer', @hash, '2026-01-01T00:00:00.0000000Z')",
                new { hash = Tokens.Hash(token) });
        }

        using var gateway = new TestGateway(dataDir);
        var client = gateway.ClientWithToken(token);
        var me = await client.GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("old", (await me.ReadJsonAsync()).GetProperty("name").GetString());
        var listed = Assert.Single((await (await client.GetAsync("/api/tokens")).ReadJsonAsync()).EnumerateArray());
        Assert.Equal("initial", listed.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/tokens/{listed.GetProperty("id").GetString()}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/me")).StatusCode);
    }
}

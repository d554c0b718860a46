using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests;

public sealed class AccessAndErrorTests : IAsyncLifetime
{
    private readonly TestGateway _gateway = new();
    private readonly Dictionary<string, HttpClient> _as = [];
    private string _postId = "";

    public async Task InitializeAsync()
    {
        _as["admin"] = await _gateway.SignInAsync("root", "admin");
        _as["editor"] = await _gateway.SignInAsync("eve", "editor");
        _as["outsider"] = await _gateway.SignInAsync("otto", "editor");
        _as["reviewer"] = await _gateway.SignInAsync("rita", "reviewer");
        await _as["admin"].CreateAccountAsync("acme", editors: ["eve"]);
        await _as["admin"].CreateAccountAsync("other", editors: ["otto"]);
        _postId = (await _as["editor"].SubmitAsync("acme", "Hello", DateTimeOffset.UtcNow.AddDays(1))).GetProperty("id").GetString()!;
    }

    public Task DisposeAsync()
    {
        _gateway.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task An_editor_of_another_account_sees_none_of_a_post_nor_its_thread()
    {
        var reviewer = _as["reviewer"];
        Assert.Equal(HttpStatusCode.Created, (await reviewer.PostJsonAsync($"/api/posts/{_postId}/comments", new { text = "Not before the press conference." })).StatusCode);
        var own = (await _as["outsider"].SubmitAsync("other", "Otto's own post", DateTimeOffset.UtcNow.AddDays(1))).GetProperty("id").GetString()!;

        var outsider = _as["outsider"];
        var listed = await (await outsider.GetAsync("/api/posts")).ReadJsonAsync();
        Assert.Equal([own], listed.EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToArray());
        var asked = await outsider.GetAsync("/api/posts?account=acme");
        Assert.Equal(HttpStatusCode.Forbidden, asked.StatusCode);
        Assert.Contains("not an editor of account 'acme'", (await asked.ReadJsonAsync()).GetProperty("detail").GetString());
        foreach (var path in new[] { $"/api/posts/{_postId}", $"/api/posts/{_postId}/comments", $"/api/posts/{_postId}/reviews" })
        {
            var response = await outsider.GetAsync(path);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.DoesNotContain("press conference", await response.Content.ReadAsStringAsync());
        }

        // The account's editor and the reviewers read the thread; reviewers and admins list every account.
        Assert.Equal("Not before the press conference.", (await (await _as["editor"].GetAsync($"/api/posts/{_postId}/comments")).ReadJsonAsync())[0].GetProperty("text").GetString());
        Assert.Equal(2, (await (await reviewer.GetAsync("/api/posts")).ReadJsonAsync()).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync("/api/posts/no-such-post/comments")).StatusCode);
    }

    public static TheoryData<object, string> BadSubmissions() => new()
    {
        { new { account = "nope", body = "Hi", scheduledAt = "2099-01-01T00:00:00Z" }, "Unknown account 'nope'" },
        { new { account = "acme", body = "", scheduledAt = "2099-01-01T00:00:00Z" }, "'body' is empty" },
        { new { account = "acme", body = new string('x', 10_001), scheduledAt = "2099-01-01T00:00:00Z" }, "at most 10000" },
        { new { account = "acme", body = "Hi", scheduledAt = "tomorrow morning" }, "ISO-8601" },
        { new { account = "acme", body = "Hi", scheduledAt = "2099-01-01T09:00:00" }, "with an offset" },
        { new { account = "acme", body = "Hi", scheduledAt = "2020-01-01T00:00:00Z" }, "in the past" },
        { new { body = "Hi", scheduledAt = "2099-01-01T00:00:00Z" }, "'account' is required" },
    };

    [Theory]
    [MemberData(nameof(BadSubmissions))]
    public async Task Bad_submissions_get_a_problem_that_says_what_is_wrong_and_nothing_is_saved(object body, string says)
    {
        var response = await _as["editor"].PostJsonAsync("/api/posts", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Contains(says, problem.GetProperty("detail").GetString());
        var all = await (await _as["admin"].GetAsync("/api/posts")).ReadJsonAsync();
        Assert.Equal(1, all.GetArrayLength());
    }

    [Fact]
    public async Task Malformed_json_and_unknown_status_are_problems_too()
    {
        var malformed = await _as["editor"].PostAsync("/api/posts", new StringContent("{bad", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("JSON", (await malformed.ReadJsonAsync()).GetProperty("detail").GetString());

        var status = await _as["editor"].GetAsync("/api/posts?status=sent");
        Assert.Equal(HttpStatusCode.BadRequest, status.StatusCode);
        Assert.Contains("pending_review", (await status.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_cancelled_post_cannot_be_edited_or_rescheduled()
    {
        var editor = _as["editor"];
        var cancel = await editor.DeleteAsync($"/api/posts/{_postId}");
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("cancelled", (await cancel.ReadJsonAsync()).GetProperty("status").GetString());

        var edit = await editor.PutAsync($"/api/posts/{_postId}", Support.Api.JsonContent(new { body = "Changed" }));
        Assert.Equal(HttpStatusCode.Conflict, edit.StatusCode);
        var reschedule = await editor.PostJsonAsync($"/api/posts/{_postId}/reschedule", new { scheduledAt = DateTimeOffset.UtcNow.AddDays(3).ToString("O") });
        Assert.Equal(HttpStatusCode.Conflict, reschedule.StatusCode);
        Assert.Equal("Hello", (await editor.GetPostAsync(_postId)).GetProperty("body").GetString());
    }

    [Fact]
    public async Task Editing_reruns_the_checks_and_lists_filter_by_status_and_account()
    {
        var editor = _as["editor"];
        var admin = _as["admin"];
        await admin.CreateAccountAsync("acme-x", network: "x", editors: ["eve"]);
        var id = (await editor.SubmitAsync("acme-x", "Short", DateTimeOffset.UtcNow.AddDays(1))).GetProperty("id").GetString()!;

        var edited = await (await editor.PutAsync($"/api/posts/{id}", Support.Api.JsonContent(new { body = new string('y', 300) }))).ReadJsonAsync();
        Assert.Equal("blocked", edited.GetProperty("status").GetString());
        Assert.Equal("network.length", edited.GetProperty("findings")[0].GetProperty("rule").GetString());

        var blocked = await (await admin.GetAsync("/api/posts?status=blocked&account=acme-x")).ReadJsonAsync();
        Assert.Equal([id], blocked.EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToArray());
        var fixedPost = await (await editor.PutAsync($"/api/posts/{id}", Support.Api.JsonContent(new { body = "Short again" }))).ReadJsonAsync();
        Assert.Equal("scheduled", fixedPost.GetProperty("status").GetString());
        Assert.Equal(0, fixedPost.GetProperty("findings").GetArrayLength());
    }

    [Fact]
    public async Task Admins_create_users_whose_token_works_once_shown_and_is_stored_only_hashed()
    {
        var created = await _as["admin"].PostJsonAsync("/api/users", new { name = "newbie", role = "reviewer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await created.ReadJsonAsync()).GetProperty("token").GetString()!;
        var me = await (await _gateway.ClientWithToken(token).GetAsync("/api/me")).ReadJsonAsync();
        Assert.Equal("newbie", me.GetProperty("name").GetString());
        Assert.Equal("reviewer", me.GetProperty("role").GetString());

        var database = await File.ReadAllBytesAsync(Path.Combine(_gateway.DataDir, "gateway.db"));
        var wal = Path.Combine(_gateway.DataDir, "gateway.db-wal");
        var raw = System.Text.Encoding.UTF8.GetString(database) + (File.Exists(wal) ? System.Text.Encoding.UTF8.GetString(await ReadSharedAsync(wal)) : "");
        Assert.DoesNotContain(token, raw);
        Assert.Contains(Gateway.Users.Tokens.Hash(token), raw);

        var duplicate = await _as["admin"].PostJsonAsync("/api/users", new { name = "newbie", role = "editor" });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        var badRole = await _as["admin"].PostJsonAsync("/api/users", new { name = "other", role = "boss" });
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _as["admin"].DeleteAsync("/api/users/newbie")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _gateway.ClientWithToken(token).GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Accounts_validate_their_fields_and_editors()
    {
        var admin = _as["admin"];
        var unknownEditor = await admin.PostJsonAsync("/api/accounts", new { id = "b", network = "x", kind = "brand", language = "en", editors = new[] { "ghost" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknownEditor.StatusCode);
        Assert.Contains("ghost", (await unknownEditor.ReadJsonAsync()).GetProperty("detail").GetString());
        var badKind = await admin.PostJsonAsync("/api/accounts", new { id = "b", network = "x", kind = "company", language = "en" });
        Assert.Equal(HttpStatusCode.BadRequest, badKind.StatusCode);
        var badWebhook = await admin.PostJsonAsync("/api/accounts", new { id = "b", network = "x", kind = "brand", language = "en", publisher = new { type = "webhook", url = "ftp://x" } });
        Assert.Equal(HttpStatusCode.BadRequest, badWebhook.StatusCode);
        var duplicate = await admin.PostJsonAsync("/api/accounts", new { id = "acme", network = "x", kind = "brand", language = "en" });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        var accounts = await (await admin.GetAsync("/api/accounts")).ReadJsonAsync();
        Assert.Equal(["acme", "other"], accounts.EnumerateArray().Select(a => a.GetProperty("id").GetString()!).Order().ToArray());
    }

    [Fact]
    public async Task The_audit_log_pages_newest_first()
    {
        var admin = _as["admin"];
        var first = await (await admin.GetAsync("/api/audit?limit=2")).ReadJsonAsync();
        var items = first.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(2, items.Length);
        Assert.True(items[0].GetProperty("id").GetInt64() > items[1].GetProperty("id").GetInt64());
        Assert.Equal("post.submitted", items[0].GetProperty("action").GetString());
        var next = first.GetProperty("next").GetInt64();
        var second = await (await admin.GetAsync($"/api/audit?limit=2&before={next}")).ReadJsonAsync();
        Assert.All(second.GetProperty("items").EnumerateArray(), e => Assert.True(e.GetProperty("id").GetInt64() < next));
        var accountOnly = await (await admin.GetAsync("/api/audit?action=account.created")).ReadJsonAsync();
        Assert.Equal(["other", "acme"], accountOnly.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("subject").GetString()!).ToArray());
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }
}

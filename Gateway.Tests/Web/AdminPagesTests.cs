using System.Net;
using System.Text.Encodings.Web;
using Gateway.Accounts;
using Dapper;
using Gateway.Audit;
using Gateway.Storage;
using Gateway.Tests.Support;
using Gateway.Trends;
using Gateway.Users;

namespace Gateway.Tests.Web;

/// <summary>The admin pages, driven like a browser: users, accounts, trends and the audit log.</summary>
public sealed class AdminPagesTests : IAsyncLifetime
{
    private static readonly string[] AdminPages = ["/admin/users", "/admin/accounts", "/admin/trends", "/admin/audit"];

    private readonly TestGateway _gateway = new();
    private WebSession _admin = null!;

    public async Task InitializeAsync() => _admin = await WebSession.SignInAsync(_gateway, "root", Role.Admin);

    public Task DisposeAsync()
    {
        _admin.Dispose();
        _gateway.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Every_admin_page_opens_for_an_admin()
    {
        foreach (var page in AdminPages)
        {
            var html = await _admin.GetHtmlAsync(page);
            Assert.Contains("<h1>", html);
        }
    }

    [Theory]
    [InlineData(Role.Editor)]
    [InlineData(Role.Reviewer)]
    public async Task Editors_and_reviewers_are_sent_to_forbidden_from_every_admin_page(string role)
    {
        using var session = await WebSession.SignInAsync(_gateway, "someone", role);
        foreach (var page in AdminPages)
        {
            var response = await session.GetAsync(page);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{role} on {page}: {(int)response.StatusCode}");
            Assert.StartsWith("/forbidden", WebSession.RedirectTarget(response));
        }
        // Nor can they post to an admin form with a valid antiforgery token (taken from a page they may see).
        var post = await session.PostFormAsync("/admin/users?handler=Create", [new("Name", "sneaky"), new("Role", Role.Admin)], formPage: "/");
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.StartsWith("/forbidden", WebSession.RedirectTarget(post));
        Assert.Null(await _gateway.Service<UserStore>().FindAsync("sneaky"));
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in()
    {
        using var anonymous = WebSession.Anonymous(_gateway);
        foreach (var page in AdminPages)
        {
            var response = await anonymous.GetAsync(page);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"anonymous on {page}: {(int)response.StatusCode}");
            Assert.StartsWith("/signin", WebSession.RedirectTarget(response));
        }
    }

    [Fact]
    public async Task A_created_user_token_is_shown_once_and_works_as_a_bearer_token()
    {
        var response = await _admin.PostFormAsync("/admin/users?handler=Create", ("Name", "newbie"), ("Role", Role.Reviewer));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "");

        var token = Assert.Single(WebSession.Texts(html, "//*[contains(concat(' ', normalize-space(@class), ' '), ' token ')]"));
        Assert.StartsWith(Tokens.Prefix, token);
        Assert.Contains("will not be shown again", html);

        using var api = _gateway.ClientWithToken(token);
        var me = await (await api.GetAsync("/api/me")).ReadJsonAsync();
        Assert.Equal("newbie", me.GetProperty("name").GetString());
        Assert.Equal(Role.Reviewer, me.GetProperty("role").GetString());

        var later = await _admin.GetHtmlAsync("/admin/users");
        Assert.Contains("newbie", later);
        Assert.DoesNotContain(token, later);
        Assert.Empty(WebSession.Texts(later, "//*[contains(concat(' ', normalize-space(@class), ' '), ' token ')]"));
        // Nor anywhere else the browser would keep it: no cookie, no redirect address.
        Assert.Null(response.Headers.Location);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.Contains(token));
    }

    [Fact]
    public async Task A_duplicate_user_shows_the_service_error_and_no_token()
    {
        await _gateway.Service<UserStore>().CreateAsync("eve", Role.Editor, "test");
        var response = await _admin.PostFormAsync("/admin/users?handler=Create", ("Name", "eve"), ("Role", Role.Admin));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("A user named 'eve' already exists.", WebSession.Texts(html, "//p[@class='error']"));
        Assert.DoesNotContain(Tokens.Prefix, html);
        Assert.Equal(Role.Editor, (await _gateway.Service<UserStore>().FindAsync("eve"))!.Role);
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_rejected()
    {
        await _admin.GetHtmlAsync("/admin/users"); // the antiforgery cookie is there; only the form field is missing
        var response = await _admin.PostFormWithoutTokenAsync("/admin/users?handler=Create",
            [new("Name", "forged"), new("Role", Role.Admin)]);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(await _gateway.Service<UserStore>().FindAsync("forged"));

        var (_, token) = await _gateway.Service<UserStore>().CreateAsync("victim", Role.Editor, "test");
        var disable = await _admin.PostFormWithoutTokenAsync("/admin/users?handler=Disable", [new("user", "victim")]);
        Assert.Equal(HttpStatusCode.BadRequest, disable.StatusCode);
        Assert.Null((await _gateway.Service<UserStore>().FindAsync("victim"))!.DisabledAt);
        Assert.NotNull(token);
    }

    [Fact]
    public async Task Disabling_a_user_ends_their_open_session()
    {
        using var eve = await WebSession.SignInAsync(_gateway, "eve", Role.Editor);
        Assert.Equal(HttpStatusCode.OK, (await eve.GetAsync("/")).StatusCode);

        var users = await _admin.GetHtmlAsync("/admin/users");
        Assert.Contains("data-confirm=\"Disable eve?", users);

        var response = await _admin.PostFormAsync("/admin/users?handler=Disable", ("user", "eve"));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin/users", WebSession.RedirectTarget(response));
        var after = await _admin.GetHtmlAsync("/admin/users");
        Assert.Contains("User 'eve' is disabled", string.Join(" ", WebSession.Texts(after, "//p[contains(@class,'notice-warning')]")));
        Assert.NotNull((await _gateway.Service<UserStore>().FindAsync("eve"))!.DisabledAt);

        var next = await eve.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, next.StatusCode);
        Assert.StartsWith("/signin", WebSession.RedirectTarget(next));
    }

    [Fact]
    public async Task Accounts_are_created_and_edited_from_the_page()
    {
        var store = _gateway.Service<UserStore>();
        await store.CreateAsync("eve", Role.Editor, "test");
        await store.CreateAsync("ed", Role.Editor, "test");

        var create = await _admin.PostFormAsync("/admin/accounts?handler=Create",
            ("Form.Id", "acme-x"), ("Form.Network", "x"), ("Form.Kind", "brand"), ("Form.Language", "en"),
            ("Form.Editors", "eve, ed"), ("Form.PublisherType", "outbox"), ("Form.WebhookUrl", ""));
        Assert.True(create.StatusCode == HttpStatusCode.Redirect, await create.Content.ReadAsStringAsync());
        var account = await _gateway.Service<AccountStore>().GetAsync("acme-x");
        Assert.NotNull(account);
        Assert.Equal(["ed", "eve"], account.Editors);

        var list = await _admin.GetHtmlAsync("/admin/accounts");
        Assert.Contains("acme-x", list);
        Assert.Contains("ed, eve", list);
        var edit = await _admin.GetHtmlAsync("/admin/accounts?edit=acme-x");
        Assert.Contains("value=\"ed, eve\"", edit);

        var update = await _admin.PostFormAsync("/admin/accounts?handler=Update&edit=acme-x",
            ("Form.Network", "mastodon"), ("Form.Kind", "personal"), ("Form.Language", "de"),
            ("Form.Editors", "ed"), ("Form.PublisherType", "webhook"), ("Form.WebhookUrl", "https://hooks.example/acme"));
        Assert.True(update.StatusCode == HttpStatusCode.Redirect, await update.Content.ReadAsStringAsync());
        account = await _gateway.Service<AccountStore>().GetAsync("acme-x");
        Assert.Equal(("mastodon", "personal", "de"), (account!.Network, account.Kind, account.Language));
        Assert.Equal(["ed"], account.Editors);
        Assert.Equal(new PublisherSettings("webhook", "https://hooks.example/acme"), account.Publisher);

        var unknown = await _admin.PostFormAsync("/admin/accounts?handler=Update&edit=acme-x",
            ("Form.Network", "x"), ("Form.Kind", "brand"), ("Form.Language", "en"), ("Form.Editors", "nobody"), ("Form.PublisherType", "outbox"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("Unknown editor(s): nobody", string.Join(" ", WebSession.Texts(await unknown.Content.ReadAsStringAsync(), "//p[@class='error']")));
        Assert.Equal("mastodon", (await _gateway.Service<AccountStore>().GetAsync("acme-x"))!.Network);
    }

    [Fact]
    public async Task Markup_typed_into_an_account_field_comes_back_escaped()
    {
        const string raw = "<script>alert(1)</script>";
        var response = await _admin.PostFormAsync("/admin/accounts?handler=Create",
            ("Form.Id", raw), ("Form.Network", raw), ("Form.Kind", "brand"), ("Form.Language", "en"), ("Form.PublisherType", "outbox"));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(raw, html);
        Assert.Contains(HtmlEncoder.Default.Encode(raw), html);
        // It is the service's message, echoed: the decoded text still names what was typed.
        Assert.Contains(raw, string.Join(" ", WebSession.Texts(html, "//p[@class='error']")));
        Assert.Empty(await _gateway.Service<AccountStore>().ListAsync());
    }

    [Fact]
    public async Task Markup_in_a_trend_context_comes_back_escaped()
    {
        const string raw = "<img src=x onerror=alert(1)>";
        var response = await _admin.PostFormAsync("/admin/trends?handler=Push",
            ("Tag", "#Storm"), ("Context", "Flooding " + raw), ("Sensitivity", "disaster"), ("Keywords", "flood"), ("ExpiresAt", ""));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());

        var html = await _admin.GetHtmlAsync("/admin/trends");
        Assert.DoesNotContain(raw, html);
        Assert.Contains(HtmlEncoder.Default.Encode(raw), html);
        Assert.DoesNotContain("<img", html);
    }

    [Fact]
    public async Task A_trend_is_pushed_listed_and_deleted()
    {
        var response = await _admin.PostFormAsync("/admin/trends?handler=Push",
            ("Tag", "#Storm"), ("Context", "A storm hit the coast"), ("Sensitivity", "disaster"), ("Keywords", "flood, evacuation"),
            ("ExpiresAt", "2031-01-02T03:04"), ("Topic", "death-tragedy"));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());

        var trend = Assert.Single(_gateway.Service<TrendStore>().Current, t => t.Tag == "storm");
        Assert.Equal(["flood", "evacuation"], trend.Keywords);
        Assert.Equal(new DateTimeOffset(2031, 1, 2, 3, 4, 0, TimeSpan.Zero), trend.ExpiresAt);
        Assert.Equal("pushed by root", trend.Source);
        Assert.Equal("death-tragedy", trend.Topic);

        var html = await _admin.GetHtmlAsync("/admin/trends");
        Assert.Contains("Trend #storm is live.", html);
        Assert.Contains("A storm hit the coast", html);
        Assert.Contains("2031-01-02T03:04:00Z", html);
        Assert.Contains("<td>death-tragedy</td>", html);
        Assert.Contains("<option value=\"violence\">violence</option>", html);

        var delete = await _admin.PostFormAsync("/admin/trends?handler=Delete", ("trend", "storm"));
        Assert.Equal(HttpStatusCode.Redirect, delete.StatusCode);
        Assert.DoesNotContain(_gateway.Service<TrendStore>().Current, t => t.Tag == "storm");

        var again = await _admin.PostFormAsync("/admin/trends?handler=Delete", ("trend", "storm"));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Contains("No live trend #storm.", string.Join(" ", WebSession.Texts(await again.Content.ReadAsStringAsync(), "//p[@class='error']")));
    }

    [Fact]
    public async Task A_trend_with_an_unknown_sensitivity_shows_the_service_error_and_saves_nothing()
    {
        var before = _gateway.Service<TrendStore>().Current.Count;
        var response = await _admin.PostFormAsync("/admin/trends?handler=Push",
            ("Tag", "#Storm"), ("Context", "A storm hit the coast"), ("Sensitivity", "apocalyptic"), ("Keywords", ""), ("ExpiresAt", ""));
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = string.Join(" ", WebSession.Texts(html, "//p[@class='error']"));
        Assert.Contains("#storm: unknown sensitivity 'apocalyptic'; use one of", error);
        // What was typed is still in the form.
        Assert.Contains("A storm hit the coast</textarea>", html);

        Assert.Equal(before, _gateway.Service<TrendStore>().Current.Count);
        Assert.DoesNotContain(_gateway.Service<TrendStore>().Current, t => t.Tag == "storm");
        Assert.Empty(await _gateway.Service<AuditLog>().QueryAsync(10, null, "trend.pushed", null, null, default));
    }

    [Fact]
    public async Task The_audit_log_pages_fifty_at_a_time_and_keeps_its_filters()
    {
        var users = _gateway.Service<UserStore>();
        for (var i = 0; i < 60; i++)
        {
            await users.CreateAsync($"user{i:00}", Role.Editor, "root");
        }

        var first = await _admin.GetHtmlAsync("/admin/audit?action=user.created");
        var firstIds = AuditIds(first);
        Assert.Equal(50, firstIds.Count);
        Assert.Equal(firstIds.OrderByDescending(id => id), firstIds);
        var older = WebSession.LinkHref(first, "Older");
        Assert.NotNull(older);
        Assert.Contains("action=user.created", older);
        Assert.Contains($"before={firstIds[^1]}", older);

        var second = await _admin.GetHtmlAsync(older);
        var secondIds = AuditIds(second);
        // The 60 above, the admin this test signed in as and the first admin the gateway made at start.
        var all = await _gateway.Service<AuditLog>().QueryAsync(1000, null, "user.created", null, null, default);
        Assert.Equal(all.Count - 50, secondIds.Count);
        Assert.Equal(all.Select(e => e.Id), firstIds.Concat(secondIds));
        Assert.Empty(firstIds.Intersect(secondIds));
        Assert.True(secondIds.Max() < firstIds.Min());
        Assert.Null(WebSession.LinkHref(second, "Older"));
        Assert.NotNull(WebSession.LinkHref(second, "Newest"));
        Assert.All(WebSession.Texts(second, "//tbody/tr/td[4]"), action => Assert.Equal("user.created", action));

        var byActor = await _admin.GetHtmlAsync("/admin/audit?actor=test");
        Assert.Equal("root", Assert.Single(WebSession.Texts(byActor, "//tbody/tr/td[5]")));
        Assert.Null(WebSession.LinkHref(byActor, "Older"));
    }

    [Fact]
    public async Task Audit_details_are_shown_as_escaped_text()
    {
        // Stored as it is (the serializer would have escaped the markup already): the page must escape it itself.
        await _gateway.Service<Database>().InTransactionAsync((c, t) => c.ExecuteAsync(
            "INSERT INTO audit (at, actor, action, subject, details) VALUES (@at, 'root', 'test.note', 'x', @details)",
            new { at = DateTimeOffset.UtcNow, details = """{"note":"<b>bold</b>"}""" }, t));
        var html = await _admin.GetHtmlAsync("/admin/audit?action=test.note");
        Assert.Equal("note", Assert.Single(WebSession.Texts(html, "//tbody/tr/td[6]/dl/dt")));
        Assert.Equal("<b>bold</b>", Assert.Single(WebSession.Texts(html, "//tbody/tr/td[6]/dl/dd")));
        Assert.DoesNotContain("<b>", html);
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt;", html);
    }

    private static List<long> AuditIds(string html) =>
        WebSession.Texts(html, "//tbody/tr/td[1]").Select(long.Parse).ToList();
}

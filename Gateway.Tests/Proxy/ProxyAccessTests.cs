using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;
using static Gateway.Tests.Proxy.ProxyHarness;

namespace Gateway.Tests.Proxy;

/// <summary>Who gets a proxy token and how (by hand, or OAuth with PKCE), when it stops working, and Mastodon's refusals.</summary>
public sealed class ProxyAccessTests
{
    [Fact]
    public async Task A_proxy_token_acts_for_its_user_on_its_account_and_verify_credentials_is_the_upstream_account()
    {
        await using var h = await StartAsync();

        var me = await MastodonJsonAsync(await h.Client.GetAsync("/api/v1/accounts/verify_credentials"));

        Assert.Equal(Fakes.FakeMastodon.AccountId, me.GetProperty("id").GetString());
        Assert.Equal("acme", me.GetProperty("acct").GetString());
        var listed = await (await h.Editor.GetAsync("/api/accounts/acme/proxy-tokens")).ReadJsonAsync();
        var token = Assert.Single(listed.EnumerateArray());
        Assert.Equal("ed", token.GetProperty("user").GetString());
        Assert.DoesNotContain(h.ProxyToken, listed.GetRawText());
        Assert.Contains("proxy-token.created", await h.Admin.GetStringAsync("/api/audit?subject=acme"));
    }

    [Fact]
    public async Task A_revoked_token_is_refused_as_Mastodon_refuses_an_invalid_token()
    {
        await using var h = await StartAsync();
        var id = (await (await h.Editor.GetAsync("/api/accounts/acme/proxy-tokens")).ReadJsonAsync())[0].GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.NoContent, (await h.Editor.DeleteAsync($"/api/accounts/acme/proxy-tokens/{id}")).StatusCode);

        var refused = await h.Client.PostAsync("/api/v1/statuses", Form(("status", "Hello")));
        Assert.Equal("The access token is invalid", await ErrorAsync(refused, HttpStatusCode.Unauthorized));
        Assert.Contains("proxy-token.revoked", await h.Admin.GetStringAsync("/api/audit?subject=acme"));
        Assert.Empty((await (await h.Admin.GetAsync("/api/posts")).ReadJsonAsync()).EnumerateArray());
    }

    [Fact]
    public async Task An_editor_taken_off_the_account_and_a_disabled_user_lose_their_tokens_at_once()
    {
        await using var h = await StartAsync();
        var kim = h.Gateway.ClientWithToken((await h.Gateway.Service<Gateway.Users.UserStore>().CreateAsync("kim", "editor", "test")).Token);
        var moved = await h.Admin.PutAsync("/api/accounts/acme", Support.Api.JsonContent(new
        {
            kind = "brand", language = "en-GB", editors = new[] { "kim" }, publisher = new { type = "mastodon", instance = h.Fake.Url },
        }));
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var kimToken = await h.CreateProxyTokenAsync(kim, "acme");

        Assert.Equal("The access token is invalid", await ErrorAsync(await h.Client.GetAsync("/api/v1/accounts/verify_credentials"), HttpStatusCode.Unauthorized));
        Assert.Equal(HttpStatusCode.OK, (await h.Mastodon(kimToken).GetAsync("/api/v1/accounts/verify_credentials")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await h.Admin.DeleteAsync("/api/users/kim")).StatusCode);
        Assert.Equal("The access token is invalid", await ErrorAsync(await h.Mastodon(kimToken).GetAsync("/api/v1/accounts/verify_credentials"), HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task Reviewers_and_editors_of_other_accounts_cannot_create_proxy_tokens()
    {
        await using var h = await StartAsync();
        var reviewer = await h.Gateway.SignInAsync("rita", "reviewer");
        var outsider = await h.Gateway.SignInAsync("otto", "editor");

        var byReviewer = await reviewer.PostJsonAsync("/api/accounts/acme/proxy-tokens", new { name = "x" });
        var byOutsider = await outsider.PostJsonAsync("/api/accounts/acme/proxy-tokens", new { name = "x" });

        Assert.Equal(HttpStatusCode.Forbidden, byReviewer.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, byOutsider.StatusCode);
        Assert.Contains("not an editor of account 'acme'", (await byOutsider.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_API_token_is_not_a_Mastodon_token_and_unknown_routes_answer_in_Mastodons_format()
    {
        await using var h = await StartAsync();

        var withApiToken = await h.Mastodon(h.EditorToken).GetAsync("/api/v1/accounts/verify_credentials");
        var unknown = await h.Client.GetAsync("/api/v1/lists");
        var none = await h.Mastodon(null).GetAsync("/api/v1/timelines/home");

        Assert.Equal("The access token is invalid", await ErrorAsync(withApiToken, HttpStatusCode.Unauthorized));
        Assert.Contains("does not offer GET /api/v1/lists", await ErrorAsync(unknown, HttpStatusCode.NotFound));
        Assert.Equal("The access token is invalid", await ErrorAsync(none, HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task The_rate_limit_counts_per_token_user_and_answers_429_in_Mastodons_format()
    {
        await using var h = await StartAsync(new() { ["Gateway:RateLimits:ApiPermits"] = "3", ["Gateway:RateLimits:Window"] = "01:00:00" });

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await h.Client.GetAsync("/api/v1/scheduled_statuses"));
        }

        Assert.Equal("Too many requests", await ErrorAsync(answers[^1], HttpStatusCode.TooManyRequests));
        Assert.True(answers[^1].Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task OAuth_with_PKCE_gives_an_app_a_token_for_the_account_the_user_picks_and_a_wrong_verifier_is_refused()
    {
        await using var h = await StartAsync();
        var app = await MastodonJsonAsync(await h.Mastodon(null).PostAsync("/api/v1/apps",
            Form(("client_name", "Ivory"), ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"), ("scopes", "read write"))));
        var (clientId, secret) = (app.GetProperty("client_id").GetString()!, app.GetProperty("client_secret").GetString()!);
        using var browser = await WebSession.SignInAsync(h.Gateway, h.EditorToken);

        var verifier = "correct-horse-battery-staple-0123456789-abcdefghij";
        var code = await AuthorizeAsync(browser, clientId, Challenge(verifier));
        var wrong = await h.Mastodon(null).PostAsync("/oauth/token", Form(("grant_type", "authorization_code"), ("code", code), ("client_id", clientId),
            ("client_secret", secret), ("redirect_uri", "urn:ietf:wg:oauth:2.0:oob"), ("code_verifier", "not-the-verifier")));
        Assert.Equal("invalid_grant", await ErrorAsync(wrong, HttpStatusCode.BadRequest));

        code = await AuthorizeAsync(browser, clientId, Challenge(verifier)); // the tried code is gone: a new one
        var token = await h.Mastodon(null).PostAsync("/oauth/token", Support.Api.JsonContent(new
        {
            grant_type = "authorization_code", code, client_id = clientId, client_secret = secret, redirect_uri = "urn:ietf:wg:oauth:2.0:oob", code_verifier = verifier,
        }));
        var issued = await MastodonJsonAsync(token);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.Equal("read write", issued.GetProperty("scope").GetString());
        var accessToken = issued.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await h.Mastodon(accessToken).GetAsync("/api/v1/accounts/verify_credentials")).StatusCode);

        var revoked = await h.Mastodon(null).PostAsync("/oauth/revoke", Form(("client_id", clientId), ("client_secret", secret), ("token", accessToken)));
        Assert.Equal("{}", await revoked.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await h.Mastodon(accessToken).GetAsync("/api/v1/accounts/verify_credentials")).StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("plain")]
    public async Task An_authorize_link_without_PKCE_S256_is_refused_on_the_page(string? method)
    {
        await using var h = await StartAsync();
        var app = await MastodonJsonAsync(await h.Mastodon(null).PostAsync("/api/v1/apps", Form(("client_name", "Old app"), ("redirect_uris", "https://app.example/callback"))));
        using var browser = await WebSession.SignInAsync(h.Gateway, h.EditorToken);

        var query = $"/oauth/authorize?response_type=code&client_id={app.GetProperty("client_id").GetString()}&redirect_uri={Uri.EscapeDataString("https://app.example/callback")}"
            + (method is null ? "" : $"&code_challenge=abc&code_challenge_method={method}");
        var page = await browser.GetAsync(query);

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("PKCE", await page.Content.ReadAsStringAsync());
        Assert.Null(page.Headers.Location);
    }

    [Fact]
    public async Task The_authorize_page_needs_a_dashboard_sign_in_and_redirects_with_the_code_and_state()
    {
        await using var h = await StartAsync();
        var app = await MastodonJsonAsync(await h.Mastodon(null).PostAsync("/api/v1/apps", Form(("client_name", "Bot"), ("redirect_uris", "https://app.example/callback"), ("scopes", "read write"))));
        var clientId = app.GetProperty("client_id").GetString()!;
        var path = $"/oauth/authorize?response_type=code&client_id={clientId}&redirect_uri={Uri.EscapeDataString("https://app.example/callback")}&scope=write&state=xyz&code_challenge={Challenge("v")}&code_challenge_method=S256";

        using var anonymous = WebSession.Anonymous(h.Gateway);
        Assert.StartsWith("/signin?ReturnUrl=", WebSession.RedirectTarget(await anonymous.GetAsync(path)));

        using var browser = await WebSession.SignInAsync(h.Gateway, h.EditorToken);
        var approved = await browser.PostFormAsync(path.Replace("/oauth/authorize?", "/oauth/authorize?handler=Approve&"), [new("Account", "acme")], formPage: path);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        var back = approved.Headers.Location!.ToString();
        Assert.StartsWith("https://app.example/callback?code=", back);
        Assert.EndsWith("&state=xyz", back);
    }

    private static async Task<string> AuthorizeAsync(WebSession browser, string clientId, string challenge)
    {
        var path = $"/oauth/authorize?response_type=code&client_id={clientId}&redirect_uri={Uri.EscapeDataString("urn:ietf:wg:oauth:2.0:oob")}&scope=read+write&code_challenge={challenge}&code_challenge_method=S256";
        var html = await browser.GetHtmlAsync(path);
        Assert.Contains("acme", html);
        var approved = await browser.PostFormAsync(path.Replace("/oauth/authorize?", "/oauth/authorize?handler=Approve&"), [new("Account", "acme")], formPage: path);
        var page = await approved.Content.ReadAsStringAsync();
        Assert.True(approved.StatusCode == HttpStatusCode.OK, page);
        return WebSession.Texts(page, "//p[@class='token']").Single();
    }

    private static string Challenge(string verifier) => System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    [Fact]
    public async Task A_write_only_token_cannot_read_scheduled_statuses_but_may_see_its_own_uploads()
    {
        await using var h = await StartAsync();
        var ed = (await h.Gateway.Service<Gateway.Users.UserStore>().FindAsync("ed"))!;
        var (_, writeOnly) = await h.Gateway.Service<Gateway.Proxy.ProxyTokenStore>().CreateAsync(ed, "acme", "write only", "client", "write");
        var (_, readOnly) = await h.Gateway.Service<Gateway.Proxy.ProxyTokenStore>().CreateAsync(ed, "acme", "read only", "client", "read");

        // As Mastodon: scheduled statuses need read:statuses, and an upload is write:media to make and to read back.
        Assert.Equal(HttpStatusCode.Forbidden, (await h.Mastodon(writeOnly).GetAsync("/api/v1/scheduled_statuses")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await h.Mastodon(writeOnly).GetAsync("/api/v1/scheduled_statuses/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await h.Mastodon(writeOnly).GetAsync("/api/v1/timelines/home")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.Mastodon(readOnly).GetAsync("/api/v1/scheduled_statuses")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await h.Mastodon(readOnly).GetAsync("/api/v1/media/nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await h.Mastodon(writeOnly).GetAsync("/api/v1/media/nope")).StatusCode);
    }

    [Theory]
    [InlineData("javascript:alert(document.domain)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("VBScript:msgbox(1)")]
    public async Task An_app_cannot_register_a_redirect_that_runs_script(string redirect)
    {
        await using var h = await StartAsync();

        var app = await h.Mastodon(null).PostAsync("/api/v1/apps", Form(("client_name", "Evil"), ("redirect_uris", redirect)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, app.StatusCode);
        Assert.Contains("javascript:, data: and vbscript: are refused", (await MastodonJsonAsync(app)).GetProperty("error").GetString());
    }
}

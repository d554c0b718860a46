using System.Net;
using Gateway.Audit;
using Gateway.Auth;
using Gateway.Tests.Support;
using Gateway.Users;
using Microsoft.AspNetCore.Hosting;

namespace Gateway.Tests.Auth;

/// <summary>One OpenID provider (node, oidc-provider) and one gateway on real loopback HTTP, shared by the tests of a class.</summary>
public sealed class SingleSignOnFixture : IAsyncLifetime
{
    public const string ProviderName = "Loopback IdP";

    public OpenIdProvider Provider { get; private set; } = null!;

    public TestGateway Gateway { get; private set; } = null!;

    public Uri BaseUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var port = GatewayProcess.FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        Provider = await OpenIdProvider.StartAsync($"http://127.0.0.1:{port}{SingleSignOn.CallbackPath}");
        Gateway = new TestGateway(settings: new()
        {
            ["Gateway:Oidc:Authority"] = Provider.Issuer,
            ["Gateway:Oidc:ClientId"] = OpenIdProvider.ClientId,
            ["Gateway:Oidc:ClientSecret"] = OpenIdProvider.ClientSecret,
            ["Gateway:Oidc:DisplayName"] = ProviderName,
            ["Gateway:Oidc:Scopes"] = "openid profile groups",
            ["Gateway:Oidc:Roles:crisis-comms"] = Role.Editor,
            ["Gateway:Oidc:Roles:crisis-admins"] = Role.Admin,
            ["Gateway:Oidc:RequireHttpsMetadata"] = "false",
        });
        Gateway.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        Gateway.StartServer();
    }

    public Task DisposeAsync()
    {
        Gateway?.Dispose();
        Provider?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A browser-like client: its own cookies for both servers, following redirects as a browser does.</summary>
    public HttpClient Browser() =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true }) { BaseAddress = BaseUrl };

    /// <summary>
    /// The authorization code flow as a person goes through it: the gateway's button, the provider's login form
    /// (as <paramref name="login"/>), back to the gateway. Returns the last answer, wherever it ended.
    /// </summary>
    public async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string login, string returnUrl = "/tokens")
    {
        var signIn = await browser.GetStringAsync("/signin");
        Assert.Contains($"Sign in with {ProviderName}", signIn);
        var antiforgery = WebSession.AntiforgeryToken(signIn) ?? throw new InvalidOperationException("no antiforgery token on /signin");
        var loginPage = await browser.PostAsync("/signin?handler=Sso",
            new FormUrlEncodedContent([new(WebSession.AntiforgeryField, antiforgery), new("returnUrl", returnUrl)]));
        var loginHtml = await loginPage.Content.ReadAsStringAsync();
        Assert.True(loginPage.StatusCode == HttpStatusCode.OK && loginPage.RequestMessage!.RequestUri!.ToString().StartsWith(Provider.Issuer + "/interaction/"),
            $"expected the provider's login form, got {(int)loginPage.StatusCode} at {loginPage.RequestMessage?.RequestUri}: {loginHtml}\n{Provider.Output}");
        var action = WebSession.Parse(loginHtml).DocumentNode.SelectSingleNode("//form")!.GetAttributeValue("action", "");
        return await browser.PostAsync(new Uri(new Uri(Provider.Issuer), action), new FormUrlEncodedContent([new("login", login)]));
    }
}

/// <summary>Single sign-on against a real OpenID provider: who gets in, with which role, and who stays out.</summary>
public sealed class SingleSignOnTests(SingleSignOnFixture fixture) : IClassFixture<SingleSignOnFixture>
{
    private UserStore Users => fixture.Gateway.Service<UserStore>();

    [Fact]
    public async Task First_sign_in_creates_the_user_with_the_mapped_role_and_the_session_obeys_it()
    {
        using var browser = fixture.Browser();
        var landed = await fixture.SignInAsync(browser, "alice");
        var html = await landed.Content.ReadAsStringAsync();

        Assert.True(landed.StatusCode == HttpStatusCode.OK, $"{(int)landed.StatusCode} at {landed.RequestMessage?.RequestUri}: {html}");
        Assert.Equal("/tokens", landed.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("alice", WebSession.Texts(html, "//*[@class='whoami']").Single());
        var alice = await Users.FindAsync("alice");
        Assert.NotNull(alice);
        Assert.Equal(Role.Editor, alice.Role);
        var created = Assert.Single(await fixture.Gateway.Service<AuditLog>().QueryAsync(10, null, "user.created", "alice", null, default));
        Assert.Equal(UserStore.Sso, created.Actor);
        Assert.Equal(Role.Editor, created.DetailsJson!.Value.GetProperty("role").GetString());

        // The cookie session is the dashboard's own: an editor composes, and admin pages stay closed.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/compose")).StatusCode);
        var admin = await browser.GetAsync("/admin/users");
        Assert.Equal("/forbidden", admin.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task The_widest_mapped_role_wins_and_the_name_claim_becomes_a_gateway_name()
    {
        using var browser = fixture.Browser();
        var landed = await fixture.SignInAsync(browser, "erin");

        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
        // preferred_username Erin@Example.org, in crisis-comms (editor) and crisis-admins (admin).
        var erin = await Users.FindAsync("erin_example.org");
        Assert.NotNull(erin);
        Assert.Equal(Role.Admin, erin.Role);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/users")).StatusCode);
    }

    [Fact]
    public async Task A_later_sign_in_gives_the_role_the_mapping_says_and_audits_the_change()
    {
        await Users.CreateAsync("dave", Role.Reviewer, "test");
        using var browser = fixture.Browser();
        var landed = await fixture.SignInAsync(browser, "dave");

        Assert.Equal(HttpStatusCode.OK, landed.StatusCode);
        Assert.Equal(Role.Editor, (await Users.FindAsync("dave"))!.Role);
        var changed = Assert.Single(await fixture.Gateway.Service<AuditLog>().QueryAsync(10, null, "user.role_changed", "dave", null, default));
        Assert.Equal(UserStore.Sso, changed.Actor);
        Assert.Equal(Role.Reviewer, changed.DetailsJson!.Value.GetProperty("from").GetString());
        Assert.Equal(Role.Editor, changed.DetailsJson!.Value.GetProperty("to").GetString());
    }

    [Fact]
    public async Task A_user_name_the_provider_gives_to_someone_else_later_does_not_let_them_in_as_the_first_user()
    {
        using (var first = fixture.Browser())
        {
            Assert.Equal(HttpStatusCode.OK, (await fixture.SignInAsync(first, "frank")).StatusCode);
        }
        using var second = fixture.Browser();
        var refused = await fixture.SignInAsync(second, "frank-2");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("/signin/refused", refused.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("belongs to someone else", await refused.Content.ReadAsStringAsync());
        // The first Frank keeps his user and his role; the newcomer got no session.
        Assert.Equal(Role.Admin, (await Users.FindAsync("frank"))!.Role);
        Assert.Equal("/signin", (await second.GetAsync("/compose")).RequestMessage!.RequestUri!.AbsolutePath);
        var bound = Assert.Single(await fixture.Gateway.Service<AuditLog>().QueryAsync(10, null, "user.sso_bound", "frank", null, default));
        Assert.Equal("frank", bound.DetailsJson!.Value.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task A_disabled_user_is_refused_with_a_page_that_says_so()
    {
        using (var first = fixture.Browser())
        {
            Assert.Equal(HttpStatusCode.OK, (await fixture.SignInAsync(first, "bob")).StatusCode);
        }
        await Users.DisableAsync("bob", "root");

        using var browser = fixture.Browser();
        var refused = await fixture.SignInAsync(browser, "bob");
        var html = await refused.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("/signin/refused", refused.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("is disabled", WebSession.Texts(html, "//*[@id='refusal']").Single());
        // No session came of it.
        var after = await browser.GetAsync("/tokens");
        Assert.Equal("/signin", after.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.NotNull((await Users.FindAsync("bob"))!.DisabledAt);
    }

    [Fact]
    public async Task A_user_whose_groups_map_to_no_role_is_refused_and_not_created()
    {
        using var browser = fixture.Browser();
        var refused = await fixture.SignInAsync(browser, "carol");
        var html = await refused.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("/signin/refused", refused.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("none of your 'groups' values is mapped", WebSession.Texts(html, "//*[@id='refusal']").Single());
        Assert.Null(await Users.FindAsync("carol"));
        Assert.Equal("/signin", (await browser.GetAsync("/tokens")).RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task The_refusal_page_never_echoes_the_query()
    {
        using var browser = fixture.Browser();
        var response = await browser.GetAsync("/signin/refused?reason=%3Cb%3Eyou+won%3C%2Fb%3E");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("you won", html);
        Assert.Contains("did not complete", html);
    }
}

/// <summary>Without <c>Gateway:Oidc</c> there is no single sign-on at all.</summary>
public sealed class SingleSignOnOffTests : IDisposable
{
    private readonly TestGateway _gateway = new();

    [Fact]
    public async Task The_sign_in_page_offers_only_the_token_and_the_sso_handler_is_not_found()
    {
        using var session = WebSession.Anonymous(_gateway);
        var html = await session.GetHtmlAsync("/signin");
        Assert.DoesNotContain("Sign in with", html);
        var sso = await session.PostFormAsync("/signin?handler=Sso", []);
        Assert.Equal(HttpStatusCode.NotFound, sso.StatusCode);
    }

    [Fact]
    public void A_half_configured_provider_stops_the_start_naming_the_setting()
    {
        using var gateway = new TestGateway(settings: new() { ["Gateway:Oidc:Authority"] = "https://login.example.org" });
        var e = Assert.Throws<InvalidOperationException>(() => gateway.Services);
        Assert.Contains("ClientId", e.Message);
    }

    public void Dispose() => _gateway.Dispose();
}

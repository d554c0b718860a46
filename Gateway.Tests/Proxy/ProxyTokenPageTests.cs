using System.Net;
using Gateway.Tests.Support;
using static Gateway.Tests.Proxy.ProxyHarness;

namespace Gateway.Tests.Proxy;

/// <summary>The dashboard's Mastodon app tokens page: a token is shown once, listed without its secret, and revoked.</summary>
public sealed class ProxyTokenPageTests
{
    [Fact]
    public async Task An_editor_creates_a_token_shown_once_that_works_lists_it_without_the_secret_and_revokes_it()
    {
        await using var h = await StartAsync();
        using var browser = await WebSession.SignInAsync(h.Gateway, h.EditorToken);

        var created = await browser.PostFormAsync("/proxy-tokens?handler=Create", ("Account", "acme"), ("Name", "Team phone"));
        var html = await created.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.True(created.Headers.CacheControl?.NoStore);
        var secret = WebSession.Texts(html, "//p[@class='token']").Single();
        Assert.Equal(HttpStatusCode.OK, (await h.Mastodon(secret).GetAsync("/api/v1/accounts/verify_credentials")).StatusCode);

        var listed = await browser.GetHtmlAsync("/proxy-tokens");
        Assert.Contains("Team phone", listed);
        Assert.DoesNotContain(secret, listed);

        var id = (await (await h.Editor.GetAsync("/api/accounts/acme/proxy-tokens")).ReadJsonAsync()).EnumerateArray()
            .Single(t => t.GetProperty("name").GetString() == "Team phone").GetProperty("id").GetString()!;
        var revoked = await browser.PostFormAsync("/proxy-tokens?handler=Revoke", ("Account", "acme"), ("id", id));
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal("The access token is invalid", await ErrorAsync(await h.Mastodon(secret).GetAsync("/api/v1/accounts/verify_credentials"), HttpStatusCode.Unauthorized));
        var after = await browser.GetHtmlAsync("/proxy-tokens");
        Assert.Contains("is revoked", after); // the notice
        Assert.DoesNotContain("Team phone", WebSession.Texts(after, "//td"));
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Text;
using Gateway.Proxy;
using Gateway.Tests.Support;
using static Gateway.Tests.Proxy.ProxyHarness;

namespace Gateway.Tests.Proxy;

/// <summary>The proxy on a cluster's database: what SQLite's single writer hid (flags compared as integers, a code read by two requests at once).</summary>
public sealed class ProxyOnPostgresTests
{
    [Fact]
    public async Task An_account_with_a_pasted_token_publishes_through_the_proxy_and_its_tokens_are_listed()
    {
        await using var h = await StartAsync(engine: Engine.Postgres);

        var published = await h.Client.PostAsync("/api/v1/statuses", Form(("status", "Storm update: all stores are open.")));
        var listed = await h.Editor.GetAsync("/api/accounts/acme/proxy-tokens");
        var all = await h.Admin.GetAsync("/api/accounts/acme/proxy-tokens");

        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Single(h.Fake.Statuses);
        Assert.True(listed.StatusCode == HttpStatusCode.OK, $"{(int)listed.StatusCode} {await listed.Content.ReadAsStringAsync()}");
        Assert.Equal("ed", Assert.Single((await listed.ReadJsonAsync()).EnumerateArray()).GetProperty("user").GetString());
        Assert.Single((await all.ReadJsonAsync()).EnumerateArray());
    }

    [Fact]
    public async Task A_code_redeemed_by_several_requests_at_once_gives_one_token()
    {
        await using var h = await StartAsync(engine: Engine.Postgres);
        var app = await MastodonJsonAsync(await h.Mastodon(null).PostAsync("/api/v1/apps",
            Form(("client_name", "Ivory"), ("redirect_uris", ProxyOAuth.OutOfBand), ("scopes", "read write"))));
        var (clientId, clientSecret) = (app.GetProperty("client_id").GetString()!, app.GetProperty("client_secret").GetString()!);
        var oauth = h.Gateway.Service<ProxyOAuth>();
        var ed = (await h.Gateway.Service<Gateway.Users.UserStore>().FindAsync("ed"))!;
        var challenge = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes("verifier")));

        var tokensPerCode = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            var grant = await oauth.GrantAsync(clientId, ProxyOAuth.OutOfBand, "code", "read write", challenge, "S256", null, default);
            var code = await oauth.ApproveAsync(grant, ed, "acme", default);
            Task<HttpResponseMessage> Redeem() => h.Mastodon(null).PostAsync("/oauth/token", Form(("grant_type", "authorization_code"), ("code", code),
                ("client_id", clientId), ("client_secret", clientSecret), ("redirect_uri", ProxyOAuth.OutOfBand), ("code_verifier", "verifier")));
            var answers = await Task.WhenAll(Redeem(), Redeem(), Redeem());
            Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{(int)a.StatusCode}"));
            tokensPerCode.Add(answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        }

        Assert.All(tokensPerCode, n => Assert.Equal(1, n));
    }
}

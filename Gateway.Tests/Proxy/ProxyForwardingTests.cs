using System.Net;
using Gateway.Tests.Support;
using static Gateway.Tests.Proxy.ProxyHarness;

namespace Gateway.Tests.Proxy;

/// <summary>Reads go to the account's instance with its credentials; boosts, favourites and follows too, except while frozen, and audited.</summary>
public sealed class ProxyForwardingTests
{
    [Fact]
    public async Task Timelines_a_status_its_context_and_search_come_from_the_upstream_instance_with_its_pagination_pointed_at_the_gateway()
    {
        await using var h = await StartAsync();
        var status = await MastodonJsonAsync(await h.Client.PostAsync("/api/v1/statuses", Form(("status", "Road closures today"))));
        var id = status.GetProperty("id").GetString()!;

        var home = await h.Client.GetAsync("/api/v1/timelines/home?limit=5");
        var one = await MastodonJsonAsync(await h.Client.GetAsync($"/api/v1/statuses/{id}"));
        var context = await MastodonJsonAsync(await h.Client.GetAsync($"/api/v1/statuses/{id}/context"));
        var found = await MastodonJsonAsync(await h.Client.GetAsync("/api/v2/search?q=closures"));
        var missing = await h.Client.GetAsync("/api/v1/statuses/1");

        Assert.Equal(id, Assert.Single((await MastodonJsonAsync(home)).EnumerateArray()).GetProperty("id").GetString());
        var link = home.Headers.GetValues("Link").Single();
        Assert.Contains("http://localhost/api/v1/timelines/home?max_id=", link);
        Assert.DoesNotContain(h.Fake.Url, link);
        Assert.Equal(id, one.GetProperty("id").GetString());
        Assert.Equal(0, context.GetProperty("ancestors").GetArrayLength());
        Assert.Equal(id, Assert.Single(found.GetProperty("statuses").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal("Record not found", await ErrorAsync(missing, HttpStatusCode.NotFound));
    }

    [Fact]
    public async Task A_boost_and_a_follow_are_forwarded_and_audited_and_refused_with_the_reason_while_the_account_is_frozen()
    {
        await using var h = await StartAsync();
        var id = (await MastodonJsonAsync(await h.Client.PostAsync("/api/v1/statuses", Form(("status", "Road closures today"))))).GetProperty("id").GetString()!;
        var frozen = await h.Admin.PostJsonAsync("/api/freeze", new { reason = "hacked account", accounts = new[] { "acme" } });
        Assert.Equal(HttpStatusCode.OK, frozen.StatusCode);
        var freeze = (await frozen.ReadJsonAsync()).GetProperty("freeze").GetProperty("id").GetString();

        var boost = await h.Client.PostAsync($"/api/v1/statuses/{id}/reblog", null);
        var follow = await h.Client.PostAsync($"/api/v1/accounts/{Fakes.FakeMastodon.OtherAccountId}/follow", null);

        Assert.Contains("hacked account", await ErrorAsync(boost, HttpStatusCode.Forbidden));
        Assert.Contains("hacked account", await ErrorAsync(follow, HttpStatusCode.Forbidden));
        Assert.Empty(h.Fake.Acts);
        Assert.Equal(HttpStatusCode.OK, (await h.Client.GetAsync("/api/v1/timelines/home")).StatusCode); // reading is not going out

        var lifted = new HttpRequestMessage(HttpMethod.Delete, $"/api/freeze/{freeze}") { Content = Support.Api.JsonContent(new { reason = "recovered" }) };
        Assert.Equal(HttpStatusCode.OK, (await h.Admin.SendAsync(lifted)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.Client.PostAsync($"/api/v1/statuses/{id}/reblog", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.Client.PostAsync($"/api/v1/statuses/{id}/favourite", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await h.Client.PostAsync($"/api/v1/accounts/{Fakes.FakeMastodon.OtherAccountId}/follow", null)).StatusCode);

        Assert.Equal([$"reblog {id}", $"favourite {id}", $"follow {Fakes.FakeMastodon.OtherAccountId}"], h.Fake.Acts.ToArray());
        var audit = await h.Admin.GetStringAsync("/api/audit?subject=acme&action=proxy.forwarded");
        Assert.Contains($"/api/v1/statuses/{id}/reblog", audit);
        Assert.Contains($"/api/v1/accounts/{Fakes.FakeMastodon.OtherAccountId}/follow", audit);
        Assert.Contains("proxy.refused", await h.Admin.GetStringAsync("/api/audit?subject=acme&action=proxy.refused"));
    }

    [Fact]
    public async Task An_account_on_another_network_posts_through_the_proxy_but_reads_answer_a_clear_error()
    {
        await using var h = await StartAsync();
        await h.Admin.CreateAccountAsync("acme-x", network: "x", editors: ["ed"]);
        var token = await h.CreateProxyTokenAsync(h.Editor, "acme-x");
        var client = h.Mastodon(token);

        var me = await MastodonJsonAsync(await client.GetAsync("/api/v1/accounts/verify_credentials"));
        var read = await client.GetAsync("/api/v1/timelines/home");
        var instance = await MastodonJsonAsync(await client.GetAsync("/api/v2/instance"));

        Assert.Equal("acme-x", me.GetProperty("id").GetString());
        Assert.Contains("not Mastodon", await ErrorAsync(read, HttpStatusCode.UnprocessableEntity));
        Assert.Equal(280, instance.GetProperty("configuration").GetProperty("statuses").GetProperty("max_characters").GetInt32());
    }

    [Fact]
    public async Task The_instance_reports_the_accounts_network_limits()
    {
        await using var h = await StartAsync();

        var v2 = await MastodonJsonAsync(await h.Client.GetAsync("/api/v2/instance"));
        var v1 = await MastodonJsonAsync(await h.Mastodon(null).GetAsync("/api/v1/instance"));

        var configuration = v2.GetProperty("configuration");
        Assert.Equal(500, configuration.GetProperty("statuses").GetProperty("max_characters").GetInt32());
        Assert.Equal(4, configuration.GetProperty("statuses").GetProperty("max_media_attachments").GetInt32());
        Assert.Equal(16777216, configuration.GetProperty("media_attachments").GetProperty("image_size_limit").GetInt64());
        Assert.Contains("image/png", configuration.GetProperty("media_attachments").GetProperty("supported_mime_types").EnumerateArray().Select(t => t.GetString()));
        Assert.StartsWith("4.", v1.GetProperty("version").GetString());
        Assert.Equal(500, v1.GetProperty("configuration").GetProperty("statuses").GetProperty("max_characters").GetInt32());
    }

    [Fact]
    public async Task A_boost_in_flight_when_a_freeze_lands_is_stopped_and_the_client_told_it_may_have_arrived()
    {
        await using var h = await StartAsync();
        var id = (await MastodonJsonAsync(await h.Client.PostAsync("/api/v1/statuses", Form(("status", "Road closures today"))))).GetProperty("id").GetString()!;
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.BeforeAct = async () => { entered.TrySetResult(); await release.Task; };

        var boost = h.Client.PostAsync($"/api/v1/statuses/{id}/reblog", null);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var frozen = await h.Admin.PostJsonAsync("/api/freeze", new { reason = "Hacked account", accounts = new[] { "acme" } });
        Assert.Equal(HttpStatusCode.OK, frozen.StatusCode);
        release.SetResult();
        var answer = await boost;

        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.Contains("Hacked account", (await MastodonJsonAsync(answer)).GetProperty("error").GetString());
        // Told apart from a boost refused before it left: the instance may have received this one.
        var audit = await (await h.Admin.GetAsync("/api/audit?action=proxy.interrupted")).ReadJsonAsync();
        Assert.Equal("acme", Assert.Single(audit.GetProperty("items").EnumerateArray()).GetProperty("subject").GetString());
    }
}

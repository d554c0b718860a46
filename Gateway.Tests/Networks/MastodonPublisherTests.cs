using System.Net;
using Gateway.Tests.Fakes;
using Gateway.Tests.Support;
using static Gateway.Tests.Fakes.FakeMastodon;

namespace Gateway.Tests.Networks;

/// <summary>The Mastodon publisher against a fake instance on loopback: one status per post, whatever goes wrong.</summary>
public sealed class MastodonPublisherTests
{
    private const string Token = "pasted-token-1";

    private static async Task<(TestGateway Gateway, HttpClient Admin)> StartAsync(FakeMastodon fake, Dictionary<string, string?>? settings = null)
    {
        var gateway = new TestGateway(settings: settings);
        var admin = await gateway.SignInAsync("root", "admin");
        var created = await admin.PostJsonAsync("/api/accounts", new
        {
            id = "acme", kind = "brand", language = "en-GB", publisher = new { type = "mastodon", instance = fake.Url, accessToken = Token },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (gateway, admin);
    }

    private static async Task<string> SubmitAsync(HttpClient admin, string body = "Storm update: **all stores** are open. See [the list](https://example.org/stores).") =>
        (await admin.SubmitAsync("acme", body, DateTimeOffset.UtcNow.AddSeconds(1))).GetProperty("id").GetString()!;

    [Fact]
    public async Task A_post_becomes_one_status_as_plain_text_with_its_id_and_address_stored()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        var (gateway, admin) = await StartAsync(fake);
        using var _ = gateway;

        var id = await SubmitAsync(admin);
        Assert.Equal("published", await admin.WaitForStatusAsync(id, "published", "failed", "held"));

        var status = Assert.Single(fake.Statuses);
        Assert.Equal("Storm update: all stores are open. See the list https://example.org/stores.", status.Text);
        Assert.Equal("en", status.Language);
        Assert.Equal("public", status.Visibility);
        Assert.StartsWith($"crisis-gateway-{id}-", status.IdempotencyKey);
        var post = await admin.GetPostAsync(id);
        Assert.Equal(status.Id, post.GetProperty("publishRef").GetString());
        Assert.Equal($"{fake.Url}/@{Acct}/{status.Id}", post.GetProperty("publishUrl").GetString());
        var audit = await admin.GetStringAsync($"/api/audit?subject={id}&action=post.published");
        Assert.Contains(status.Id, audit);
        Assert.Contains(post.GetProperty("publishUrl").GetString()!, audit);

        // The post page names the status and links to it.
        using var page = await WebSession.SignInAsync(gateway, "reader", "admin");
        var html = await page.GetHtmlAsync($"/posts/{id}");
        Assert.Contains(status.Id, html);
        var link = WebSession.Parse(html).DocumentNode.SelectSingleNode("//a[@class='publish-url']");
        Assert.NotNull(link);
        Assert.Equal(post.GetProperty("publishUrl").GetString(), link.GetAttributeValue("href", null));

        // An address the instance made up that is no web address is shown, never linked.
        await using (var db = await gateway.Service<Gateway.Storage.Database>().OpenAsync(CancellationToken.None))
        {
            await Dapper.SqlMapper.ExecuteAsync(db, "UPDATE posts SET publish_url = 'javascript:alert(1)' WHERE id = @id", new { id });
        }
        html = await page.GetHtmlAsync($"/posts/{id}");
        Assert.Null(WebSession.Parse(html).DocumentNode.SelectSingleNode("//a[@class='publish-url']"));
        Assert.Contains("javascript:alert(1)", html);
    }

    [Theory]
    [InlineData(Behaviour.DropAfterCreate)]
    [InlineData(Behaviour.ServerError)]
    public async Task A_lost_answer_or_a_5xx_is_retried_with_the_same_key_and_makes_exactly_one_status(Behaviour first)
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        fake.Next = n => n == 1 ? first : Behaviour.Normal;
        var (gateway, admin) = await StartAsync(fake);
        using var _ = gateway;

        var id = await SubmitAsync(admin);
        Assert.Equal("published", await admin.WaitForStatusAsync(id, "published", "failed", "held"));
        Assert.Equal(2, fake.StatusCalls);
        var status = Assert.Single(fake.Statuses);
        Assert.Equal(status.Id, (await admin.GetPostAsync(id)).GetProperty("publishRef").GetString());
    }

    [Fact]
    public async Task A_rate_limit_within_the_grace_is_waited_out()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        fake.Next = n => n == 1 ? Behaviour.RateLimited : Behaviour.Normal;
        var (gateway, admin) = await StartAsync(fake, new() { ["Gateway:LateGrace"] = "00:00:30" });
        using var _ = gateway;

        var id = await SubmitAsync(admin);
        Assert.Equal("published", await admin.WaitForStatusAsync(id, "published", "failed", "held"));
        Assert.Single(fake.Statuses);
    }

    [Fact]
    public async Task A_rate_limit_beyond_the_grace_holds_the_post_unsent()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        fake.RateLimitReset = TimeSpan.FromMinutes(15);
        fake.Next = n => n == 1 ? Behaviour.RateLimited : Behaviour.Normal;
        var (gateway, admin) = await StartAsync(fake);
        using var _ = gateway;

        var id = await SubmitAsync(admin);
        Assert.Equal("held", await admin.WaitForStatusAsync(id, "published", "failed", "held"));
        var post = await admin.GetPostAsync(id);
        Assert.False(post.TryGetProperty("unconfirmed", out var u) && u.GetBoolean()); // a 429 made nothing
        Assert.Contains("rate-limiting", post.GetProperty("statusReason").GetString());
        Assert.Empty(fake.Statuses);
        Assert.Equal(1, fake.StatusCalls);
    }

    [Theory]
    [InlineData(Behaviour.HangAfterCreate)]
    [InlineData(Behaviour.HangBeforeCreate)]
    public async Task A_send_that_times_out_is_sent_again_with_the_same_key_and_makes_exactly_one_status(Behaviour hang)
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        fake.Next = n => n == 1 ? hang : Behaviour.Normal;
        var (gateway, admin) = await StartAsync(fake, new() { ["Gateway:Publishing:Timeout"] = "00:00:01" });
        using var _ = gateway;

        var id = await SubmitAsync(admin);
        Assert.Equal("published", await admin.WaitForStatusAsync(id, "published", "failed", "held"));
        Assert.Equal(2, fake.StatusCalls);
        var status = Assert.Single(fake.Statuses);
        Assert.Equal(status.Id, (await admin.GetPostAsync(id)).GetProperty("publishRef").GetString());
    }

    [Fact]
    public async Task A_refused_token_fails_the_post_and_marks_the_account_for_reconnecting()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        fake.Next = _ => Behaviour.InvalidToken;
        var (gateway, admin) = await StartAsync(fake);
        using var _ = gateway;
        var editor = await gateway.SignInAsync("eve", "editor");

        var id = await SubmitAsync(admin);
        Assert.Equal("failed", await admin.WaitForStatusAsync(id, "published", "failed", "held"));
        Assert.Equal(1, fake.StatusCalls); // never retried
        Assert.Contains("reconnect the account", (await admin.GetPostAsync(id)).GetProperty("statusReason").GetString());
        var publisher = (await (await admin.GetAsync("/api/accounts/acme")).ReadJsonAsync()).GetProperty("publisher");
        Assert.True(publisher.GetProperty("needsReconnect").GetBoolean());
        Assert.Contains("The access token is invalid", publisher.GetProperty("problem").GetString());

        // The admins are told, once for the problem however many posts meet it; an editor is not.
        var second = await SubmitAsync(admin, "Second update.");
        Assert.Equal("failed", await admin.WaitForStatusAsync(second, "published", "failed", "held"));
        var told = await ReconnectNoticesAsync(admin);
        Assert.Equal("acme", Assert.Single(told).GetProperty("account").GetString());
        Assert.Contains("needs reconnecting", told[0].GetProperty("text").GetString());
        Assert.Empty(await ReconnectNoticesAsync(editor));
    }

    private static async Task<System.Text.Json.JsonElement[]> ReconnectNoticesAsync(HttpClient user) =>
        (await (await user.GetAsync("/api/notifications")).ReadJsonAsync()).GetProperty("items").EnumerateArray()
            .Where(n => n.GetProperty("event").GetString() == "account.needs-reconnect").ToArray();

    [Fact]
    public async Task A_validation_error_fails_the_post_quoting_mastodon()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        var (gateway, admin) = await StartAsync(fake);
        using var _ = gateway;

        // Only an image, which is no text at all to Mastodon.
        var id = await SubmitAsync(admin, "![](https://example.org/a.png)");
        Assert.Equal("failed", await admin.WaitForStatusAsync(id, "published", "failed", "held"));
        Assert.Contains("Validation failed: Text can't be blank", (await admin.GetPostAsync(id)).GetProperty("statusReason").GetString());
        Assert.Empty(fake.Statuses);
    }

    [Theory]
    [InlineData(Behaviour.HangAfterCreate, "published", 1)]
    [InlineData(Behaviour.HangBeforeCreate, "held", 0)]
    public async Task A_freeze_mid_send_holds_the_post_and_asking_the_instance_settles_it(Behaviour hang, string settled, int statuses)
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        fake.Next = n => n == 1 ? hang : Behaviour.Normal;
        var (gateway, admin) = await StartAsync(fake);
        using var _ = gateway;

        var id = await SubmitAsync(admin);
        await fake.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await admin.FreezeAsync()).StatusCode);
        fake.Release.TrySetResult();

        // The freeze returned once the send was stopped and settled by reading the account's statuses.
        var post = await admin.GetPostAsync(id);
        Assert.Equal(settled, post.GetProperty("status").GetString());
        Assert.False(post.TryGetProperty("unconfirmed", out var u) && u.GetBoolean());
        Assert.Equal(statuses, fake.Statuses.Count);
        Assert.Equal(1, fake.StatusCalls); // asked, never sent again
        var audit = await admin.GetStringAsync($"/api/audit?subject={id}");
        Assert.Contains(settled == "published" ? "Confirmed by mastodon" : "post.unsent", audit);
    }

    [Fact]
    public async Task A_status_the_instance_makes_after_the_freeze_stopped_the_send_is_found_when_asked_again_within_the_settle_window()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        fake.Next = n => n == 1 ? Behaviour.CreateAfterClientLeft : Behaviour.Normal;
        var (gateway, admin) = await StartAsync(fake, new() { ["Gateway:Publishing:SettleWindow"] = "00:10:00" });
        using var _ = gateway;

        var id = await SubmitAsync(admin);
        await fake.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await admin.FreezeAsync()).StatusCode);

        // Asked at once, the instance has nothing yet; within the window that is "not yet", never "unsent".
        var held = await admin.GetPostAsync(id);
        Assert.Equal("held", held.GetProperty("status").GetString());
        Assert.True(held.GetProperty("unconfirmed").GetBoolean());
        Assert.Empty(fake.Statuses);

        fake.Release.TrySetResult();
        await Eventually.WaitForAsync(() => Task.FromResult(fake.Statuses.Count), n => n == 1, "the instance to finish the request");
        var lookup = gateway.Service<Gateway.Publishing.DeliveryLookup>();
        var settled = await lookup.SettleAsync((await gateway.Service<Gateway.Posts.PostStore>().GetAsync(id))!, CancellationToken.None);

        Assert.Equal(Gateway.Posts.PostStatus.Published, settled.Status);
        Assert.Equal(Assert.Single(fake.Statuses).Id, settled.PublishRef);
        Assert.Equal(1, fake.StatusCalls);
    }

    [Fact]
    public async Task Past_the_settle_window_a_status_the_instance_still_lacks_is_held_as_unsent()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        fake.Next = n => n == 1 ? Behaviour.HangBeforeCreate : Behaviour.Normal;
        var (gateway, admin) = await StartAsync(fake, new() { ["Gateway:Publishing:SettleWindow"] = "00:00:01" });
        using var _ = gateway;

        var id = await SubmitAsync(admin);
        await fake.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await admin.FreezeAsync()).StatusCode);
        fake.Release.TrySetResult();
        Assert.True((await admin.GetPostAsync(id)).GetProperty("unconfirmed").GetBoolean());

        var lookup = gateway.Service<Gateway.Publishing.DeliveryLookup>();
        var store = gateway.Service<Gateway.Posts.PostStore>();
        await Eventually.WaitForAsync(async () => (await lookup.SettleAsync((await store.GetAsync(id))!, CancellationToken.None)).Unconfirmed,
            unconfirmed => !unconfirmed, "the window to pass");

        var post = await admin.GetPostAsync(id);
        Assert.Equal("held", post.GetProperty("status").GetString());
        Assert.Contains("never received", post.GetProperty("statusReason").GetString());
        Assert.Empty(fake.Statuses);
    }

    [Fact]
    public async Task Killed_mid_send_the_restarted_gateway_asks_the_instance_and_publishes_without_a_second_status()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        var post = await NetworkHarness.KillMidSendAsync(
            () => fake.Next = n => n == 1 ? Behaviour.HangAfterCreate : Behaviour.Normal, fake.Hanging.Task,
            [], "", "acme", new { type = "mastodon", instance = fake.Url, accessToken = Token });

        Assert.Equal("published", post.GetProperty("status").GetString());
        var status = Assert.Single(fake.Statuses);
        Assert.Equal(status.Id, post.GetProperty("publishRef").GetString());
        Assert.Equal(1, fake.StatusCalls); // settled by reading the account's statuses, never by posting again
    }

    [Fact]
    public async Task On_the_account_page_the_network_is_picked_from_a_list_a_pasted_token_connects_and_the_test_shows_a_broken_connection()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        using var gateway = new TestGateway();
        using var page = await WebSession.SignInAsync(gateway, "root", "admin");

        var form = await page.GetHtmlAsync("/admin/accounts");
        Assert.Equal(["mastodon", "bluesky", "linkedin", "x", "webhook", "outbox"],
            WebSession.Parse(form).DocumentNode.SelectNodes("//select[@id='account-publisher']/option")!.Select(o => o.GetAttributeValue("value", "")));
        var created = await page.PostFormAsync("/admin/accounts?handler=Create",
            ("Form.Id", "acme"), ("Form.Network", "mastodon"), ("Form.Kind", "brand"), ("Form.Language", "en"), ("Form.Editors", ""),
            ("Form.PublisherType", "mastodon"), ("Form.Instance", fake.Url), ("Form.Secret", Token));
        Assert.True(created.StatusCode == HttpStatusCode.Redirect, await created.Content.ReadAsStringAsync());

        var tested = await page.PostFormAsync("/admin/accounts?handler=Test&edit=acme", [], formPage: "/admin/accounts?edit=acme");
        Assert.Equal(HttpStatusCode.Redirect, tested.StatusCode);
        var edit = await page.GetHtmlAsync("/admin/accounts?edit=acme");
        Assert.Contains("connected</span>", edit);
        Assert.Contains("as <strong>@acme@127.0.0.1</strong>", edit);
        Assert.Contains("Test connection", edit);
        Assert.DoesNotContain(Token, edit);

        fake.Tokens.Clear(); // revoked on the instance
        var refused = await page.PostFormAsync("/admin/accounts?handler=Test&edit=acme", [], formPage: "/admin/accounts?edit=acme");
        var shown = refused.StatusCode == HttpStatusCode.Redirect ? await page.GetHtmlAsync("/admin/accounts?edit=acme") : await refused.Content.ReadAsStringAsync();
        Assert.Contains("needs reconnecting", shown);
        Assert.Contains("The access token is invalid", shown);
        Assert.Contains("Reconnect with mastodon", shown);
        Assert.Contains("Test connection", shown);
    }

    [Fact]
    public async Task An_admin_connects_the_account_through_the_instance_and_the_test_names_it()
    {
        await using var fake = await FakeMastodon.StartAsync();
        using var gateway = new TestGateway();
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme", network: "", publisher: new { type = "mastodon", instance = fake.Url });
        using var page = await WebSession.SignInAsync(gateway, "connector", "admin");

        var start = await page.GetAsync("/admin/connect/acme");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.StartsWith($"{fake.Url}/oauth/authorize?", start.Headers.Location!.ToString());
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var consent = await browser.GetAsync(start.Headers.Location);
        var callback = consent.Headers.Location!;
        Assert.Equal("/admin/connect/callback", callback.AbsolutePath);

        // Someone else cannot use the state; the admin who started can, once.
        using (var other = await WebSession.SignInAsync(gateway, "other-admin", "admin"))
        {
            await other.GetAsync(callback.PathAndQuery);
        }
        var back = await page.GetAsync(callback.PathAndQuery);
        Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
        var publisher = (await (await admin.GetAsync("/api/accounts/acme")).ReadJsonAsync()).GetProperty("publisher");
        Assert.False(publisher.GetProperty("connected").GetBoolean()); // the other admin's attempt spent the state

        var again = await page.GetAsync("/admin/connect/acme");
        var code = (await browser.GetAsync(again.Headers.Location)).Headers.Location!;
        var done = await page.GetAsync(code.PathAndQuery);
        Assert.Equal("/admin/accounts?edit=acme", done.Headers.Location!.ToString());
        Assert.Contains("connected as @acme@127.0.0.1", await page.GetHtmlAsync("/admin/accounts?edit=acme"));
        publisher = (await (await admin.GetAsync("/api/accounts/acme")).ReadJsonAsync()).GetProperty("publisher");
        Assert.True(publisher.GetProperty("connected").GetBoolean());
        Assert.Equal("@acme@127.0.0.1", publisher.GetProperty("identity").GetString());

        var test = await admin.PostAsync("/api/accounts/acme/test", null);
        Assert.Equal("@acme@127.0.0.1", (await test.ReadJsonAsync()).GetProperty("identity").GetString());
        fake.Tokens.Clear(); // revoked on the instance
        var refused = await admin.PostAsync("/api/accounts/acme/test", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("reconnect", (await refused.ReadJsonAsync()).GetProperty("detail").GetString());
    }
}

/// <summary>Images to Mastodon: uploaded through /api/v2/media with their descriptions, waited for, attached by media_ids.</summary>
public sealed class MastodonMediaTests
{
    private const string Token = "pasted-token-1";

    [Fact]
    public async Task Images_are_uploaded_waited_for_and_attached_in_order_with_their_alt_text()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        using var gateway = new TestGateway();
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme", "mastodon", publisher: new { type = "mastodon", instance = fake.Url, accessToken = Token });
        var (first, firstBytes) = await MediaPublishing.UploadAsync(gateway, admin, 64, 48);
        var (second, secondBytes) = await MediaPublishing.UploadAsync(gateway, admin, 30, 60);

        var post = await MediaPublishing.PublishAsync(admin, "acme", "The new shelter.",
            new { id = first, alt = "The shelter's front door" }, new { id = second, alt = "Volunteers with blankets" });
        Assert.Equal("published", post.GetProperty("status").GetString());

        var status = Assert.Single(fake.Statuses);
        Assert.Equal(["The shelter's front door", "Volunteers with blankets"], status.Media.Select(m => m.Description));
        Assert.Equal(firstBytes, status.Media[0].Bytes); // what the gateway stored, without the photo's location
        Assert.Equal(secondBytes, status.Media[1].Bytes);
        Assert.All(status.Media, m => Assert.Equal("image/jpeg", m.Type));
        Assert.Equal(0, status.Media.Sum(m => m.PendingPolls)); // each was asked about until processed
    }

    [Fact]
    public async Task A_refused_upload_fails_the_post_with_the_instances_words_and_posts_nothing()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        fake.RefuseNextUpload = true;
        using var gateway = new TestGateway();
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme", "mastodon", publisher: new { type = "mastodon", instance = fake.Url, accessToken = Token });
        var (id, _) = await MediaPublishing.UploadAsync(gateway, admin);

        var post = await MediaPublishing.PublishAsync(admin, "acme", "The new shelter.", new { id, alt = "The door" });
        Assert.Equal("failed", post.GetProperty("status").GetString());
        Assert.Contains("File content type is invalid", post.GetProperty("statusReason").GetString());
        Assert.Empty(fake.Statuses);
    }
}

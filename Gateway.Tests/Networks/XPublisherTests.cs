using System.Net;
using Gateway.Accounts;
using Gateway.Publishing;
using Gateway.Publishing.X;
using Gateway.Rules.Text;
using Gateway.Tests.Fakes;
using Gateway.Tests.Support;
using static Gateway.Tests.Networks.NetworkHarness;

namespace Gateway.Tests.Networks;

/// <summary>The X publisher through a whole gateway against <see cref="FakeX"/>: every way a send ends, and never twice.</summary>
public sealed class XPublisherTests
{
    private static async Task<(FakeX X, TestGateway Gateway, HttpClient Admin)> StartAsync(Dictionary<string, string?>? settings = null, string? accessToken = null)
    {
        var x = await FakeX.StartAsync();
        var all = x.Settings();
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }
        var (gateway, admin) = await NetworkHarness.StartAsync(all, "x", "acme-x", new { type = "x", accessToken = accessToken ?? x.Token().Access });
        return (x, gateway, admin);
    }

    [Fact]
    public async Task A_post_is_published_once_with_its_id_and_address()
    {
        var (x, gateway, admin) = await StartAsync();
        await using var _ = x;
        using var __ = gateway;
        const string markdown = "Our **spring range** is in stores: [see it](https://example.org/spring).";

        var post = await PublishAsync(admin, "acme-x", markdown);

        Assert.Equal("published", post.Status());
        var created = Assert.Single(x.Posts);
        Assert.Equal(PlainText.Render(markdown).Text, created.Text);
        Assert.Equal(created.Id, post.Text("publishRef"));
        Assert.Equal($"https://x.com/i/web/status/{created.Id}", post.Text("publishUrl"));
        Assert.Equal("@" + FakeX.Username, await ((IConnectionCheck)gateway.Service<XPublisher>()).VerifyAsync(
            (await gateway.Service<AccountStore>().GetAsync("acme-x"))!, CancellationToken.None));
    }

    [Fact]
    public async Task The_text_sent_weighs_what_network_length_counted_so_a_post_at_the_limit_goes_out_and_one_over_it_never_does()
    {
        var (x, gateway, admin) = await StartAsync(new() { ["Gateway:Links:Enabled"] = "false" });
        await using var _ = x;
        using var __ = gateway;
        // Emphasis marks weigh nothing, a link is "label url", the URL weighs 23 however long, 東 weighs 2.
        var url = "https://example.org/" + new string('p', 80);
        string Body(int filler) => $"**Update** 東京 {new string('a', filler)} [the list]({url})";
        var filler = 280 - (FakeX.WeightedLength(PlainText.Render(Body(1)).Text) - 1);

        var post = await PublishAsync(admin, "acme-x", Body(filler));
        Assert.Equal("published", post.Status());
        var created = Assert.Single(x.Posts);
        Assert.Equal(PlainText.Render(Body(filler)).Text, created.Text);
        Assert.Equal(280, FakeX.WeightedLength(created.Text));

        var over = await admin.SubmitAsync("acme-x", Body(filler + 1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal("blocked", over.GetProperty("status").GetString());
        Assert.Equal("network.length", over.GetProperty("findings").EnumerateArray().Single().GetProperty("rule").GetString());
        Assert.Single(x.Posts);
    }

    [Fact]
    public async Task A_response_lost_on_a_reused_connection_leaves_one_post_and_the_gateway_holds_it_unconfirmed()
    {
        var (x, gateway, admin) = await StartAsync();
        await using var _ = x;
        using var __ = gateway;
        Assert.Equal("published", (await PublishAsync(admin, "acme-x", "First post of the day.")).Status()); // warms a pooled connection

        x.Troubles.Enqueue(Trouble.CloseAfterCreate);
        var post = await PublishAsync(admin, "acme-x", "Second post of the day.");
        await Task.Delay(TimeSpan.FromSeconds(2)); // anything sent again would arrive by now

        Assert.Equal("held", post.Status());
        Assert.True(post.Unconfirmed());
        Assert.Contains("dropped the connection", post.Reason());
        Assert.Contains("not sent again", post.Reason());

        x.Troubles.Enqueue(Trouble.DropAfterCreate); // a reset instead of a clean close
        var reset = await PublishAsync(admin, "acme-x", "Third post of the day.");
        Assert.Equal("held", reset.Status());
        Assert.True(reset.Unconfirmed());
        Assert.Contains("dropped the connection", reset.Reason());
        Assert.Equal(3, x.Posts.Count);
        Assert.Equal(3, x.Requests.Count(r => r.Request == "POST /2/tweets"));
        // The cleanly closed send went over the connection the first post had opened: the pool's re-send case.
        var posts = x.Posts.ToArray();
        Assert.Equal(posts[0].Connection, posts[1].Connection);
        Assert.Equal(0, await RetriesAsync(admin, post.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task The_connection_pool_does_send_a_bodiless_request_again_after_a_drop_on_a_reused_connection()
    {
        // The control for the test above: the same drop on a reused connection makes SocketsHttpHandler send a GET again
        // (on a new connection), so the single POST there is the handler holding back, not the fake failing to provoke it.
        var (x, gateway, admin) = await StartAsync();
        await using var _ = x;
        using var __ = gateway;
        var check = (IConnectionCheck)gateway.Service<XPublisher>();
        var account = (await gateway.Service<AccountStore>().GetAsync("acme-x"))!;
        await check.VerifyAsync(account, CancellationToken.None);

        x.Troubles.Enqueue(Trouble.CloseAfterCreate);
        Assert.Equal("@" + FakeX.Username, await check.VerifyAsync(account, CancellationToken.None));

        var gets = x.Requests.Where(r => r.Request == "GET /2/users/me").ToArray();
        Assert.Equal(3, gets.Length);
        Assert.Equal(gets[0].Connection, gets[1].Connection);
        Assert.NotEqual(gets[1].Connection, gets[2].Connection);
    }

    [Fact]
    public async Task A_5xx_after_the_post_was_made_is_held_unconfirmed_and_not_sent_again()
    {
        var (x, gateway, admin) = await StartAsync();
        await using var _ = x;
        using var __ = gateway;
        x.Troubles.Enqueue(Trouble.ServerErrorAfterCreate);

        var post = await PublishAsync(admin, "acme-x", "Stores open at nine.");

        Assert.Equal("held", post.Status());
        Assert.True(post.Unconfirmed());
        Assert.Contains("503", post.Reason());
        Assert.Single(x.Posts);
        Assert.Single(x.Requests, r => r.Request == "POST /2/tweets");
    }

    [Fact]
    public async Task A_send_that_times_out_is_held_unconfirmed_and_not_sent_again()
    {
        var (x, gateway, admin) = await StartAsync(new() { ["Gateway:Publishing:Timeout"] = "00:00:01" });
        await using var _ = x;
        using var __ = gateway;
        x.Troubles.Enqueue(Trouble.HangAfterCreate);

        var post = await PublishAsync(admin, "acme-x", "Stores open at ten.");

        Assert.Equal("held", post.Status());
        Assert.True(post.Unconfirmed());
        Assert.Contains("did not answer in time", post.Reason());
        Assert.Single(x.Posts);
        Assert.Single(x.Requests, r => r.Request == "POST /2/tweets");
    }

    [Fact]
    public async Task A_rate_limit_that_resets_within_the_late_grace_is_waited_out_and_one_beyond_it_holds_the_post()
    {
        var (x, gateway, admin) = await StartAsync();
        await using var _ = x;
        using var __ = gateway;

        x.RateLimitReset = TimeSpan.FromSeconds(2);
        x.Troubles.Enqueue(Trouble.RateLimited);
        var waited = await PublishAsync(admin, "acme-x", "Doors open at eight.");
        Assert.Equal("published", waited.Status());
        Assert.Single(x.Posts);
        Assert.Equal(1, await RetriesAsync(admin, waited.GetProperty("id").GetString()!));

        x.RateLimitReset = TimeSpan.FromMinutes(15);
        x.Troubles.Enqueue(Trouble.RateLimited);
        var held = await PublishAsync(admin, "acme-x", "Doors open at nine.");
        Assert.Equal("held", held.Status());
        Assert.False(held.Unconfirmed());
        Assert.Contains("rate-limiting", held.Reason());
        Assert.Contains("past its moment", held.Reason());
        Assert.Single(x.Posts);
        Assert.Equal(3, x.Requests.Count(r => r.Request == "POST /2/tweets"));
    }

    [Fact]
    public async Task A_401_without_a_refresh_token_fails_the_post_and_asks_for_a_reconnect()
    {
        var (x, gateway, admin) = await StartAsync();
        await using var _ = x;
        using var __ = gateway;
        x.Troubles.Enqueue(Trouble.Revoked);

        var post = await PublishAsync(admin, "acme-x", "Doors open at noon.");

        Assert.Equal("failed", post.Status());
        Assert.Contains("reconnect", post.Reason());
        Assert.Empty(x.Posts);
        var account = await AccountAsync(admin, "acme-x");
        Assert.True(account.GetProperty("publisher").GetProperty("needsReconnect").GetBoolean());
    }

    [Fact]
    public async Task The_renewal_job_renews_a_token_before_it_expires_and_leaves_a_distant_one_alone()
    {
        var (x, gateway, admin) = await StartAsync();
        await using var _ = x;
        using var __ = gateway;
        var connections = gateway.Service<ConnectionStore>();
        var (soon, refresh) = x.Token(lifetime: TimeSpan.FromMinutes(10), refresh: true);
        await connections.SaveAsync("acme-x", new Credentials { AccessToken = soon, RefreshToken = refresh, ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(10) },
            "root", "account.connected", renewal: false);
        var job = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<Gateway.Scheduling.ConnectionRenewal>(gateway.Services);

        await job.RunAsync(CancellationToken.None);
        var renewed = (await connections.GetAsync("acme-x"))!;
        Assert.Equal(1, x.OAuth.Refreshes);
        Assert.NotEqual(soon, renewed.AccessToken);
        Assert.True(renewed.ExpiresAt > DateTimeOffset.UtcNow.AddMinutes(60));

        await job.RunAsync(CancellationToken.None); // now far from expiry: nothing to do
        Assert.Equal(1, x.OAuth.Refreshes);

        // A grant revoked on X: the next renewal marks the account instead of failing a post at 3 a.m.
        await connections.SaveAsync("acme-x", renewed with { ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(5), RefreshToken = "revoked" }, "root", "account.connected", renewal: true);
        await job.RunAsync(CancellationToken.None);
        var publisher = (await AccountAsync(admin, "acme-x")).GetProperty("publisher");
        Assert.True(publisher.GetProperty("needsReconnect").GetBoolean());
    }

    [Fact]
    public async Task An_expired_token_with_a_refresh_token_is_renewed_once_and_the_post_published_once()
    {
        var (x, gateway, admin) = await StartAsync();
        await using var _ = x;
        using var __ = gateway;
        // As the OAuth flow stores it, but the access token has run out (the gateway does not know when).
        var (expired, refresh) = x.Token(lifetime: TimeSpan.FromSeconds(-1), refresh: true);
        await gateway.Service<ConnectionStore>().SaveAsync("acme-x", new Credentials { AccessToken = expired, RefreshToken = refresh }, "root", "account.connected", renewal: false);

        var post = await PublishAsync(admin, "acme-x", "Lunch is served until two.");

        Assert.Equal("published", post.Status());
        Assert.Single(x.Posts);
        Assert.Equal(1, x.OAuth.Refreshes);
        Assert.Equal(2, x.Requests.Count(r => r.Request == "POST /2/tweets")); // the 401, then the post
        var stored = (await gateway.Service<ConnectionStore>().GetAsync("acme-x"))!;
        Assert.NotEqual(refresh, stored.RefreshToken); // X replaced it
        Assert.False(x.OAuth.IsValidRefresh(refresh!));
        Assert.True(x.OAuth.IsValidRefresh(stored.RefreshToken!));
        Assert.True(stored.ExpiresAt > DateTimeOffset.UtcNow.AddMinutes(100));
        await AssertNoSecretsAsync(gateway.DataDir, admin, x.OAuth.Issued);
    }

    [Fact]
    public async Task A_refused_post_fails_quoting_X_and_a_duplicate_is_not_taken_for_a_lost_connection()
    {
        var (x, gateway, admin) = await StartAsync();
        await using var _ = x;
        using var __ = gateway;

        x.Troubles.Enqueue(Trouble.Invalid);
        var invalid = await PublishAsync(admin, "acme-x", "Dinner is served until nine.");
        Assert.Equal("failed", invalid.Status());
        Assert.Contains("Your Tweet text is too long.", invalid.Reason());

        Assert.Equal("published", (await PublishAsync(admin, "acme-x", "Breakfast from seven.")).Status());
        var duplicate = await PublishAsync(admin, "acme-x", "Breakfast from seven.");
        Assert.Equal("failed", duplicate.Status());
        Assert.Contains("duplicate content", duplicate.Reason());
        Assert.Single(x.Posts);
        Assert.False((await AccountAsync(admin, "acme-x")).GetProperty("publisher").GetProperty("needsReconnect").GetBoolean());
    }

    [Theory]
    [InlineData(Trouble.HangAfterCreate, 1)]
    [InlineData(Trouble.HangBeforeCreate, 0)]
    public async Task A_freeze_while_the_send_hangs_holds_the_post_unconfirmed(Trouble hang, int posts)
    {
        var (x, gateway, admin) = await StartAsync();
        await using var _ = x;
        using var __ = gateway;
        x.Troubles.Enqueue(hang);

        var id = (await admin.SubmitAsync("acme-x", "Sending now.", DateTimeOffset.UtcNow.AddSeconds(1))).GetProperty("id").GetString()!;
        await x.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await admin.FreezeAsync()).StatusCode);

        var post = await admin.GetPostAsync(id);
        Assert.Equal("held", post.Status());
        Assert.True(post.Unconfirmed());
        Assert.Contains("freeze landed", post.Reason());
        // X cannot be asked whether it has the post, so it stays unconfirmed for a person to check, never sent again.
        x.ReleaseHangs();
        await Task.Delay(TimeSpan.FromSeconds(2)); // anything sent again would arrive by now
        Assert.True((await admin.GetPostAsync(id)).Unconfirmed());
        Assert.Equal(posts, x.Posts.Count);
        Assert.Single(x.Requests, r => r.Request == "POST /2/tweets");
    }

    [Fact]
    public async Task Killed_mid_send_the_gateway_restarts_with_the_post_held_unconfirmed_and_never_sends_it_again()
    {
        await using var x = await FakeX.StartAsync();

        var post = await KillMidSendAsync(x, x.Settings(), "x", "acme-x", new { type = "x", accessToken = x.Token().Access });

        Assert.Equal("held", post.Status());
        Assert.True(post.Unconfirmed());
        Assert.Single(x.Posts);
        Assert.Single(x.Requests, r => r.Request == "POST /2/tweets");
    }

    [Fact]
    public async Task Connecting_through_OAuth_stores_a_token_that_publishes_and_renews_and_no_token_leaks()
    {
        const string secret = "x-client-secret";
        await using var x = await FakeX.StartAsync(clientSecret: secret);
        using var gateway = new TestGateway(settings: x.Settings(secret));
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme-x", publisher: new { type = "x" });
        var account = (await gateway.Service<AccountStore>().GetAsync("acme-x"))!;
        var authorization = gateway.Service<XAuthorization>();
        var redirect = new Uri("https://gateway.example/connect/callback");
        var (verifier, challenge) = Pkce();

        var begun = await authorization.BeginAsync(account, redirect, "state-123", challenge, CancellationToken.None);
        Assert.Contains("scope=tweet.read%20tweet.write%20users.read%20offline.access%20media.write", begun.Url.Query);
        var (back, code, state) = await ConsentAsync(begun.Url);
        Assert.StartsWith(redirect.ToString(), back.ToString());
        Assert.Equal("state-123", state);

        // The code is bound to the verifier: the wrong one gets nothing.
        var wrong = await Assert.ThrowsAsync<PublishException>(() => authorization.CompleteAsync(account, redirect, code, verifier + "x", null, CancellationToken.None));
        Assert.Equal(PublishFailure.Unauthorized, wrong.Failure);
        (back, code, _) = await ConsentAsync(begun.Url);
        var credentials = await authorization.CompleteAsync(account, redirect, code, verifier, null, CancellationToken.None);
        Assert.NotNull(credentials.AccessToken);
        Assert.NotNull(credentials.RefreshToken);
        Assert.InRange(credentials.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddMinutes(110), DateTimeOffset.UtcNow.AddMinutes(121));
        await gateway.Service<ConnectionStore>().SaveAsync("acme-x", credentials, "root", "account.connected", renewal: false, identity: "@" + FakeX.Username);

        Assert.Equal("published", (await PublishAsync(admin, "acme-x", "Connected and posting.")).Status());
        var renewed = (await authorization.RefreshAsync(account, credentials, CancellationToken.None))!;
        Assert.NotEqual(credentials.AccessToken, renewed.AccessToken);
        Assert.NotEqual(credentials.RefreshToken, renewed.RefreshToken);
        Assert.False(x.OAuth.IsValidRefresh(credentials.RefreshToken!));

        Assert.Single(x.Posts);
        Assert.DoesNotContain(secret, back.ToString());
        await AssertNoSecretsAsync(gateway.DataDir, admin, [.. x.OAuth.Issued, secret]);
    }

    [Fact]
    public async Task Without_a_configured_client_connecting_says_which_setting_to_set()
    {
        await using var x = await FakeX.StartAsync();
        var settings = x.Settings();
        settings["Gateway:Publishing:X:ClientId"] = null;
        using var gateway = new TestGateway(settings: settings);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme-x", publisher: new { type = "x" });
        var account = (await gateway.Service<AccountStore>().GetAsync("acme-x"))!;

        var problem = await Assert.ThrowsAsync<ProblemException>(() =>
            gateway.Service<XAuthorization>().BeginAsync(account, new Uri("https://gateway.example/connect/callback"), "s", "c", CancellationToken.None));
        Assert.Contains("Gateway:Publishing:X:ClientId", problem.Message);

        var unconnected = await PublishAsync(admin, "acme-x", "Nobody connected me.");
        Assert.Equal("failed", unconnected.Status());
        Assert.Contains("not connected", unconnected.Reason());
        Assert.Empty(x.Requests);
    }
}

/// <summary>Images to X: POST /2/media/upload, POST /2/media/metadata for the alt text, then media.media_ids on the post.</summary>
public sealed class XMediaTests
{
    [Fact]
    public async Task An_image_is_uploaded_given_its_alt_text_and_attached_to_the_post()
    {
        await using var x = await FakeX.StartAsync();
        var (gateway, admin) = await NetworkHarness.StartAsync(x.Settings(), "x", "acme-x", new { type = "x", accessToken = x.Token().Access });
        using var _ = gateway;
        var (id, stored) = await MediaPublishing.UploadAsync(gateway, admin);

        var post = await MediaPublishing.PublishAsync(admin, "acme-x", "The new shelter.", new { id, alt = "The shelter's front door" });
        Assert.Equal("published", post.GetProperty("status").GetString());

        var attached = Assert.Single(x.Attached[post.GetProperty("publishRef").GetString()!]);
        var media = x.Uploads[attached];
        Assert.Equal("tweet_image", media.Category);
        Assert.Equal("image/jpeg", media.Type);
        Assert.Equal(stored, media.Bytes);
        Assert.Equal("The shelter's front door", media.AltText);
    }

    [Fact]
    public async Task A_token_without_media_write_fails_the_post_before_anything_is_posted()
    {
        await using var x = await FakeX.StartAsync();
        var token = x.OAuth.Issue(FakeX.UserId, ["tweet.read", "tweet.write", "users.read"], null, false).Access;
        var (gateway, admin) = await NetworkHarness.StartAsync(x.Settings(), "x", "acme-x", new { type = "x", accessToken = token });
        using var _ = gateway;
        var (id, _) = await MediaPublishing.UploadAsync(gateway, admin);

        var post = await MediaPublishing.PublishAsync(admin, "acme-x", "The new shelter.", new { id, alt = "The door" });
        Assert.NotEqual("published", post.GetProperty("status").GetString());
        Assert.Empty(x.Posts);
        Assert.Empty(x.Uploads);
    }
}

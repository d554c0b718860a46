using System.Net;
using System.Text;
using System.Text.Json;
using Gateway.Accounts;
using Gateway.Publishing;
using Gateway.Tests.Fakes;
using Gateway.Tests.Support;
using Gateway.Users;
using Xunit.Abstractions;
using static Gateway.Tests.Fakes.FakeBluesky;

namespace Gateway.Tests.Networks;

/// <summary>
/// A whole gateway publishing to the fake PDS: what reaches it, how often, and what the gateway then says about the
/// post and the account.
/// </summary>
public sealed class BlueskyPublisherTests(ITestOutputHelper output)
{
    private const string CreateRecord = "com.atproto.repo.createRecord";
    private const string GetRecord = "com.atproto.repo.getRecord";

    private static async Task<(TestGateway Gateway, HttpClient Admin)> StartAsync(FakeBluesky fake, string? appPassword = null, Dictionary<string, string?>? settings = null)
    {
        var gateway = new TestGateway(settings: settings);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme", network: "bluesky",
            publisher: new { type = "bluesky", service = fake.Url, handle = fake.Handle, appPassword = appPassword ?? fake.AppPassword });
        return (gateway, admin);
    }

    private static async Task<string> PublishAsync(HttpClient admin, string body, params string[] until)
    {
        var id = (await admin.SubmitAsync("acme", body, DateTimeOffset.UtcNow.AddSeconds(1))).GetProperty("id").GetString()!;
        await admin.WaitForStatusAsync(id, until.Length > 0 ? until : ["published", "failed", "held"]);
        return id;
    }

    private void Report(string scenario, FakeBluesky fake, JsonElement post) =>
        output.WriteLine($"{scenario}: records {fake.Records.Count}, createRecord calls {fake.Calls(CreateRecord)}, getRecord calls {fake.Calls(GetRecord)}, " +
            $"status {post.GetProperty("status").GetString()} ({post.GetProperty("statusReason")})");

    [Fact]
    public async Task Published_once_with_its_at_uri_and_bluesky_url_stored()
    {
        await using var fake = await FakeBluesky.StartAsync();
        fake.Handles["vugd.bsky.social"] = "did:plc:vugd";
        var (gateway, admin) = await StartAsync(fake);
        using var _ = gateway;

        var id = await PublishAsync(admin, "**Storm update**: stores open as usual. [Details](https://example.org/storm) via @vugd.bsky.social #Storm");
        var post = await admin.GetPostAsync(id);
        Report("published", fake, post);
        Assert.Equal("published", post.GetProperty("status").GetString());

        var record = Assert.Single(fake.Records);
        Assert.Equal("Storm update: stores open as usual. Details https://example.org/storm via @vugd.bsky.social #Storm", record.Text);
        Assert.Equal(Post, record.Value.GetProperty("$type").GetString());
        Assert.Equal(["en"], record.Value.GetProperty("langs").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(3, record.Value.GetProperty("facets").GetArrayLength());
        Assert.Equal($"at://{fake.Did}/{Post}/{record.Rkey}", post.GetProperty("publishRef").GetString());
        Assert.Equal(record.Uri, post.GetProperty("publishRef").GetString());
        Assert.Equal($"https://bsky.app/profile/{fake.Handle}/post/{record.Rkey}", post.GetProperty("publishUrl").GetString());
        Assert.Equal(1, fake.Calls(CreateRecord));
        Assert.Equal(1, fake.Calls("com.atproto.server.createSession"));

        // The session is kept: the next post does not log in again.
        await PublishAsync(admin, "Second update.");
        Assert.Equal(2, fake.Records.Count);
        Assert.Equal(1, fake.Calls("com.atproto.server.createSession"));
    }

    [Fact]
    public async Task Exactly_one_record_across_5xx_retries_a_lost_answer_and_a_taken_record_key()
    {
        await using var fake = await FakeBluesky.StartAsync();
        // 1: a 500 before creating; 2: created, the answer lost, and the lookup after it fails; 3: the key is taken (500).
        fake.CreateRecordFault = n => n switch { 1 => Fault.ServerError, 2 => Fault.DropAfterCreating, _ => Fault.None };
        fake.GetRecordFault = n => n <= 2 ? Fault.ServerError : Fault.None;
        var (gateway, admin) = await StartAsync(fake);
        using var _ = gateway;

        var id = await PublishAsync(admin, "Storm update: stores open as usual.");
        var post = await admin.GetPostAsync(id);
        Report("5xx + lost answer", fake, post);

        Assert.Equal("published", post.GetProperty("status").GetString());
        var record = Assert.Single(fake.Records);
        Assert.Equal(record.Uri, post.GetProperty("publishRef").GetString());
        Assert.Equal(3, fake.Calls(CreateRecord)); // the third met the taken key and was settled by getRecord
        Assert.Equal(3, fake.Calls(GetRecord));
        var retries = await (await admin.GetAsync($"/api/audit?subject={id}&action=post.publish-retry")).ReadJsonAsync();
        Assert.Equal(2, retries.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_rate_limit_is_waited_out_by_its_ratelimit_reset_and_published_once()
    {
        await using var fake = await FakeBluesky.StartAsync();
        fake.CreateRecordFault = n => n == 1 ? Fault.RateLimited : Fault.None;
        var (gateway, admin) = await StartAsync(fake);
        using var _ = gateway;

        var id = await PublishAsync(admin, "Storm update.");
        var post = await admin.GetPostAsync(id);
        Report("429", fake, post);
        Assert.Equal("published", post.GetProperty("status").GetString());
        Assert.Single(fake.Records);
        Assert.Equal(2, fake.Calls(CreateRecord));
    }

    [Fact]
    public async Task A_rate_limit_beyond_the_grace_holds_the_post_unsent()
    {
        await using var fake = await FakeBluesky.StartAsync();
        fake.RateLimitReset = TimeSpan.FromMinutes(15);
        fake.CreateRecordFault = n => n == 1 ? Fault.RateLimited : Fault.None;
        var (gateway, admin) = await StartAsync(fake);
        using var _ = gateway;

        var id = await PublishAsync(admin, "Storm update.");
        var post = await admin.GetPostAsync(id);
        Report("429 beyond grace", fake, post);
        Assert.Equal("held", post.GetProperty("status").GetString());
        Assert.False(post.TryGetProperty("unconfirmed", out var u) && u.GetBoolean());
        Assert.Contains("rate-limiting", post.GetProperty("statusReason").GetString());
        Assert.Empty(fake.Records);
        Assert.Equal(1, fake.Calls(CreateRecord));
    }

    [Theory]
    [InlineData(Fault.HangAfterCreating, 1)]
    [InlineData(Fault.Hang, 2)]
    public async Task A_send_that_times_out_is_settled_by_its_record_key_and_makes_exactly_one_record(Fault hang, int creates)
    {
        await using var fake = await FakeBluesky.StartAsync();
        fake.CreateRecordFault = n => n == 1 ? hang : Fault.None;
        var (gateway, admin) = await StartAsync(fake, settings: new() { ["Gateway:Publishing:Timeout"] = "00:00:01" });
        using var _ = gateway;

        var id = await PublishAsync(admin, "Storm update: stores open as usual.");
        var post = await admin.GetPostAsync(id);
        Report($"timeout ({hang})", fake, post);
        Assert.Equal("published", post.GetProperty("status").GetString());
        var record = Assert.Single(fake.Records);
        Assert.Equal(record.Uri, post.GetProperty("publishRef").GetString());
        // Created before the timeout: found by getRecord, not sent again; not created: getRecord says so, sent again.
        Assert.Equal(creates, fake.Calls(CreateRecord));
    }

    [Fact]
    public async Task A_record_the_pds_refuses_fails_the_post_quoting_it()
    {
        await using var fake = await FakeBluesky.StartAsync();
        fake.CreateRecordFault = _ => Fault.Invalid;
        var (gateway, admin) = await StartAsync(fake);
        using var _ = gateway;

        var id = await PublishAsync(admin, "Storm update.");
        var post = await admin.GetPostAsync(id);
        Report("validation 400", fake, post);
        Assert.Equal("failed", post.GetProperty("status").GetString());
        Assert.Contains("Record/text must not be longer than 300 graphemes", post.GetProperty("statusReason").GetString());
        Assert.Empty(fake.Records);
        Assert.Equal(1, fake.Calls(CreateRecord));
        Assert.False((await (await admin.GetAsync("/api/accounts/acme")).ReadJsonAsync()).GetProperty("publisher").GetProperty("needsReconnect").GetBoolean());
    }

    [Fact]
    public async Task An_expired_access_token_is_refreshed_once_for_posts_that_meet_it_together()
    {
        await using var fake = await FakeBluesky.StartAsync();
        var (gateway, admin) = await StartAsync(fake);
        using var _ = gateway;
        await PublishAsync(admin, "First.");

        fake.ExpireAccessTokens();
        var at = DateTimeOffset.UtcNow.AddSeconds(1);
        var ids = new[]
        {
            (await admin.SubmitAsync("acme", "Second.", at)).GetProperty("id").GetString()!,
            (await admin.SubmitAsync("acme", "Third.", at)).GetProperty("id").GetString()!,
        };
        foreach (var id in ids)
        {
            Assert.Equal("published", await admin.WaitForStatusAsync(id, "published", "failed", "held"));
        }
        Report("expired access token", fake, await admin.GetPostAsync(ids[1]));

        Assert.Equal(3, fake.Records.Count);
        Assert.Equal(1, fake.Calls("com.atproto.server.refreshSession"));
        Assert.Equal(1, fake.Calls("com.atproto.server.createSession"));
        Assert.Equal(3, fake.Records.Select(r => r.Text).Distinct().Count());
    }

    [Fact]
    public async Task When_the_refresh_token_is_spent_too_a_new_session_is_made_from_the_app_password()
    {
        await using var fake = await FakeBluesky.StartAsync();
        var (gateway, admin) = await StartAsync(fake);
        using var _ = gateway;
        await PublishAsync(admin, "First.");

        fake.ExpireAllTokens();
        var id = await PublishAsync(admin, "Second.");
        var post = await admin.GetPostAsync(id);
        Report("expired refresh token", fake, post);

        Assert.Equal("published", post.GetProperty("status").GetString());
        Assert.Equal(2, fake.Records.Count);
        Assert.Equal(1, fake.Calls("com.atproto.server.refreshSession"));
        Assert.Equal(2, fake.Calls("com.atproto.server.createSession"));
    }

    [Fact]
    public async Task A_wrong_app_password_fails_the_post_and_marks_the_account_for_reconnecting()
    {
        await using var fake = await FakeBluesky.StartAsync();
        var (gateway, admin) = await StartAsync(fake, appPassword: "wrong-pass-word-0000");
        using var _ = gateway;

        var id = await PublishAsync(admin, "Storm update.");
        var post = await admin.GetPostAsync(id);
        Report("wrong app password", fake, post);

        Assert.Equal("failed", post.GetProperty("status").GetString());
        Assert.Contains("reconnect", post.GetProperty("statusReason").GetString());
        Assert.Contains("Invalid identifier or password", post.GetProperty("statusReason").GetString());
        Assert.Empty(fake.Records);
        Assert.Equal(0, fake.Calls(CreateRecord));
        Assert.Equal(1, fake.Calls("com.atproto.server.createSession")); // a refused password is not tried again
        var account = await (await admin.GetAsync("/api/accounts/acme")).ReadJsonAsync();
        Assert.True(account.GetProperty("publisher").GetProperty("needsReconnect").GetBoolean());

        var bluesky = (IConnectionCheck)gateway.Service<IEnumerable<IPublisher>>().Single(p => p.Type == "bluesky");
        var e = await Assert.ThrowsAsync<PublishException>(async () => await bluesky.VerifyAsync((await gateway.Service<AccountStore>().GetAsync("acme"))!, CancellationToken.None));
        Assert.Equal(PublishFailure.Unauthorized, e.Failure);
    }

    [Fact]
    public async Task The_connection_check_names_the_handle_and_did()
    {
        await using var fake = await FakeBluesky.StartAsync();
        var (gateway, _) = await StartAsync(fake);
        using var __ = gateway;

        var bluesky = (IConnectionCheck)gateway.Service<IEnumerable<IPublisher>>().Single(p => p.Type == "bluesky");
        var account = (await gateway.Service<AccountStore>().GetAsync("acme"))!;
        Assert.Equal($"@{fake.Handle} ({fake.Did})", await bluesky.VerifyAsync(account, CancellationToken.None));
        Assert.Equal(1, fake.Calls("com.atproto.server.getSession"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_freeze_while_the_send_hangs_holds_it_unconfirmed_and_getRecord_settles_it(bool created)
    {
        await using var fake = await FakeBluesky.StartAsync();
        fake.CreateRecordFault = _ => created ? Fault.HangAfterCreating : Fault.Hang;
        var (gateway, admin) = await StartAsync(fake);
        using var _ = gateway;

        var id = (await admin.SubmitAsync("acme", "Sending…", DateTimeOffset.UtcNow.AddSeconds(1))).GetProperty("id").GetString()!;
        await Eventually.WaitForAsync(() => Task.FromResult(fake.Calls(CreateRecord)), n => n == 1, "createRecord to be called");
        Assert.Equal(HttpStatusCode.OK, (await admin.FreezeAsync()).StatusCode);

        await admin.WaitForStatusAsync(id, created ? "published" : "held");
        var post = await admin.GetPostAsync(id);
        Report(created ? "freeze, record created" : "freeze, not created", fake, post);
        Assert.Equal(created ? 1 : 0, fake.Records.Count);
        Assert.Equal(1, fake.Calls(CreateRecord));
        var audit = await (await admin.GetAsync($"/api/audit?subject={id}")).ReadJsonAsync();
        var actions = audit.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("action").GetString()).ToArray();
        Assert.Contains("post.held", actions); // held unconfirmed first
        if (created)
        {
            Assert.Equal(fake.Records[0].Uri, post.GetProperty("publishRef").GetString());
        }
        else
        {
            Assert.Contains("post.unsent", actions);
            Assert.Contains("never received", post.GetProperty("statusReason").GetString());
        }
    }

    [Fact]
    public async Task Facet_byte_offsets_are_right_after_emoji_and_non_latin_text()
    {
        await using var fake = await FakeBluesky.StartAsync();
        fake.Handles["vugd.bsky.social"] = "did:plc:vugd";
        var (gateway, admin) = await StartAsync(fake, settings: new() { ["Gateway:Links:Enabled"] = "false" });
        using var _ = gateway;

        await PublishAsync(admin, "👨‍👩‍👧‍👦👋🏽 **Ārkārtas situācija** Rīgā, 東京, Привет: [jaunumi](https://vugd.gov.lv/jaunumi) @vugd.bsky.social #Rīga");
        var record = Assert.Single(fake.Records);
        var bytes = Encoding.UTF8.GetBytes(record.Text);
        var covered = record.Value.GetProperty("facets").EnumerateArray()
            .Select(f => (
                Text: Encoding.UTF8.GetString(bytes[f.GetProperty("index").GetProperty("byteStart").GetInt32()..f.GetProperty("index").GetProperty("byteEnd").GetInt32()]),
                Feature: f.GetProperty("features")[0]))
            .ToArray();
        output.WriteLine(string.Join(" | ", covered.Select(c => $"{c.Text} → {c.Feature}")));

        Assert.Equal(["https://vugd.gov.lv/jaunumi", "@vugd.bsky.social", "#Rīga"], covered.Select(c => c.Text));
        Assert.Equal("https://vugd.gov.lv/jaunumi", covered[0].Feature.GetProperty("uri").GetString());
        Assert.Equal("did:plc:vugd", covered[1].Feature.GetProperty("did").GetString());
        Assert.Equal("Rīga", covered[2].Feature.GetProperty("tag").GetString());
    }

    [Fact]
    public async Task A_post_the_pds_would_refuse_as_too_long_is_not_sent_and_says_why()
    {
        await using var fake = await FakeBluesky.StartAsync();
        var (gateway, admin) = await StartAsync(fake);
        using var _ = gateway;

        // Under the gateway's own bound, over Bluesky's 300 graphemes; the length check holds it for review, so the
        // publisher is asked directly, as a post approved past that finding would be.
        var bluesky = gateway.Service<IEnumerable<IPublisher>>().Single(p => p.Type == "bluesky");
        var account = (await gateway.Service<AccountStore>().GetAsync("acme"))!;
        var now = DateTimeOffset.UtcNow;
        var post = new Gateway.Posts.Post("long", "acme", "root", new string('a', 301), Gateway.Posts.PostStatus.Publishing, null, now, [], now, now, null, null, 1);
        var e = await Assert.ThrowsAsync<PublishException>(() => bluesky.PublishAsync(post, account, now, CancellationToken.None));
        Assert.Equal(PublishFailure.Rejected, e.Failure);
        Assert.Contains("301 characters", e.Message);
        Assert.Equal(0, fake.Calls(CreateRecord));
    }

    [Fact]
    public async Task The_app_password_and_session_tokens_are_in_no_answer_and_no_data_file()
    {
        await using var fake = await FakeBluesky.StartAsync();
        var (gateway, admin) = await StartAsync(fake);
        string[] answers;
        using (gateway)
        {
            var first = await PublishAsync(admin, "First.");
            fake.ExpireAccessTokens();
            var second = await PublishAsync(admin, "Second.");
            fake.ExpireAllTokens();
            await PublishAsync(admin, "Third.");
            Assert.Equal(3, fake.Records.Count);
            answers = await Task.WhenAll(new[] { "/api/accounts", "/api/accounts/acme", $"/api/posts/{first}", $"/api/posts/{second}", "/api/posts", "/api/audit?limit=1000" }
                .Select(async url => await (await admin.GetAsync(url)).Content.ReadAsStringAsync()));
        }

        string[] secrets = [fake.AppPassword, .. fake.IssuedTokens];
        Assert.Equal(1 + 2 * 3, secrets.Length); // three sessions: created, refreshed, created again
        foreach (var secret in secrets)
        {
            Assert.All(answers, a => Assert.DoesNotContain(secret, a));
        }
        var files = Directory.EnumerateFiles(gateway.DataDir, "*", SearchOption.AllDirectories).ToArray();
        Assert.Contains(files, f => f.EndsWith("gateway.db"));
        foreach (var file in files)
        {
            var content = await File.ReadAllBytesAsync(file);
            foreach (var secret in secrets)
            {
                Assert.True(content.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"{Path.GetFileName(file)} holds a secret");
                Assert.True(content.AsSpan().IndexOf(Encoding.Unicode.GetBytes(secret)) < 0, $"{Path.GetFileName(file)} holds a secret (UTF-16)");
            }
        }
    }

    [Fact]
    public async Task Kill_9_while_the_pds_holds_the_created_post_leaves_exactly_one_record_and_the_post_published()
    {
        await using var fake = await FakeBluesky.StartAsync();
        fake.CreateRecordFault = n => n == 1 ? Fault.HangAfterCreating : Fault.None;
        var dataDir = Path.Combine(Path.GetTempPath(), "crisis-gateway-tests", "bluesky-kill-" + Guid.NewGuid().ToString("N"));
        var schedulerName = "bluesky-kill-" + Path.GetFileName(dataDir);
        string token;
        using (var seeder = new TestGateway(dataDir, new() { ["Gateway:SchedulerName"] = schedulerName }))
        {
            (_, token) = await seeder.Service<UserStore>().CreateAsync("root", "admin", "test");
            await seeder.ClientWithToken(token).CreateAccountAsync("acme", network: "bluesky",
                publisher: new { type = "bluesky", service = fake.Url, handle = fake.Handle, appPassword = fake.AppPassword });
        }
        var gateway = new GatewayProcess(dataDir, schedulerName, new Dictionary<string, string> { ["Gateway:Publishing:AllowPrivateAddresses"] = "true" });
        await gateway.StartAsync();
        try
        {
            using var http = gateway.Client(token);
            var id = (await http.SubmitAsync("acme", "Storm update: stores open as usual.", DateTimeOffset.UtcNow.AddSeconds(2))).GetProperty("id").GetString()!;
            await Eventually.WaitForAsync(() => Task.FromResult(fake.Records.Count), n => n == 1, "the PDS to create the record (and hang)");
            gateway.Kill();
            await gateway.StartAsync();

            Assert.Equal("published", await http.WaitForStatusAsync(id, "published", "failed"));
            var post = await http.GetPostAsync(id);
            Report("kill -9 mid-send", fake, post);
            var record = Assert.Single(fake.Records);
            Assert.Equal(record.Uri, post.GetProperty("publishRef").GetString());
            Assert.Equal(1, fake.Calls(CreateRecord)); // settled by asking, not by sending again
            Assert.True(fake.Calls(GetRecord) >= 1);
        }
        finally
        {
            gateway.Kill();
        }
    }
}

/// <summary>Images to Bluesky: uploadBlob, then app.bsky.embed.images with alt text and aspect ratio.</summary>
public sealed class BlueskyMediaTests
{
    private static async Task<(TestGateway Gateway, HttpClient Admin)> StartAsync(FakeBluesky fake)
    {
        var gateway = new TestGateway();
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme", network: "bluesky",
            publisher: new { type = "bluesky", service = fake.Url, handle = fake.Handle, appPassword = fake.AppPassword });
        return (gateway, admin);
    }

    [Fact]
    public async Task An_image_is_uploaded_as_a_blob_and_embedded_with_its_alt_text_and_aspect_ratio()
    {
        await using var fake = await FakeBluesky.StartAsync();
        var (gateway, admin) = await StartAsync(fake);
        using var _ = gateway;
        var (id, stored) = await MediaPublishing.UploadAsync(gateway, admin, 64, 48);

        var post = await MediaPublishing.PublishAsync(admin, "acme", "The new shelter.", new { id, alt = "The shelter's front door" });
        Assert.Equal("published", post.GetProperty("status").GetString());

        var record = Assert.Single(fake.Records);
        var embed = record.Value.GetProperty("embed");
        Assert.Equal("app.bsky.embed.images", embed.GetProperty("$type").GetString());
        var image = Assert.Single(embed.GetProperty("images").EnumerateArray());
        Assert.Equal("The shelter's front door", image.GetProperty("alt").GetString());
        Assert.Equal(64, image.GetProperty("aspectRatio").GetProperty("width").GetInt32());
        Assert.Equal(48, image.GetProperty("aspectRatio").GetProperty("height").GetInt32());
        var blob = fake.Blobs[image.GetProperty("image").GetProperty("ref").GetProperty("$link").GetString()!];
        Assert.Equal("image/jpeg", blob.MimeType);
        Assert.Equal(stored, blob.Bytes);
    }

    [Fact]
    public async Task A_lost_answer_after_the_record_is_made_leaves_one_post_and_one_blob()
    {
        await using var fake = await FakeBluesky.StartAsync();
        fake.CreateRecordFault = n => n == 1 ? Fault.DropAfterCreating : Fault.None;
        var (gateway, admin) = await StartAsync(fake);
        using var _ = gateway;
        var (id, _) = await MediaPublishing.UploadAsync(gateway, admin);

        var post = await MediaPublishing.PublishAsync(admin, "acme", "The new shelter.", new { id, alt = "The door" });
        Assert.Equal("published", post.GetProperty("status").GetString());
        Assert.Single(fake.Records);
        Assert.Single(fake.Blobs); // content-addressed: uploading it again is the same blob
    }
}

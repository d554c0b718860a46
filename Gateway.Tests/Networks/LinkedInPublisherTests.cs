using System.Net;
using Gateway.Accounts;
using Gateway.Publishing;
using Gateway.Publishing.LinkedIn;
using Gateway.Rules.Text;
using Gateway.Tests.Fakes;
using Gateway.Tests.Support;
using static Gateway.Tests.Networks.NetworkHarness;

namespace Gateway.Tests.Networks;

/// <summary>The LinkedIn publisher through a whole gateway against <see cref="FakeLinkedIn"/>: every way a send ends, and never twice.</summary>
public sealed class LinkedInPublisherTests
{
    private const string OrganizationUrn = "urn:li:organization:" + FakeLinkedIn.Organization;

    private static async Task<(FakeLinkedIn LinkedIn, TestGateway Gateway, HttpClient Admin)> StartAsync(Dictionary<string, string?>? settings = null, string author = OrganizationUrn)
    {
        var linkedIn = await FakeLinkedIn.StartAsync();
        var all = linkedIn.Settings();
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }
        var (gateway, admin) = await NetworkHarness.StartAsync(all, "linkedin", "acme-li", new { type = "linkedin", author, accessToken = linkedIn.Token().Access });
        return (linkedIn, gateway, admin);
    }

    private static int Creates(FakeLinkedIn linkedIn) => linkedIn.Requests.Count(r => r.Request == "POST /rest/posts");

    [Fact]
    public async Task A_post_is_published_once_as_the_organization_with_its_urn_and_address_and_its_text_intact()
    {
        var (linkedIn, gateway, admin) = await StartAsync();
        await using var _ = linkedIn;
        using var __ = gateway;
        // Every little-text reserved character, which LinkedIn would cut the post at unless escaped.
        const string markdown = "Shelters (north|south) open: see [the map](https://example.org/a_b?x=1) \\<today\\> \\{9-5\\} \\~ \\* @home #Relief \\# 1 \\\\ done.";

        var post = await PublishAsync(admin, "acme-li", markdown);

        Assert.Equal("published", post.Status());
        var created = Assert.Single(linkedIn.Posts);
        Assert.Equal(PlainText.Render(markdown).Text, created.Text);
        Assert.Equal(OrganizationUrn, created.Author);
        Assert.Equal(created.Id, post.Text("publishRef"));
        Assert.Equal($"https://www.linkedin.com/feed/update/{created.Id}/", post.Text("publishUrl"));
        var account = (await gateway.Service<AccountStore>().GetAsync("acme-li"))!;
        Assert.Equal(FakeLinkedIn.OrganizationName, await gateway.Service<LinkedInPublisher>().VerifyAsync(account, CancellationToken.None));
    }

    [Fact]
    public async Task A_member_posts_as_themself_and_is_named_by_userinfo()
    {
        var (linkedIn, gateway, admin) = await StartAsync(author: "urn:li:person:" + FakeLinkedIn.Member);
        await using var _ = linkedIn;
        using var __ = gateway;

        Assert.Equal("published", (await PublishAsync(admin, "acme-li", "Proud of the team today.")).Status());
        Assert.Equal("urn:li:person:" + FakeLinkedIn.Member, Assert.Single(linkedIn.Posts).Author);
        var account = (await gateway.Service<AccountStore>().GetAsync("acme-li"))!;
        Assert.Equal(FakeLinkedIn.MemberName, await gateway.Service<LinkedInPublisher>().VerifyAsync(account, CancellationToken.None));
    }

    [Fact]
    public async Task A_response_lost_on_a_reused_connection_leaves_one_post_and_the_gateway_holds_it_unconfirmed()
    {
        var (linkedIn, gateway, admin) = await StartAsync();
        await using var _ = linkedIn;
        using var __ = gateway;
        Assert.Equal("published", (await PublishAsync(admin, "acme-li", "First post of the day.")).Status()); // warms a pooled connection

        linkedIn.Troubles.Enqueue(Trouble.CloseAfterCreate);
        var closed = await PublishAsync(admin, "acme-li", "Second post of the day.");
        linkedIn.Troubles.Enqueue(Trouble.DropAfterCreate);
        var reset = await PublishAsync(admin, "acme-li", "Third post of the day.");
        await Task.Delay(TimeSpan.FromSeconds(2)); // anything sent again would arrive by now

        foreach (var post in new[] { closed, reset })
        {
            Assert.Equal("held", post.Status());
            Assert.True(post.Unconfirmed());
            Assert.Contains("dropped the connection", post.Reason());
            Assert.Contains("not sent again", post.Reason());
        }
        Assert.Equal(3, linkedIn.Posts.Count);
        Assert.Equal(3, Creates(linkedIn));
        var posts = linkedIn.Posts.ToArray();
        Assert.Equal(posts[0].Connection, posts[1].Connection); // the clean close came on the reused connection
    }

    [Fact]
    public async Task A_5xx_after_the_post_was_made_and_a_timeout_are_held_unconfirmed_and_not_sent_again()
    {
        var (linkedIn, gateway, admin) = await StartAsync(new() { ["Gateway:Publishing:Timeout"] = "00:00:01" });
        await using var _ = linkedIn;
        using var __ = gateway;

        linkedIn.Troubles.Enqueue(Trouble.ServerErrorAfterCreate);
        var failed = await PublishAsync(admin, "acme-li", "Stores open at nine.");
        linkedIn.Troubles.Enqueue(Trouble.HangAfterCreate);
        var timedOut = await PublishAsync(admin, "acme-li", "Stores open at ten.");

        Assert.Equal("held", failed.Status());
        Assert.True(failed.Unconfirmed());
        Assert.Contains("503", failed.Reason());
        Assert.Equal("held", timedOut.Status());
        Assert.True(timedOut.Unconfirmed());
        Assert.Contains("did not answer in time", timedOut.Reason());
        Assert.Equal(2, linkedIn.Posts.Count);
        Assert.Equal(2, Creates(linkedIn));
    }

    [Fact]
    public async Task A_passing_rate_limit_is_waited_out_and_one_that_lasts_holds_the_post_unsent()
    {
        // LinkedIn's 429 says neither how long nor until when (its limits are daily): the gateway tries again with
        // its back-off while the post is still within its moment.
        var (linkedIn, gateway, admin) = await StartAsync(new() { ["Gateway:Publishing:MaxAttempts"] = "3" });
        await using var _ = linkedIn;
        using var __ = gateway;

        linkedIn.Troubles.Enqueue(Trouble.RateLimited);
        var waited = await PublishAsync(admin, "acme-li", "Doors open at eight.");
        Assert.Equal("published", waited.Status());
        Assert.Equal(1, await RetriesAsync(admin, waited.GetProperty("id").GetString()!));

        for (var i = 0; i < 3; i++)
        {
            linkedIn.Troubles.Enqueue(Trouble.RateLimited);
        }
        var held = await PublishAsync(admin, "acme-li", "Doors open at nine.");
        Assert.Equal("held", held.Status());
        Assert.False(held.Unconfirmed());
        Assert.Contains("APPLICATION DAY limit", held.Reason());
        Assert.Contains("still refused it after 3 tries", held.Reason()); // not its moment: the tries ran out
        Assert.Single(linkedIn.Posts);
        Assert.Equal(2 + 3, Creates(linkedIn));
    }

    [Fact]
    public async Task A_401_without_a_refresh_token_fails_the_post_and_asks_for_a_reconnect()
    {
        var (linkedIn, gateway, admin) = await StartAsync();
        await using var _ = linkedIn;
        using var __ = gateway;
        linkedIn.Troubles.Enqueue(Trouble.Revoked);

        var post = await PublishAsync(admin, "acme-li", "Doors open at noon.");

        Assert.Equal("failed", post.Status());
        Assert.Contains("revoked", post.Reason());
        Assert.Contains("reconnect", post.Reason());
        Assert.Empty(linkedIn.Posts);
        Assert.True((await AccountAsync(admin, "acme-li")).GetProperty("publisher").GetProperty("needsReconnect").GetBoolean());
    }

    [Fact]
    public async Task An_expired_token_with_a_refresh_token_is_renewed_once_and_the_post_published_once()
    {
        var (linkedIn, gateway, admin) = await StartAsync();
        await using var _ = linkedIn;
        using var __ = gateway;
        var (expired, refresh) = linkedIn.Token(lifetime: TimeSpan.FromSeconds(-1), refresh: true);
        // Known to have expired: renewed before the send, so LinkedIn sees one post request.
        await gateway.Service<ConnectionStore>().SaveAsync("acme-li",
            new Credentials { AccessToken = expired, RefreshToken = refresh, ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-1) }, "root", "account.connected", renewal: false);

        var post = await PublishAsync(admin, "acme-li", "Lunch is served until two.");

        Assert.Equal("published", post.Status());
        Assert.Single(linkedIn.Posts);
        Assert.Equal(1, Creates(linkedIn));
        Assert.Equal(1, linkedIn.OAuth.Refreshes);
        var stored = (await gateway.Service<ConnectionStore>().GetAsync("acme-li"))!;
        Assert.Equal(refresh, stored.RefreshToken); // LinkedIn keeps it
        Assert.NotEqual(expired, stored.AccessToken);
        Assert.True(stored.ExpiresAt > DateTimeOffset.UtcNow.AddDays(59));
        Assert.True(stored.RefreshExpiresAt > DateTimeOffset.UtcNow.AddDays(364));

        // Expired unannounced: the 401 proves nothing was made, so it is renewed and sent again.
        linkedIn.OAuth.Revoke(stored.AccessToken!);
        Assert.Equal("published", (await PublishAsync(admin, "acme-li", "Dinner is served until nine.")).Status());
        Assert.Equal(2, linkedIn.Posts.Count);
        Assert.Equal(3, Creates(linkedIn));
        Assert.Equal(2, linkedIn.OAuth.Refreshes);
        await AssertNoSecretsAsync(gateway.DataDir, admin, linkedIn.OAuth.Issued);
    }

    [Fact]
    public async Task Refusals_fail_the_post_quoting_LinkedIn()
    {
        var (linkedIn, gateway, admin) = await StartAsync();
        await using var _ = linkedIn;
        using var __ = gateway;

        linkedIn.Troubles.Enqueue(Trouble.Invalid);
        var invalid = await PublishAsync(admin, "acme-li", "Breakfast from seven.");
        Assert.Equal("failed", invalid.Status());
        Assert.Contains("ERROR :: /commentary :: Commentary is not valid", invalid.Reason());

        Assert.Equal("published", (await PublishAsync(admin, "acme-li", "Breakfast from eight.")).Status());
        var duplicate = await PublishAsync(admin, "acme-li", "Breakfast from eight.");
        Assert.Equal("failed", duplicate.Status());
        Assert.Contains("Content is a duplicate of " + linkedIn.Posts.Single().Id, duplicate.Reason());
        Assert.False((await AccountAsync(admin, "acme-li")).GetProperty("publisher").GetProperty("needsReconnect").GetBoolean());
    }

    [Fact]
    public async Task A_version_LinkedIn_does_not_serve_fails_the_post_with_its_words()
    {
        var (linkedIn, gateway, admin) = await StartAsync(new() { ["Gateway:Publishing:LinkedIn:Version"] = "2025-11" });
        await using var _ = linkedIn;
        using var __ = gateway;

        var post = await PublishAsync(admin, "acme-li", "Versioned.");

        Assert.Equal("failed", post.Status());
        Assert.Contains("Requested version 2025-11 is not active", post.Reason());
        Assert.Empty(linkedIn.Posts);
    }

    [Theory]
    [InlineData(Trouble.HangAfterCreate, 1)]
    [InlineData(Trouble.HangBeforeCreate, 0)]
    public async Task A_freeze_while_the_send_hangs_holds_the_post_unconfirmed(Trouble hang, int posts)
    {
        var (linkedIn, gateway, admin) = await StartAsync();
        await using var _ = linkedIn;
        using var __ = gateway;
        linkedIn.Troubles.Enqueue(hang);

        var id = (await admin.SubmitAsync("acme-li", "Sending now.", DateTimeOffset.UtcNow.AddSeconds(1))).GetProperty("id").GetString()!;
        await linkedIn.Hanging.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await admin.FreezeAsync()).StatusCode);

        var post = await admin.GetPostAsync(id);
        Assert.Equal("held", post.Status());
        Assert.True(post.Unconfirmed());
        Assert.Contains("freeze landed", post.Reason());
        // LinkedIn cannot be asked whether it has the post, so it stays unconfirmed for a person to check, never sent again.
        linkedIn.ReleaseHangs();
        await Task.Delay(TimeSpan.FromSeconds(2)); // anything sent again would arrive by now
        Assert.True((await admin.GetPostAsync(id)).Unconfirmed());
        Assert.Equal(posts, linkedIn.Posts.Count);
        Assert.Equal(1, Creates(linkedIn));
    }

    [Fact]
    public async Task Killed_mid_send_the_gateway_restarts_with_the_post_held_unconfirmed_and_never_sends_it_again()
    {
        await using var linkedIn = await FakeLinkedIn.StartAsync();

        var post = await KillMidSendAsync(linkedIn, linkedIn.Settings(), "linkedin", "acme-li",
            new { type = "linkedin", author = OrganizationUrn, accessToken = linkedIn.Token().Access });

        Assert.Equal("held", post.Status());
        Assert.True(post.Unconfirmed());
        Assert.Single(linkedIn.Posts);
        Assert.Equal(1, Creates(linkedIn));
    }

    [Fact]
    public async Task Connecting_through_OAuth_stores_a_token_that_publishes_and_renews_and_no_token_leaks()
    {
        await using var linkedIn = await FakeLinkedIn.StartAsync();
        using var gateway = new TestGateway(settings: linkedIn.Settings());
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme-li", "linkedin", publisher: new { type = "linkedin", author = OrganizationUrn });
        var account = (await gateway.Service<AccountStore>().GetAsync("acme-li"))!;
        var authorization = gateway.Service<LinkedInAuthorization>();
        var redirect = new Uri("https://gateway.example/connect/callback");
        var (verifier, challenge) = Pkce();

        var begun = await authorization.BeginAsync(account, redirect, "state-456", challenge, CancellationToken.None);
        Assert.StartsWith(linkedIn.Url + "/oauth/v2/authorization?", begun.Url.ToString());
        Assert.Contains("scope=w_organization_social%20rw_organization_admin", begun.Url.Query);
        var (back, code, state) = await ConsentAsync(begun.Url);
        Assert.StartsWith(redirect.ToString(), back.ToString());
        Assert.Equal("state-456", state);
        var credentials = await authorization.CompleteAsync(account, redirect, code, verifier, null, CancellationToken.None);
        Assert.NotNull(credentials.RefreshToken);
        Assert.InRange(credentials.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddDays(59), DateTimeOffset.UtcNow.AddDays(61));
        Assert.InRange(credentials.RefreshExpiresAt!.Value, DateTimeOffset.UtcNow.AddDays(364), DateTimeOffset.UtcNow.AddDays(366));
        await gateway.Service<ConnectionStore>().SaveAsync("acme-li", credentials, "root", "account.connected", renewal: false, identity: FakeLinkedIn.OrganizationName);

        Assert.Equal("published", (await PublishAsync(admin, "acme-li", "Connected and posting.")).Status());
        var renewed = (await authorization.RefreshAsync(account, credentials, CancellationToken.None))!;
        Assert.NotEqual(credentials.AccessToken, renewed.AccessToken);
        Assert.Equal(credentials.RefreshToken, renewed.RefreshToken);
        Assert.True(renewed.RefreshExpiresAt <= credentials.RefreshExpiresAt); // the refresh token's year is not renewed

        Assert.Single(linkedIn.Posts);
        await AssertNoSecretsAsync(gateway.DataDir, admin, [.. linkedIn.OAuth.Issued, FakeLinkedIn.ClientSecret]);
    }

    [Fact]
    public async Task Without_a_configured_client_connecting_says_which_settings_to_set()
    {
        await using var linkedIn = await FakeLinkedIn.StartAsync();
        var settings = linkedIn.Settings();
        settings["Gateway:Publishing:LinkedIn:ClientSecret"] = null;
        using var gateway = new TestGateway(settings: settings);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme-li", "linkedin", publisher: new { type = "linkedin", author = OrganizationUrn });
        var account = (await gateway.Service<AccountStore>().GetAsync("acme-li"))!;

        var problem = await Assert.ThrowsAsync<ProblemException>(() =>
            gateway.Service<LinkedInAuthorization>().BeginAsync(account, new Uri("https://gateway.example/connect/callback"), "s", "c", CancellationToken.None));
        Assert.Contains("Gateway:Publishing:LinkedIn:ClientSecret", problem.Message);
    }
}

/// <summary>Images to LinkedIn: the Images API (initializeUpload, then PUT the bytes), then content.media or content.multiImage.</summary>
public sealed class LinkedInMediaTests
{
    private static async Task<(FakeLinkedIn LinkedIn, TestGateway Gateway, HttpClient Admin)> StartAsync()
    {
        var linkedIn = await FakeLinkedIn.StartAsync();
        var (gateway, admin) = await NetworkHarness.StartAsync(linkedIn.Settings(), "linkedin", "acme-li",
            new { type = "linkedin", author = "urn:li:organization:" + FakeLinkedIn.Organization, accessToken = linkedIn.Token().Access });
        return (linkedIn, gateway, admin);
    }

    [Fact]
    public async Task One_image_is_uploaded_for_the_organization_and_posted_as_content_media_with_its_alt_text()
    {
        var (linkedIn, gateway, admin) = await StartAsync();
        await using var _ = linkedIn;
        using var __ = gateway;
        var (id, stored) = await MediaPublishing.UploadAsync(gateway, admin);

        var post = await MediaPublishing.PublishAsync(admin, "acme-li", "The new shelter.", new { id, alt = "The shelter's front door" });
        Assert.Equal("published", post.GetProperty("status").GetString());

        var urn = post.GetProperty("publishRef").GetString()!;
        var media = linkedIn.Contents[urn].GetProperty("media");
        Assert.Equal("The shelter's front door", media.GetProperty("altText").GetString());
        var image = linkedIn.Images[media.GetProperty("id").GetString()!];
        Assert.Equal("urn:li:organization:" + FakeLinkedIn.Organization, image.Owner);
        Assert.Equal(stored, image.Bytes);
        Assert.Equal(["POST /rest/images", "PUT /dms-uploads/" + image.UploadToken, "POST /rest/posts"],
            linkedIn.Requests.Select(r => r.Request).Where(r => !r.Contains("oauth", StringComparison.Ordinal) && !r.Contains("userinfo", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Two_images_are_a_multi_image_post_in_order()
    {
        var (linkedIn, gateway, admin) = await StartAsync();
        await using var _ = linkedIn;
        using var __ = gateway;
        var (first, firstBytes) = await MediaPublishing.UploadAsync(gateway, admin, 64, 48);
        var (second, secondBytes) = await MediaPublishing.UploadAsync(gateway, admin, 20, 40);

        var post = await MediaPublishing.PublishAsync(admin, "acme-li", "Two photos.", new { id = first, alt = "Front door" }, new { id = second, alt = "Blankets" });
        Assert.Equal("published", post.GetProperty("status").GetString());
        var images = linkedIn.Contents[post.GetProperty("publishRef").GetString()!].GetProperty("multiImage").GetProperty("images").EnumerateArray().ToArray();
        Assert.Equal(["Front door", "Blankets"], images.Select(i => i.GetProperty("altText").GetString()));
        Assert.Equal(firstBytes, linkedIn.Images[images[0].GetProperty("id").GetString()!].Bytes);
        Assert.Equal(secondBytes, linkedIn.Images[images[1].GetProperty("id").GetString()!].Bytes);
    }
}

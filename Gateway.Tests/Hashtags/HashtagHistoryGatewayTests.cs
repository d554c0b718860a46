using System.Net;
using System.Text.Json;
using Gateway.Hashtags;
using Gateway.Tests.Fakes;
using Gateway.Tests.Support;
using static Gateway.Tests.Hashtags.TagTimelines;

namespace Gateway.Tests.Hashtags;

/// <summary><c>hashtag.history</c> in the whole gateway, reading tag timelines from the fake networks: at submit and at fire time.</summary>
public sealed class HashtagHistoryGatewayTests
{
    private const string Token = "pasted-token-1";

    private static async Task<(TestGateway Gateway, HttpClient Admin)> StartAsync(FakeMastodon fake, string budget = "00:00:10", bool allowPrivate = true)
    {
        var gateway = new TestGateway(settings: new()
        {
            ["Gateway:HashtagHistory:Budget"] = budget,
            ["Gateway:Publishing:AllowPrivateAddresses"] = allowPrivate ? "true" : "false",
        });
        var admin = await gateway.SignInAsync("root", "admin");
        var created = await admin.PostJsonAsync("/api/accounts", new
        {
            id = "acme", kind = "brand", language = "en", publisher = new { type = "mastodon", instance = fake.Url, accessToken = Token },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (gateway, admin);
    }

    private static JsonElement[] History(JsonElement post) =>
        post.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("rule").GetString() == "hashtag.history").ToArray();

    [Fact]
    public async Task A_tag_full_of_posts_about_a_shooting_needs_review_with_quoted_evidence()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        fake.TimelinePreview = false; // this instance shows its timelines to signed-in users only: the account's token goes along
        fake.Seed("springfield", Shooting);
        fake.Seed("springfield", Ordinary.Take(2));
        var (gateway, admin) = await StartAsync(fake);
        using var owned = gateway;

        var post = await admin.SubmitAsync("acme", "Our Springfield store is open late tonight! #Springfield", DateTimeOffset.UtcNow.AddHours(1));

        Assert.Equal("pending_review", post.GetProperty("status").GetString());
        var finding = Assert.Single(History(post));
        Assert.Equal("review", finding.GetProperty("severity").GetString());
        Assert.Equal("#Springfield", finding.GetProperty("match").GetString());
        var message = finding.GetProperty("message").GetString()!;
        Assert.Contains($"on Mastodon (127.0.0.1) write about violence (75%) of 8 posts", message);
        var evidence = finding.GetProperty("evidence");
        Assert.StartsWith("violence 75% (6 of 8)", evidence.GetProperty("shares").GetString());
        Assert.Equal(Shooting[0] + " #springfield", evidence.GetProperty("example1").GetString());
        Assert.StartsWith("https://elsewhere.example/@someone", evidence.GetProperty("example1-url").GetString());
        Assert.True(evidence.TryGetProperty("example3", out _));
        Assert.False(evidence.TryGetProperty("example4", out _));
        Assert.Contains("/", evidence.GetProperty("span").GetString());
        Assert.Equal("/hashtags/springfield", evidence.GetProperty("page").GetString());
        Assert.Equal(1, fake.TagReads);
    }

    [Fact]
    public async Task An_ordinary_tag_gives_nothing_and_is_read_once_for_posts_submitted_meanwhile()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        fake.Seed("autumn", Ordinary);
        var (gateway, admin) = await StartAsync(fake);
        using var owned = gateway;

        var first = await admin.SubmitAsync("acme", "Apple cake is back. #Autumn", DateTimeOffset.UtcNow.AddHours(1));
        var second = await admin.SubmitAsync("acme", "Pumpkin soup too. #autumn", DateTimeOffset.UtcNow.AddHours(2));

        Assert.Equal("scheduled", first.GetProperty("status").GetString());
        Assert.Empty(History(first));
        Assert.Empty(History(second));
        Assert.Equal(1, fake.TagReads); // the second post was answered from the cache
    }

    [Fact]
    public async Task A_network_that_times_out_gives_no_review_at_submit_and_the_tag_is_read_again_at_fire_time()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        fake.Seed("springfield", Shooting);
        fake.TagDelay = TimeSpan.FromSeconds(3);
        fake.TagReadFault = n => n == 1 ? FakeMastodon.TagFault.Slow : FakeMastodon.TagFault.None;
        var (gateway, admin) = await StartAsync(fake, budget: "00:00:01");
        using var owned = gateway;

        var post = await admin.SubmitAsync("acme", "Open late tonight! #Springfield", DateTimeOffset.UtcNow.AddSeconds(5));

        Assert.Equal("scheduled", post.GetProperty("status").GetString());
        var unknown = Assert.Single(History(post));
        Assert.Equal("info", unknown.GetProperty("severity").GetString());
        Assert.Contains("not known yet", unknown.GetProperty("message").GetString());

        var id = post.GetProperty("id").GetString()!;
        Assert.Equal("held", await admin.WaitForStatusAsync(id, "held", "published"));
        var held = await admin.GetPostAsync(id);
        Assert.Contains("hashtag.history", held.GetProperty("statusReason").GetString());
        Assert.Equal("review", Assert.Single(History(held)).GetProperty("severity").GetString());
        Assert.Empty(gateway.OutboxIds());
        Assert.Empty(fake.Statuses);
        Assert.Equal(2, fake.TagReads);
    }

    [Fact]
    public async Task A_tag_that_turned_between_submit_and_publication_holds_the_post_with_the_new_evidence()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        fake.Seed("springfield", Ordinary);
        var (gateway, admin) = await StartAsync(fake);
        using var owned = gateway;

        var post = await admin.SubmitAsync("acme", "Open late tonight! #Springfield", DateTimeOffset.UtcNow.AddSeconds(3));
        Assert.Equal("scheduled", post.GetProperty("status").GetString());
        Assert.Empty(History(post));
        fake.Seed("springfield", Shooting.Concat(Shooting)); // the news breaks before the post goes out

        var id = post.GetProperty("id").GetString()!;
        Assert.Equal("held", await admin.WaitForStatusAsync(id, "held", "published"));
        var held = await admin.GetPostAsync(id);
        var finding = Assert.Single(History(held));
        Assert.Equal("review", finding.GetProperty("severity").GetString());
        Assert.Contains("violence", finding.GetProperty("evidence").GetProperty("shares").GetString());
        Assert.StartsWith(Shooting[0], finding.GetProperty("evidence").GetProperty("example1").GetString());
        // The reason is kept for good (and goes to the audit log and notifications): it names the tag, quotes no one.
        var reason = held.GetProperty("statusReason").GetString()!;
        Assert.Contains("hashtag.history: Right now people posting #Springfield", reason);
        Assert.All(Shooting, text => Assert.DoesNotContain(text, reason));
        Assert.Empty(fake.Statuses);
    }

    [Fact]
    public async Task Several_hashtags_in_one_post_are_read_in_parallel()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        fake.Seed("springfield", Shooting);
        fake.Seed("autumn", Ordinary);
        fake.TagDelay = TimeSpan.FromSeconds(1);
        fake.TagReadFault = _ => FakeMastodon.TagFault.Slow;
        var (gateway, admin) = await StartAsync(fake);
        using var owned = gateway;

        var post = await admin.SubmitAsync("acme", "#Autumn in #Springfield", DateTimeOffset.UtcNow.AddHours(1));

        Assert.Equal(2, fake.TagReads);
        Assert.Equal(2, fake.MaxTagReadsInFlight); // both were being answered at once, not one after the other
        Assert.Equal("#Springfield", Assert.Single(History(post)).GetProperty("match").GetString());
    }

    [Fact]
    public async Task A_429_is_obeyed_until_its_reset_and_the_tag_is_not_known_meanwhile()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        fake.Seed("springfield", Shooting);
        fake.TagReadFault = _ => FakeMastodon.TagFault.RateLimited;
        var (gateway, admin) = await StartAsync(fake);
        using var owned = gateway;

        var first = await admin.SubmitAsync("acme", "#Springfield", DateTimeOffset.UtcNow.AddHours(1));
        var second = await admin.SubmitAsync("acme", "#Springfield again", DateTimeOffset.UtcNow.AddHours(1));

        Assert.Contains("rate-limiting", Assert.Single(History(first)).GetProperty("message").GetString());
        Assert.Contains("asked the gateway to wait", Assert.Single(History(second)).GetProperty("message").GetString());
        Assert.Equal("info", Assert.Single(History(second)).GetProperty("severity").GetString());
        Assert.Equal(1, fake.TagReads);
        Assert.Equal(1, gateway.Service<HashtagSampler>().NetworkReads); // the second submit did not ask
    }

    [Fact]
    public async Task Bluesky_tags_are_searched_through_the_account_session()
    {
        await using var fake = await FakeBluesky.StartAsync();
        var i = 0;
        foreach (var text in Shooting)
        {
            fake.SeedTagged($"{text} #springfield", "en", DateTimeOffset.UtcNow.AddMinutes(-++i), "springfield");
        }
        fake.SeedTagged("An old post about a massacre #springfield", "en", DateTimeOffset.UtcNow.AddDays(-3), "springfield"); // outside the window
        using var gateway = new TestGateway();
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme", network: "bluesky",
            publisher: new { type = "bluesky", service = fake.Url, handle = fake.Handle, appPassword = fake.AppPassword });

        var post = await admin.SubmitAsync("acme", "Open late tonight! #Springfield", DateTimeOffset.UtcNow.AddHours(1));

        var finding = Assert.Single(History(post));
        Assert.Equal("review", finding.GetProperty("severity").GetString());
        var evidence = finding.GetProperty("evidence");
        Assert.Equal("6", evidence.GetProperty("posts").GetString());
        Assert.Matches(@"^https://bsky\.app/profile/someone1\.bsky\.social/post/3l[0-9a-f]+$", evidence.GetProperty("example1-url").GetString());
        Assert.Equal(1, fake.Calls("app.bsky.feed.searchPosts"));
        Assert.Equal(1, fake.Calls("com.atproto.server.createSession"));
    }

    [Fact]
    public async Task An_instance_inside_the_private_network_is_never_read()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        fake.Seed("springfield", Shooting);
        var (gateway, admin) = await StartAsync(fake, allowPrivate: false);
        using var owned = gateway;

        var post = await admin.SubmitAsync("acme", "Open late tonight! #Springfield", DateTimeOffset.UtcNow.AddHours(1));

        var finding = Assert.Single(History(post));
        Assert.Equal("info", finding.GetProperty("severity").GetString());
        Assert.Contains("could not be read", finding.GetProperty("message").GetString());
        Assert.Equal(0, fake.TagReads); // the address guard refused the loopback instance before connecting
    }
}

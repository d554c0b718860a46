using System.Net;
using System.Text.Json;
using Gateway.Tests.Fakes;
using Gateway.Tests.Media;
using Gateway.Tests.Networks;
using Gateway.Tests.Support;
using static Gateway.Tests.Proxy.MastodonClient;

namespace Gateway.Tests.Proxy;

/// <summary>
/// The gateway as a Mastodon instance, driven by two client libraries nobody here wrote (masto.js and megalodon, run
/// by node): what a person using such an app sees, and what the gateway and the real instance behind it (the fake)
/// hold afterwards. Every status still goes through checks, reviews and the kill switch.
/// </summary>
public sealed class MastodonClientTests
{
    private const string UpstreamToken = "upstream-token-clients";
    private const string Clean = "Storm update: all stores are open until eight tonight.";
    // privacy.payment-card blocks it.
    private const string CardNumber = "Your refund went to card 4111 1111 1111 1111, thanks!";
    // Sensitive topic (violence): needs a reviewer's approval.
    private const string Sensitive = "Our thoughts are with the victims of the shooting.";

    /// <summary>A gateway on a loopback port whose account "acme" publishes to a fake instance, and a proxy token for it.</summary>
    private sealed class Stage : IAsyncDisposable
    {
        public required FakeMastodon Fake { get; init; }
        public required TestGateway Gateway { get; init; }
        public required HttpClient Admin { get; init; }
        public required string BaseUrl { get; init; }
        public required string TokenId { get; init; }
        public required MastodonClient Client { get; init; }

        public static async Task<Stage> StartAsync(string library)
        {
            var fake = await FakeMastodon.StartAsync(UpstreamToken);
            var port = GatewayProcess.FreePort();
            var gateway = new TestGateway();
            gateway.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
            gateway.StartServer();
            var admin = await gateway.SignInAsync("root", "admin");
            await admin.CreateAccountAsync("acme", "mastodon", publisher: new { type = "mastodon", instance = fake.Url, accessToken = UpstreamToken });
            var created = await admin.PostJsonAsync("/api/accounts/acme/proxy-tokens", new { name = library + " test" });
            var token = await created.ReadJsonAsync();
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"proxy token: {(int)created.StatusCode} {token}");
            var baseUrl = $"http://127.0.0.1:{port}";
            return new Stage
            {
                Fake = fake, Gateway = gateway, Admin = admin, BaseUrl = baseUrl, TokenId = token.GetProperty("id").GetString()!,
                Client = new MastodonClient(library, baseUrl, token.GetProperty("token").GetString()),
            };
        }

        public async Task<JsonElement> PostAsync(string id) => await Admin.GetPostAsync(id);

        public async ValueTask DisposeAsync()
        {
            Gateway.Dispose();
            await Fake.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(Libraries), MemberType = typeof(MastodonClient))]
    public async Task A_clean_post_is_published_once_upstream_and_returned_as_the_instances_Status(string library)
    {
        await using var stage = await Stage.StartAsync(library);

        var instance = await stage.Client.ValueAsync("instance");
        var status = await stage.Client.ValueAsync("post", new { status = Clean, language = "en", idempotencyKey = library == Masto ? "masto-key-1" : null });

        Assert.Contains("CrisisGateway", instance.ToString());
        var upstream = Assert.Single(stage.Fake.Statuses);
        Assert.Equal(Clean, upstream.Text);
        Assert.Equal(upstream.Id, Text(status, "id"));
        Assert.Equal($"{stage.Fake.Url}/@{FakeMastodon.Acct}/{upstream.Id}", Text(status, "url"));
        Assert.Equal($"<p>{Clean}</p>", Text(status, "content"));
        var posts = await (await stage.Admin.GetAsync("/api/posts?account=acme")).ReadJsonAsync();
        var post = Assert.Single(posts.EnumerateArray());
        Assert.Equal(("published", upstream.Id), (post.GetProperty("status").GetString(), post.GetProperty("publishRef").GetString()));
        Assert.Equal("root", post.GetProperty("author").GetString());
        if (library == Masto)
        {
            // masto sends an Idempotency-Key when asked: the retry of a request whose answer was lost makes nothing new.
            var again = await stage.Client.ValueAsync("post", new { status = Clean, language = "en", idempotencyKey = "masto-key-1" });
            Assert.Equal(upstream.Id, Text(again, "id"));
            Assert.Single(stage.Fake.Statuses);
        }
    }

    [Theory]
    [MemberData(nameof(Libraries), MemberType = typeof(MastodonClient))]
    public async Task A_scheduled_post_is_listed_rescheduled_and_cancelled_and_never_reaches_the_instance(string library)
    {
        await using var stage = await Stage.StartAsync(library);
        var now = DateTimeOffset.UtcNow;
        var at = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(2);

        var scheduled = await stage.Client.ValueAsync("post", new { status = Clean, scheduledAt = at.ToString("O") });
        var id = Text(scheduled, "id");
        Assert.Equal(at, DateTimeOffset.Parse(Text(scheduled, "scheduled_at")));
        Assert.Equal(Clean, Text(Field(scheduled, "params"), "text"));
        var gatewayPost = await stage.PostAsync(id);
        Assert.Equal(("scheduled", at), (gatewayPost.Status(), gatewayPost.GetProperty("scheduledAt").GetDateTimeOffset()));

        var listed = await stage.Client.ValueAsync("scheduled");
        Assert.Equal(id, Text(Assert.Single(listed.EnumerateArray()), "id"));

        var later = at.AddDays(1);
        var moved = await stage.Client.ValueAsync("reschedule", new { id, scheduledAt = later.ToString("O") });
        Assert.Equal(later, DateTimeOffset.Parse(Text(moved, "scheduled_at")));
        Assert.Equal(later, (await stage.PostAsync(id)).GetProperty("scheduledAt").GetDateTimeOffset());

        await stage.Client.ValueAsync("cancel", new { id });
        Assert.Equal("cancelled", (await stage.PostAsync(id)).Status());
        Assert.Empty((await stage.Client.ValueAsync("scheduled")).EnumerateArray());
        Assert.Empty(stage.Fake.Statuses);
        Assert.Equal(0, stage.Fake.StatusCalls);
    }

    [Theory]
    [MemberData(nameof(Libraries), MemberType = typeof(MastodonClient))]
    public async Task A_blocked_post_is_the_clients_error_with_the_findings_message_and_is_kept_for_its_author(string library)
    {
        await using var stage = await Stage.StartAsync(library);

        var refused = await stage.Client.CallAsync("post", new { status = CardNumber });

        Assert.Equal(422, refused.ErrorStatus);
        Assert.StartsWith("This looks like a payment card number (4111 1111 1111 1111).", refused.ErrorMessage);
        var posts = await (await stage.Admin.GetAsync("/api/posts?account=acme")).ReadJsonAsync();
        var kept = Assert.Single(posts.EnumerateArray());
        Assert.Equal(("blocked", CardNumber), (kept.Status(), kept.GetProperty("body").GetString()));
        // The error's details point the client's user at the kept post (masto: error.details; megalodon: the body).
        var details = library == Masto ? refused.Error.GetProperty("details") : refused.Error.GetProperty("body").GetProperty("details");
        Assert.Equal(kept.GetProperty("id").GetString(), details.GetProperty("post").GetString());
        Assert.Equal("privacy.payment-card", details.GetProperty("findings")[0].GetProperty("rule").GetString());
        Assert.Equal(0, stage.Fake.StatusCalls);
    }

    [Theory]
    [MemberData(nameof(Libraries), MemberType = typeof(MastodonClient))]
    public async Task A_post_needing_review_is_accepted_not_sent_and_goes_out_once_a_reviewer_approves(string library)
    {
        await using var stage = await Stage.StartAsync(library);

        var waiting = await stage.Client.CallAsync("post", new { status = Sensitive });

        // Neither sent nor failed: the client gets the queued post (a ScheduledStatus, 202), not a Status or an error.
        var id = Text(waiting.Value, "id");
        var post = await stage.PostAsync(id);
        Assert.True(post.Status() == "pending_review", $"{waiting} / {post}");
        Assert.Equal(0, stage.Fake.StatusCalls);
        var listed = await stage.Client.ValueAsync("scheduled");
        Assert.True(listed.GetArrayLength() == 1 && Text(listed[0], "id") == id, $"{listed} / {post}");

        var rita = await stage.Gateway.SignInAsync("rita", "reviewer");
        Assert.Equal(HttpStatusCode.OK, (await rita.PostJsonAsync($"/api/posts/{id}/reviews", new { verdict = "approve" })).StatusCode);
        Assert.Equal("published", await stage.Admin.WaitForStatusAsync(id, "published", "failed", "held"));
        Assert.Equal(Sensitive, Assert.Single(stage.Fake.Statuses).Text);
    }

    [Theory]
    [MemberData(nameof(Libraries), MemberType = typeof(MastodonClient))]
    public async Task A_freeze_holds_a_clients_post_and_refuses_its_boost_with_the_freeze_reason(string library)
    {
        await using var stage = await Stage.StartAsync(library);
        var earlier = Text(await stage.Client.ValueAsync("post", new { status = Clean }), "id");
        Assert.Equal(HttpStatusCode.OK, (await stage.Admin.FreezeAsync("Plant fire: all channels silent")).StatusCode);

        var held = await stage.Client.CallAsync("post", new { status = "Still open tomorrow." });
        var boost = await stage.Client.CallAsync("reblog", new { id = earlier });

        var heldId = Text(held.Value, "id");
        Assert.Equal("held", (await stage.PostAsync(heldId)).Status());
        Assert.Equal(403, boost.ErrorStatus);
        Assert.Contains("Plant fire: all channels silent", boost.ErrorMessage);
        Assert.Single(stage.Fake.Statuses);
        Assert.Empty(stage.Fake.Interactions);

        await stage.Admin.UnfreezeAsync();
        var after = await stage.Client.ValueAsync("reblog", new { id = earlier });
        Assert.Equal(earlier, Text(Field(after, "reblog"), "id"));
        Assert.Equal(("reblog", earlier), Assert.Single(stage.Fake.Interactions));
    }

    [Theory]
    [MemberData(nameof(Libraries), MemberType = typeof(MastodonClient))]
    public async Task An_image_with_a_description_reaches_the_instance_with_it(string library)
    {
        await using var stage = await Stage.StartAsync(library);
        var path = Path.Combine(Path.GetTempPath(), $"client-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(path, TestImages.Png(64, 48));

        var media = await stage.Client.ValueAsync("upload", new { path, type = "image/png", description = "Flooded car park" });
        var described = await stage.Client.ValueAsync("describe", new { id = Text(media, "id"), description = "Flooded car park behind the station" });
        var status = await stage.Client.ValueAsync("post", new { status = "Avoid the station car park.", mediaIds = new[] { Text(media, "id") } });
        File.Delete(path);

        Assert.StartsWith(stage.BaseUrl, Text(media, "url"));
        Assert.Equal("Flooded car park behind the station", Text(described, "description"));
        var upstream = Assert.Single(stage.Fake.Statuses);
        Assert.Equal(upstream.Id, Text(status, "id"));
        var attachment = Assert.Single(upstream.Media);
        Assert.Equal(("image/png", "Flooded car park behind the station"), (attachment.Type, attachment.Description));
        Assert.Equal("Flooded car park behind the station", Text(Assert.Single(Field(status, "media_attachments").EnumerateArray()), "description"));
    }

    [Theory]
    [MemberData(nameof(Libraries), MemberType = typeof(MastodonClient))]
    public async Task A_revoked_proxy_token_is_refused_as_Mastodon_refuses_an_invalid_token(string library)
    {
        await using var stage = await Stage.StartAsync(library);
        Assert.Equal(FakeMastodon.Acct, Text(await stage.Client.ValueAsync("verify"), "username"));

        var revoked = await stage.Admin.DeleteAsync($"/api/accounts/acme/proxy-tokens/{stage.TokenId}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        var refused = await stage.Client.CallAsync("post", new { status = Clean });

        Assert.Equal(401, refused.ErrorStatus);
        Assert.Equal("The access token is invalid", refused.ErrorMessage);
        Assert.Empty((await (await stage.Admin.GetAsync("/api/posts?account=acme")).ReadJsonAsync()).EnumerateArray());
        Assert.Equal(0, stage.Fake.StatusCalls);
    }
}

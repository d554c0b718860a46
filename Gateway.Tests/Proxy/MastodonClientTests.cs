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
    private const string Clean = "Storm update: all stores are open until eight tonight.";
    // privacy.payment-card blocks it.
    private const string CardNumber = "Your refund went to card 4111 1111 1111 1111, thanks!";
    // topic.death-tragedy asks for a second opinion: it needs a reviewer's approval.
    private const string Sensitive = "Our thoughts are with the victims of the shooting.";

    private static async Task<(ProxyHarness Harness, MastodonClient Client)> StartAsync(string library, Dictionary<string, string?>? settings = null)
    {
        var harness = await ProxyHarness.StartAsync(settings, loopback: true);
        return (harness, new MastodonClient(library, harness.BaseUrl!, harness.ProxyToken));
    }

    // A post about a tragedy needs two reviewers (rules/policy.yml); the first approval alone leaves it waiting.
    private static async Task ApproveAsync(ProxyHarness stage, string id)
    {
        foreach (var (reviewer, statusAfter) in new (string, string?)[] { ("rita", "pending_review"), ("ravi", null) })
        {
            var session = await stage.Gateway.SignInAsync(reviewer, "reviewer");
            Assert.Equal(HttpStatusCode.OK, (await session.PostJsonAsync($"/api/posts/{id}/reviews", new { verdict = "approve" })).StatusCode);
            if (statusAfter is not null) Assert.Equal(statusAfter, (await stage.Admin.GetPostAsync(id)).Status());
        }
    }

    private static async Task<JsonElement> PostsAsync(ProxyHarness harness) => await (await harness.Admin.GetAsync("/api/posts?account=acme")).ReadJsonAsync();

    [Theory]
    [MemberData(nameof(Libraries), MemberType = typeof(MastodonClient))]
    public async Task A_clean_post_is_published_once_upstream_and_returned_as_the_instances_Status(string library)
    {
        var (stage, client) = await StartAsync(library);
        await using var _ = stage;

        var instance = await client.ValueAsync("instance");
        var status = await client.ValueAsync("post", new { status = Clean, language = "en", idempotencyKey = library == Masto ? "masto-key-1" : null });

        Assert.Contains("CrisisGateway", instance.ToString());
        var upstream = Assert.Single(stage.Fake.Statuses);
        Assert.Equal(Clean, upstream.Text);
        Assert.Equal(upstream.Id, Text(status, "id"));
        Assert.Equal($"{stage.Fake.Url}/@{FakeMastodon.Acct}/{upstream.Id}", Text(status, "url"));
        Assert.Equal($"<p>{Clean}</p>", Text(status, "content"));
        var posts = await PostsAsync(stage);
        var post = Assert.Single(posts.EnumerateArray());
        Assert.Equal(("published", upstream.Id), (post.GetProperty("status").GetString(), post.GetProperty("publishRef").GetString()));
        Assert.Equal("ed", post.GetProperty("author").GetString());
        if (library == Masto)
        {
            // masto sends an Idempotency-Key when asked: the retry of a request whose answer was lost makes nothing new.
            var again = await client.ValueAsync("post", new { status = Clean, language = "en", idempotencyKey = "masto-key-1" });
            Assert.Equal(upstream.Id, Text(again, "id"));
            Assert.Single(stage.Fake.Statuses);
        }
    }

    [Theory]
    [MemberData(nameof(Libraries), MemberType = typeof(MastodonClient))]
    public async Task A_scheduled_post_is_listed_rescheduled_and_cancelled_and_never_reaches_the_instance(string library)
    {
        var (stage, client) = await StartAsync(library);
        await using var _ = stage;
        var now = DateTimeOffset.UtcNow;
        var at = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(2);

        var scheduled = await client.ValueAsync("post", new { status = Clean, scheduledAt = at.ToString("O") });
        var id = Text(scheduled, "id");
        Assert.Equal(at, DateTimeOffset.Parse(Text(scheduled, "scheduled_at")));
        Assert.Equal(Clean, Text(Field(scheduled, "params"), "text"));
        var gatewayPost = await stage.Admin.GetPostAsync(id);
        Assert.Equal(("scheduled", at), (gatewayPost.Status(), gatewayPost.GetProperty("scheduledAt").GetDateTimeOffset()));

        var listed = await client.ValueAsync("scheduled");
        Assert.Equal(id, Text(Assert.Single(listed.EnumerateArray()), "id"));

        var later = at.AddDays(1);
        var moved = await client.ValueAsync("reschedule", new { id, scheduledAt = later.ToString("O") });
        Assert.Equal(later, DateTimeOffset.Parse(Text(moved, "scheduled_at")));
        Assert.Equal(later, (await stage.Admin.GetPostAsync(id)).GetProperty("scheduledAt").GetDateTimeOffset());

        await client.ValueAsync("cancel", new { id });
        Assert.Equal("cancelled", (await stage.Admin.GetPostAsync(id)).Status());
        Assert.Empty((await client.ValueAsync("scheduled")).EnumerateArray());
        Assert.Empty(stage.Fake.Statuses);
        Assert.Equal(0, stage.Fake.StatusCalls);
    }

    [Theory]
    [MemberData(nameof(Libraries), MemberType = typeof(MastodonClient))]
    public async Task A_blocked_post_is_the_clients_error_with_the_findings_message_and_is_kept_for_its_author(string library)
    {
        var (stage, client) = await StartAsync(library);
        await using var _ = stage;

        var refused = await client.CallAsync("post", new { status = CardNumber });

        Assert.Equal(422, refused.ErrorStatus);
        Assert.StartsWith("This looks like a payment card number (4111 1111 1111 1111).", refused.ErrorMessage);
        var posts = await PostsAsync(stage);
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
    public async Task A_scheduled_post_needing_review_is_accepted_not_sent_and_approval_keeps_it_scheduled(string library)
    {
        var (stage, client) = await StartAsync(library);
        await using var _ = stage;

        var waiting = await client.CallAsync("post", new { status = Sensitive, scheduledAt = DateTimeOffset.UtcNow.AddHours(3).ToString("O") });

        // Neither sent nor failed: the client gets the queued post (a ScheduledStatus, 202), not a Status or an error.
        var id = Text(waiting.Value, "id");
        Assert.Equal(Sensitive, Text(Field(waiting.Value, "params"), "text"));
        var post = await stage.Admin.GetPostAsync(id);
        Assert.True(post.Status() == "pending_review", $"{waiting} / {post}");
        Assert.Equal(id, Text(Assert.Single((await client.ValueAsync("scheduled")).EnumerateArray()), "id"));

        await ApproveAsync(stage, id);
        Assert.Equal("scheduled", (await stage.Admin.GetPostAsync(id)).Status());
        Assert.Equal(id, Text(Assert.Single((await client.ValueAsync("scheduled")).EnumerateArray()), "id"));
        Assert.Equal(0, stage.Fake.StatusCalls);
    }

    [Theory]
    [MemberData(nameof(Libraries), MemberType = typeof(MastodonClient))]
    public async Task A_post_for_now_needing_review_waits_its_review_window_and_goes_out_once_approved(string library)
    {
        // The review window is how long a "now" status waits for a reviewer (30 minutes by default); short here, so
        // the approved post goes out within the test.
        var window = TimeSpan.FromSeconds(15);
        var (stage, client) = await StartAsync(library, new() { ["Gateway:ReviewWindow"] = window.ToString("c") });
        await using var _ = stage;

        var before = DateTimeOffset.UtcNow;
        var waiting = await client.CallAsync("post", new { status = Sensitive });

        var id = Text(waiting.Value, "id");
        Assert.Equal(0, stage.Fake.StatusCalls);
        // Still waiting a moment later (a node run), listed where the client can cancel it, due at the window's end.
        var listed = await client.ValueAsync("scheduled");
        var post = await stage.Admin.GetPostAsync(id);
        Assert.True(post.Status() == "pending_review" && listed.GetArrayLength() == 1 && Text(listed[0], "id") == id, $"{waiting} / {listed} / {post}");
        var due = DateTimeOffset.Parse(Text(listed[0], "scheduled_at"));
        Assert.InRange(due, before + window, DateTimeOffset.UtcNow + window);

        await ApproveAsync(stage, id);
        Assert.Equal("published", await stage.Admin.WaitForStatusAsync(id, "published", "failed", "held", "expired"));
        Assert.Equal(Sensitive, Assert.Single(stage.Fake.Statuses).Text);
    }

    [Theory]
    [MemberData(nameof(Libraries), MemberType = typeof(MastodonClient))]
    public async Task A_freeze_holds_a_clients_post_and_refuses_its_boost_with_the_freeze_reason(string library)
    {
        var (stage, client) = await StartAsync(library);
        await using var _ = stage;
        var earlier = Text(await client.ValueAsync("post", new { status = Clean }), "id");
        Assert.Equal(HttpStatusCode.OK, (await stage.Admin.FreezeAsync("Plant fire: all channels silent")).StatusCode);

        var held = await client.CallAsync("post", new { status = "Still open tomorrow." });
        var boost = await client.CallAsync("reblog", new { id = earlier });

        // Answered while the freeze holds it (202, neither sent nor failed); the fire-time gate then marks it held.
        Assert.Equal("held", await stage.Admin.WaitForStatusAsync(Text(held.Value, "id"), "held", "published", "failed"));
        Assert.Equal(403, boost.ErrorStatus);
        Assert.Contains("Plant fire: all channels silent", boost.ErrorMessage);
        Assert.Single(stage.Fake.Statuses);
        Assert.Empty(stage.Fake.Acts);

        await stage.Admin.UnfreezeAsync();
        var after = await client.ValueAsync("reblog", new { id = earlier });
        Assert.Contains(earlier, after.ToString());
        Assert.Equal($"reblog {earlier}", Assert.Single(stage.Fake.Acts));
    }

    [Theory]
    [MemberData(nameof(Libraries), MemberType = typeof(MastodonClient))]
    public async Task An_image_with_a_description_reaches_the_instance_with_it(string library)
    {
        var (stage, client) = await StartAsync(library);
        await using var _ = stage;
        var path = Path.Combine(Path.GetTempPath(), $"client-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(path, TestImages.Png(64, 48));

        var media = await client.ValueAsync("upload", new { path, type = "image/png", description = "Flooded car park" });
        var described = await client.ValueAsync("describe", new { id = Text(media, "id"), description = "Flooded car park behind the station" });
        var status = await client.ValueAsync("post", new { status = "Avoid the station car park.", mediaIds = new[] { Text(media, "id") } });
        File.Delete(path);

        Assert.StartsWith(stage.BaseUrl!, Text(media, "url"));
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
        var (stage, client) = await StartAsync(library);
        await using var _ = stage;
        Assert.Equal(FakeMastodon.Acct, Text(await client.ValueAsync("verify"), "username"));

        var tokenId = (await (await stage.Editor.GetAsync("/api/accounts/acme/proxy-tokens")).ReadJsonAsync())[0].GetProperty("id").GetString();
        var revoked = await stage.Editor.DeleteAsync($"/api/accounts/acme/proxy-tokens/{tokenId}");
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        var refused = await client.CallAsync("post", new { status = Clean });

        Assert.Equal(401, refused.ErrorStatus);
        Assert.Equal("The access token is invalid", refused.ErrorMessage);
        Assert.Empty((await PostsAsync(stage)).EnumerateArray());
        Assert.Equal(0, stage.Fake.StatusCalls);
    }

    private const string Callback = "http://127.0.0.1:9/callback";

    [Fact]
    public async Task Masto_signs_in_with_OAuth_and_PKCE_posts_as_the_person_who_authorized_it_and_its_revoked_token_is_refused()
    {
        var (stage, _) = await StartAsync(Masto);
        await using var __ = stage;
        var client = new MastodonClient(Masto, stage.BaseUrl!);

        var app = await client.ValueAsync("register", new { name = "Crisis desk", redirectUri = Callback, scopes = "read write" });
        var (code, state) = await AuthorizeAsync(stage, new Uri(Text(app, "authorizeUrl")));
        Assert.Equal("masto-state", state);
        var credentials = new { clientId = Text(app, "clientId"), clientSecret = Text(app, "clientSecret") };
        var token = await client.ValueAsync("exchange", new { credentials.clientId, credentials.clientSecret, code, redirectUri = Callback, verifier = Text(app, "verifier"), scopes = "read write" });
        var signedIn = client.WithToken(Text(token, "access_token"));
        var status = await signedIn.ValueAsync("post", new { status = Clean });

        var upstream = Assert.Single(stage.Fake.Statuses);
        Assert.Equal(upstream.Id, Text(status, "id"));
        Assert.Equal("ed", Assert.Single((await PostsAsync(stage)).EnumerateArray()).GetProperty("author").GetString());
        // The code works once.
        var again = await client.CallAsync("exchange", new { credentials.clientId, credentials.clientSecret, code, redirectUri = Callback, verifier = Text(app, "verifier"), scopes = "read write" });
        Assert.Equal((400, "invalid_grant"), (again.ErrorStatus, again.ErrorMessage));

        await client.ValueAsync("revoke", new { credentials.clientId, credentials.clientSecret, token = Text(token, "access_token") });
        var refused = await signedIn.CallAsync("post", new { status = "After sign-out." });

        Assert.Equal(401, refused.ErrorStatus);
        Assert.Equal("The access token is invalid", refused.ErrorMessage);
        Assert.Single(stage.Fake.Statuses);
    }

    [Fact]
    public async Task Megalodon_which_sends_no_PKCE_is_told_so_and_gets_no_token()
    {
        var (stage, _) = await StartAsync(Megalodon);
        await using var __ = stage;
        var client = new MastodonClient(Megalodon, stage.BaseUrl!);

        var app = await client.ValueAsync("register", new { name = "Crisis desk", redirectUri = Callback, scopes = "read write" });
        var authorize = new Uri(Text(app, "authorizeUrl"));
        Assert.DoesNotContain("code_challenge", authorize.Query);
        using var session = await WebSession.SignInAsync(new Uri(stage.BaseUrl!), stage.EditorToken);
        var page = await (await session.GetAsync(authorize.PathAndQuery)).Content.ReadAsStringAsync();
        var exchange = await client.CallAsync("exchange", new { clientId = Text(app, "clientId"), clientSecret = Text(app, "clientSecret"), code = "guessed", redirectUri = Callback });

        Assert.Contains("must use PKCE with code_challenge_method=S256", string.Join(" ", WebSession.Texts(page, "//*[@role='alert']")));
        Assert.Null(WebSession.Parse(page).DocumentNode.SelectSingleNode("//form[contains(@action, 'Approve')]"));
        Assert.Equal((400, "invalid_request"), (exchange.ErrorStatus, exchange.ErrorMessage));
        Assert.Contains("PKCE is required", exchange.Error.GetProperty("body").GetProperty("error_description").GetString());
        Assert.Single((await (await stage.Editor.GetAsync("/api/accounts/acme/proxy-tokens")).ReadJsonAsync()).EnumerateArray());
    }

    /// <summary>
    /// The person's part of the flow, as a browser does it: signed in to the dashboard (as the editor ed), the app's
    /// authorize link, the account picked, sent back to the app with a code.
    /// </summary>
    private static async Task<(string Code, string? State)> AuthorizeAsync(ProxyHarness stage, Uri authorize)
    {
        using var session = await WebSession.SignInAsync(new Uri(stage.BaseUrl!), stage.EditorToken);
        var html = await session.GetHtmlAsync(authorize.PathAndQuery);
        var form = WebSession.Parse(html).DocumentNode.SelectSingleNode("//form[contains(@action, 'Approve')]")
            ?? throw new Xunit.Sdk.XunitException("no authorize form: " + html);
        var fields = (form.SelectNodes(".//input[@type='hidden']") ?? Enumerable.Empty<HtmlAgilityPack.HtmlNode>())
            .Where(i => i.GetAttributeValue("name", "") != WebSession.AntiforgeryField)
            .Select(i => new KeyValuePair<string, string>(i.GetAttributeValue("name", ""), System.Net.WebUtility.HtmlDecode(i.GetAttributeValue("value", ""))))
            .Append(new("Account", "acme"));
        var answer = await session.PostFormAsync(System.Net.WebUtility.HtmlDecode(form.GetAttributeValue("action", "")), fields, formPage: authorize.PathAndQuery);
        Assert.True(answer.StatusCode == HttpStatusCode.Redirect, $"{(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        var back = answer.Headers.Location!;
        Assert.StartsWith(Callback, back.ToString());
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(back.Query);
        return (query["code"]!, query.TryGetValue("state", out var state) ? state.ToString() : null);
    }
}

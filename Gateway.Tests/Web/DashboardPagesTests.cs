using System.Net;
using Gateway.Posts;
using Gateway.Tests.Support;
using Gateway.Web;

namespace Gateway.Tests.Web;

/// <summary>The queue, compose, post, review and crisis pages over real HTTP, with cookies and antiforgery tokens as a browser sends them.</summary>
public sealed class DashboardPagesTests : IAsyncLifetime
{
    private const string Xss = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\"> [click](javascript:window.__xss=3)";

    private readonly TestGateway _gateway = new();
    private HttpClient _api = null!;
    private WebSession _admin = null!;
    private WebSession _eve = null!;
    private WebSession _rita = null!;

    public async Task InitializeAsync()
    {
        _api = await _gateway.SignInAsync("root", "admin");
        _admin = await WebSession.SignInAsync(_gateway, "ada", "admin");
        _eve = await WebSession.SignInAsync(_gateway, "eve", "editor");
        _rita = await WebSession.SignInAsync(_gateway, "rita", "reviewer");
        await _api.CreateAccountAsync("acme", editors: ["eve"]);
        await _api.CreateAccountAsync("other", editors: []);
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task An_editor_composes_a_post_sees_the_finding_at_its_span_and_lands_on_its_page()
    {
        var live = await _eve.PostFormAsync("/compose?handler=Check", [new("account", "acme"), new("body", "Happy Friday, shooters! #WhyIStayed")], "/compose");
        var fragment = await live.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Contains("#WhyIStayed", WebSession.Texts(fragment, "//mark[contains(@class,'finding')]").Select(t => t.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9')));
        Assert.Contains("hashtag.context", WebSession.Texts(fragment, "//ol[@class='findings']//code[@class='rule']"));

        var submitted = await _eve.PostFormAsync("/compose", [new("account", "acme"), new("scheduledAt", "2030-01-07T09:30"), new("body", "Happy Friday, shooters! #WhyIStayed")]);
        Assert.Equal(HttpStatusCode.Redirect, submitted.StatusCode);
        var page = await _eve.GetHtmlAsync(WebSession.RedirectTarget(submitted)!);
        Assert.Contains("pending review", WebSession.Texts(page, "//h1/span[contains(@class,'status')]"));
        Assert.Contains("2030-01-07T09:30:00Z", page); // no zone cookie: the typed time is UTC
        Assert.Contains("Submitted: the post is pending review.", page);
    }

    [Fact]
    public void Typed_times_are_read_in_the_readers_zone_and_stored_as_an_instant()
    {
        var berlin = Display.Zone("Europe/Berlin");
        Assert.Equal("2030-07-01T10:00:00+02:00", Display.ToIso("2030-07-01T10:00", berlin));
        Assert.Equal("2030-01-01T10:00:00+00:00", Display.ToIso("2030-01-01T10:00", Display.Zone(null)));
        Assert.Equal(TimeZoneInfo.Utc, Display.Zone("Mars/Olympus")); // an unknown zone reads as UTC everywhere, shown on the form
        Assert.Null(Display.ToIso("", berlin));
        Assert.Equal("2030-07-01T10:00", Display.ToLocalInput(DateTimeOffset.Parse("2030-07-01T08:00:00Z"), berlin));

        // 02:30 on the last Sunday of March does not exist in Berlin; 02:30 on the last Sunday of October exists twice.
        Assert.Contains("does not exist", Assert.Throws<ProblemException>(() => Display.ToIso("2030-03-31T02:30", berlin)).Detail);
        Assert.Equal("2030-10-27T02:30:00+02:00", Display.ToIso("2030-10-27T02:30", berlin));
        foreach (var nonsense in new[] { "2030-01-01T10:00Z", "1/2/2030 10:00", "10:00", "9999-12-31T23:00", "0001-01-01T00:00" })
        {
            Assert.Throws<ProblemException>(() => Display.ToIso(nonsense, berlin));
        }
    }

    [Fact]
    public async Task Refusals_keep_what_was_typed_and_say_why()
    {
        var response = await _eve.PostFormAsync("/compose", [new("account", "other"), new("body", "Not my account")]);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Single(WebSession.Texts(html, "//p[@class='error']"));
        Assert.Contains("Not my account", WebSession.Texts(html, "//textarea[@id='body']"));
        Assert.Empty(await _gateway.Service<PostStore>().ListAsync(null, null, 10));
    }

    [Fact]
    public async Task A_reviewer_approves_from_the_inbox_and_the_author_cannot()
    {
        var id = (await _api.SubmitAsync("acme", "Our thoughts on the shooting #WhyIStayed", DateTimeOffset.UtcNow.AddDays(2))).GetProperty("id").GetString()!;
        Assert.Equal("pending_review", await _api.StatusAsync(id));
        var inbox = await _rita.GetHtmlAsync("/reviews");
        Assert.Single(WebSession.Parse(inbox).DocumentNode.SelectNodes("//article[contains(@class,'inbox-item')]")!);
        Assert.Contains("Survivors of domestic violence", inbox); // the hashtag's context, next to the verdict

        // Another admin may give the verdict; the author (ada, an admin too) sees no verdict buttons, and posting the form anyway is refused.
        var authorView = await _admin.GetHtmlAsync($"/posts/{id}");
        Assert.NotEmpty(WebSession.Texts(authorView, "//button[@value='approve']")); // ada did not write it
        var own = await _gateway.Service<PostService>().SubmitAsync(new SubmitPost("acme", "Thoughts on the shooting #WhyIStayed", DateTimeOffset.UtcNow.AddDays(2).ToString("O")), new("ada", "admin", default, null), default);
        var ownView = await _admin.GetHtmlAsync($"/posts/{own.Id}");
        Assert.Empty(WebSession.Texts(ownView, "//button[@value='approve']"));
        Assert.Single(WebSession.Texts(ownView, "//p[@class='cannot-review']"));
        var forced = await _admin.PostFormAsync($"/posts/{own.Id}?handler=Review", [new("verdict", "approve"), new("contentHash", own.ContentHash)]);
        Assert.Equal(HttpStatusCode.Forbidden, forced.StatusCode);
        Assert.Equal("pending_review", await _api.StatusAsync(own.Id));

        // An editor cannot give a verdict even by posting the form.
        var editorTry = await _eve.PostFormAsync($"/posts/{id}?handler=Review", [new("verdict", "approve")]);
        Assert.Equal(HttpStatusCode.Forbidden, editorTry.StatusCode);

        var post = await _gateway.Service<PostStore>().GetAsync(id);
        var approve = await _rita.PostFormAsync($"/posts/{id}?handler=Review", [new("verdict", "approve"), new("comment", "Fine in this context"), new("contentHash", post!.ContentHash)], "/reviews");
        Assert.Equal(HttpStatusCode.Redirect, approve.StatusCode);
        // rules/policy.yml asks two approvals of a post with a hashtag.context finding: one is not enough.
        Assert.Equal(2, post.RequiredApprovals);
        Assert.Equal("pending_review", await _api.StatusAsync(id));
        var after = await _rita.GetHtmlAsync($"/posts/{id}");
        Assert.Contains("Fine in this context", WebSession.Texts(after, "//ul[@class='thread']//p"));
        var second = await _admin.PostFormAsync($"/posts/{id}?handler=Review", [new("verdict", "approve"), new("contentHash", post.ContentHash)]);
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal("scheduled", await _api.StatusAsync(id));
    }

    [Fact]
    public async Task A_verdict_on_a_version_that_changed_since_it_was_read_is_refused()
    {
        var id = (await _api.SubmitAsync("acme", "About #WhyIStayed", DateTimeOffset.UtcNow.AddDays(2))).GetProperty("id").GetString()!;
        var stale = (await _gateway.Service<PostStore>().GetAsync(id))!.ContentHash;
        await _gateway.Service<PostService>().EditAsync(id, new EditPost("About #WhyIStayed, edited", null), new("eve", "editor", default, null), default);
        var response = await _rita.PostFormAsync($"/posts/{id}?handler=Review", [new("verdict", "approve"), new("contentHash", stale)]);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("changed since you read it", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_freeze_needs_a_reason_and_a_confirmation_and_then_every_user_sees_the_banner()
    {
        var unconfirmed = await _admin.PostFormAsync("/crisis?handler=Freeze", [new("reason", "Shooting downtown")]);
        Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        Assert.False((await _gateway.Service<Gateway.Freeze.FreezeStore>().GetAsync()).Frozen);
        Assert.Empty(WebSession.Texts(await _eve.GetHtmlAsync("/"), "//div[@id='freeze-banner']"));

        var frozen = await _admin.PostFormAsync("/crisis?handler=Freeze", [new("reason", "Shooting downtown <b>now</b>"), new("confirm", "true")]);
        Assert.Equal(HttpStatusCode.Redirect, frozen.StatusCode);
        Assert.True((await _gateway.Service<Gateway.Freeze.FreezeStore>().GetAsync()).Frozen);
        foreach (var (session, page) in new[] { (_eve, "/"), (_eve, "/compose"), (_rita, "/reviews"), (_admin, "/admin/audit") })
        {
            var html = await session.GetHtmlAsync(page);
            var banner = string.Join(" ", WebSession.Texts(html, "//div[@id='freeze-banner']"));
            Assert.Contains("Publishing is frozen", banner);
            Assert.Contains("ada", banner);
            Assert.Contains("Shooting downtown <b>now</b>", banner); // as text: the markup is escaped in the page
            Assert.DoesNotContain("<b>now</b>", html);
        }

        var freezeId = (await _gateway.Service<Gateway.Freeze.FreezeStore>().GetAsync()).Freezes.Single().Id;
        var lifted = await _admin.PostFormAsync("/crisis?handler=Unfreeze", [new("id", freezeId), new("reason", "All clear")]);
        Assert.Equal(HttpStatusCode.Redirect, lifted.StatusCode);
        Assert.Empty(WebSession.Texts(await _eve.GetHtmlAsync("/"), "//div[@id='freeze-banner']"));
    }

    [Fact]
    public async Task Held_posts_are_released_spaced_apart_or_cancelled_from_the_crisis_page()
    {
        var store = _gateway.Service<PostStore>();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = (await _api.SubmitAsync("acme", $"Weekend offer {i}", DateTimeOffset.UtcNow.AddDays(1))).GetProperty("id").GetString()!;
            await store.ChangeAsync(new PostChange(id, PostStatus.Held, "test", "post.held", "Came due during a freeze.") { ExpectedFrom = PostStatus.Scheduled }, default);
            ids.Add(id);
        }
        var crisis = await _admin.GetHtmlAsync("/crisis");
        Assert.Equal(3, WebSession.Parse(crisis).DocumentNode.SelectNodes("//input[@name='ids']")!.Count);

        var noSpacing = await _admin.PostFormAsync("/crisis?handler=Release", [new("ids", ids[0]), new("ids", ids[1]), new("scheduledAt", "2030-03-02T08:00"), new("spacingMinutes", "")]);
        Assert.Equal(HttpStatusCode.BadRequest, noSpacing.StatusCode); // empty is a mistake, not "all at once"
        Assert.Equal(PostStatus.Held, (await store.GetAsync(ids[0]))!.Status);

        var released = await _admin.PostFormAsync("/crisis?handler=Release",
            [new("ids", ids[0]), new("ids", ids[1]), new("scheduledAt", "2030-03-02T08:00"), new("spacingMinutes", "20")]);
        Assert.Equal("/crisis", WebSession.RedirectTarget(released)); // post/redirect/get: a reload does not release again
        Assert.Contains("Released 2 of 2 post(s).", await _admin.GetHtmlAsync("/crisis"));
        var first = await store.GetAsync(ids[0]);
        var second = await store.GetAsync(ids[1]);
        Assert.Equal((PostStatus.Scheduled, PostStatus.Scheduled), (first!.Status, second!.Status));
        Assert.Equal(DateTimeOffset.Parse("2030-03-02T08:00:00Z"), first.ScheduledAt);
        Assert.Equal(TimeSpan.FromMinutes(20), second.ScheduledAt - first.ScheduledAt);

        var cancelled = await _admin.PostFormAsync("/crisis?handler=Cancel", [new("ids", ids[2])]);
        Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
        Assert.Equal(PostStatus.Cancelled, (await store.GetAsync(ids[2]))!.Status);
    }

    [Fact]
    public async Task A_script_in_a_post_stays_text_on_every_page()
    {
        var id = (await _api.SubmitAsync("acme", Xss, DateTimeOffset.UtcNow.AddHours(3))).GetProperty("id").GetString()!;
        var live = await _eve.PostFormAsync("/compose?handler=Check", [new("account", "acme"), new("body", Xss)], "/compose");
        var pages = new List<string> { await live.Content.ReadAsStringAsync() };
        foreach (var path in new[] { "/", "/?view=week", $"/posts/{id}", $"/compose/{id}" })
        {
            pages.Add(await _eve.GetHtmlAsync(path));
        }
        if (await _api.StatusAsync(id) == "pending_review")
        {
            pages.Add(await _rita.GetHtmlAsync("/reviews"));
        }
        foreach (var html in pages)
        {
            Assert.DoesNotContain("<script>window", html);
            Assert.DoesNotContain("<img src=x", html);
            Assert.DoesNotContain("href=\"javascript:", html);
            var document = WebSession.Parse(html);
            Assert.Null(document.DocumentNode.SelectSingleNode("//*[@onerror]"));
            Assert.All(document.DocumentNode.SelectNodes("//script") ?? Enumerable.Empty<HtmlAgilityPack.HtmlNode>(),
                s => Assert.Equal("/assets/app.js", s.GetAttributeValue("src", "")));
        }
        var detail = WebSession.Parse(pages[3]);
        // The line opens with raw HTML, so all of it is an HTML block: shown as its text, with no live link in it.
        var preview = detail.DocumentNode.SelectSingleNode("//div[@class='preview']")!;
        Assert.Contains("<script>window.__xss=1</script>", System.Net.WebUtility.HtmlDecode(preview.InnerText));
        Assert.All(preview.SelectNodes(".//a[@href]") ?? Enumerable.Empty<HtmlAgilityPack.HtmlNode>(), a => Assert.Equal("#unsafe-link", a.GetAttributeValue("href", "")));
    }

    [Fact]
    public async Task The_queue_filters_by_account_and_status_and_shows_the_week()
    {
        var monday = new DateTimeOffset(2030, 1, 7, 9, 0, 0, TimeSpan.Zero);
        await _api.SubmitAsync("acme", "Monday post", monday);
        await _api.SubmitAsync("acme", "Wednesday post", monday.AddDays(2));
        await _api.SubmitAsync("acme", "Next week post", monday.AddDays(8));

        var unknown = await _eve.GetAsync("/?status=sheduled");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Empty(WebSession.Texts(await unknown.Content.ReadAsStringAsync(), "//table[@class='posts']/tbody/tr"));
        Assert.Equal(HttpStatusCode.OK, (await _eve.GetAsync("/?view=week&week=9999-12-31")).StatusCode);

        var list = await _eve.GetHtmlAsync("/?account=acme&status=scheduled");
        Assert.Equal(3, WebSession.Texts(list, "//table[@class='posts']/tbody/tr").Count);
        var foreign = await _eve.GetAsync("/?account=other"); // eve is no editor of 'other'
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        Assert.Empty(WebSession.Texts(await foreign.Content.ReadAsStringAsync(), "//table[@class='posts']/tbody/tr"));

        var week = await _eve.GetHtmlAsync("/?view=week&week=2030-01-09");
        var days = WebSession.Parse(week).DocumentNode.SelectNodes("//section[@class='day']");
        Assert.Equal(7, days!.Count);
        Assert.Contains("Monday post", days[0].InnerText);
        Assert.Contains("Wednesday post", days[2].InnerText);
        Assert.DoesNotContain("Next week post", week);
        Assert.Contains("Next week post", await _eve.GetHtmlAsync("/?view=week&week=2030-01-14"));
    }

    [Fact]
    public async Task An_editor_of_another_account_sees_neither_the_post_nor_its_thread_on_any_page()
    {
        var id = (await _api.SubmitAsync("other", "Launch plan for other", DateTimeOffset.UtcNow.AddDays(1))).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await _api.PostJsonAsync($"/api/posts/{id}/comments", new { text = "Embargoed until Monday" })).StatusCode);

        foreach (var path in new[] { $"/posts/{id}", $"/compose/{id}" })
        {
            Assert.Equal("/forbidden", WebSession.RedirectTarget(await _eve.GetAsync(path))!.Split('?')[0]);
        }
        var comment = await _eve.PostFormAsync($"/posts/{id}?handler=Comment", [new("text", "Let me see")], formPage: "/");
        Assert.Equal("/forbidden", WebSession.RedirectTarget(comment)!.Split('?')[0]);
        Assert.Single(await _gateway.Service<Gateway.Reviews.ReviewStore>().CommentsAsync(id));
        var queue = await _eve.GetHtmlAsync("/");
        Assert.DoesNotContain("Launch plan for other", queue);
        Assert.DoesNotContain("Launch plan for other", await _eve.GetHtmlAsync("/?view=week&week=" + DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd")));
        Assert.DoesNotContain(">other (", queue); // nor is the account offered as a filter

        var reviewerView = await _rita.GetHtmlAsync($"/posts/{id}");
        Assert.Contains("Embargoed until Monday", WebSession.Texts(reviewerView, "//ul[@class='thread']//p"));
    }

    [Fact]
    public async Task Pages_check_roles_and_forms_need_their_antiforgery_token()
    {
        Assert.Equal("/forbidden", WebSession.RedirectTarget(await _eve.GetAsync("/crisis"))!.Split('?')[0]);
        Assert.Equal("/forbidden", WebSession.RedirectTarget(await _eve.GetAsync("/reviews"))!.Split('?')[0]);
        Assert.Equal("/forbidden", WebSession.RedirectTarget(await _rita.GetAsync("/compose"))!.Split('?')[0]);
        using var anonymous = WebSession.Anonymous(_gateway);
        foreach (var path in new[] { "/", "/compose", "/reviews", "/crisis", "/posts/x" })
        {
            Assert.StartsWith("/signin", WebSession.RedirectTarget(await anonymous.GetAsync(path)));
        }

        var noToken = await _admin.PostFormWithoutTokenAsync("/crisis?handler=Freeze", [new("reason", "forged"), new("confirm", "true")]);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.False((await _gateway.Service<Gateway.Freeze.FreezeStore>().GetAsync()).Frozen);

        // The API takes bearer tokens only: a session cookie does not drive it.
        Assert.Equal(HttpStatusCode.Unauthorized, (await _admin.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Signing_in_takes_a_valid_token_sets_a_locked_down_cookie_and_signing_out_ends_the_session()
    {
        using var stranger = WebSession.Anonymous(_gateway);
        var refused = await stranger.TrySignInAsync("cg_not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Set-Cookie") && refused.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("cg.session")));

        var (_, token) = await _gateway.Service<Gateway.Users.UserStore>().CreateAsync("sam", "editor", "test");
        var accepted = await stranger.TrySignInAsync(token);
        var cookie = accepted.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("cg.session="));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(token, cookie);
        var home = await stranger.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("script-src 'self'", home.Headers.GetValues("Content-Security-Policy").Single());
        Assert.DoesNotContain("unsafe-inline", home.Headers.GetValues("Content-Security-Policy").Single());

        Assert.Equal(HttpStatusCode.Redirect, (await stranger.PostFormAsync("/signout", [], "/")).StatusCode);
        Assert.StartsWith("/signin", WebSession.RedirectTarget(await stranger.GetAsync("/")));
    }

    [Fact]
    public async Task Saving_an_edit_without_touching_the_time_keeps_the_exact_instant()
    {
        var at = new DateTimeOffset(2030, 10, 27, 0, 30, 15, TimeSpan.Zero); // with seconds, which the form's field drops
        var id = (await _api.SubmitAsync("acme", "Autumn offer", at)).GetProperty("id").GetString()!;
        var form = await _eve.GetHtmlAsync($"/compose/{id}");
        var shown = WebSession.Parse(form).DocumentNode.SelectSingleNode("//input[@id='scheduledAt']")!.GetAttributeValue("value", "");
        var saved = await _eve.PostFormAsync($"/compose/{id}", [new("body", "Autumn offer, edited"), new("scheduledAt", shown), new("originalScheduledAt", shown)]);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var post = (await _gateway.Service<PostStore>().GetAsync(id))!;
        Assert.Equal(("Autumn offer, edited", at), (post.Body, post.ScheduledAt));
    }

    [Fact]
    public async Task A_refused_override_gives_back_what_was_typed()
    {
        var id = (await _api.SubmitAsync("acme", new string('a', 400), DateTimeOffset.UtcNow.AddDays(1))).GetProperty("id").GetString()!;
        Assert.Equal("blocked", await _api.StatusAsync(id)); // longer than the network allows
        var tooShort = await _admin.PostFormAsync($"/posts/{id}?handler=Override", [new("reason", "because")]);
        Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
        var html = await tooShort.Content.ReadAsStringAsync();
        Assert.Single(WebSession.Texts(html, "//p[@class='error']"));
        Assert.Equal("because", WebSession.Parse(html).DocumentNode.SelectSingleNode("//input[@id='override-reason']")!.GetAttributeValue("value", ""));
        Assert.Equal("blocked", await _api.StatusAsync(id));
    }
}

using System.Globalization;
using Gateway.Tests.Support;
using Gateway.Users;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.Web;

/// <summary>
/// The dashboard in a real browser against a real gateway: what an editor, a reviewer and an admin see and click.
/// Tests share one gateway, so every test makes its own users and accounts.
/// </summary>
public sealed class BrowserTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    /// <summary>"massacre" is violence, certainty 3: severity review on a brand account.</summary>
    private const string RiskyBody = "Our spring sale is a massacre of old prices: everything must go!";
    private const string RiskyRule = "topic.violence";

    private const string ScriptPayload = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">";
    private const string LinkPayload = "[x](javascript:window.__xss=3)";

    private static readonly TimeZoneInfo BrowserZone = TimeZoneInfo.FindSystemTimeZoneById(BrowserFixture.TimeZoneId);

    [Fact]
    public async Task Editor_sees_a_sensitive_word_highlighted_while_typing_then_the_post_waits_for_review()
    {
        Announce();
        var token = await fixture.UserAsync("ed-a", Role.Editor);
        await fixture.AccountAsync("brand-a", "ed-a");
        await using var editor = await fixture.SignInAsync(token, "editor");

        await editor.GotoAsync("/compose");
        await editor.Locator("select#account").SelectOptionAsync("brand-a");
        var (local, utc) = Tomorrow(10, 30);
        await editor.Locator("input#scheduledAt").FillAsync(local);
        await editor.Locator("textarea#body").PressSequentiallyAsync(RiskyBody);

        // The live check answers after the debounce, before anything is submitted.
        var live = editor.Locator("#live");
        var mark = live.Locator("mark.finding").First;
        await Expect(mark).ToBeVisibleAsync();
        await Expect(mark).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bsev-review\b"));
        await Expect(mark).ToContainTextAsync("massacre");
        Assert.Contains(RiskyRule, await mark.GetAttributeAsync("title") ?? "");
        await Expect(live.Locator("ol.findings > li code.rule").Filter(new() { HasText = RiskyRule })).ToHaveCountAsync(1);
        await Expect(live.Locator(".preview")).ToContainTextAsync("spring sale");
        await editor.ShotAsync("live-findings");

        await editor.Button("Submit post").ClickAsync();
        await editor.Page.WaitForURLAsync("**/posts/*");
        await Expect(editor.Locator(".status").First).ToHaveTextAsync("pending review");
        await Expect(editor.Locator("mark.finding").First).ToBeVisibleAsync();
        await Expect(editor.Locator("ol.findings > li code.rule").Filter(new() { HasText = RiskyRule })).ToHaveCountAsync(1);
        // The time typed in the browser's zone (not UTC) is the instant stored.
        var stored = await editor.Locator("dl.facts time[datetime]").First.GetAttributeAsync("datetime");
        Assert.Equal(utc.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), stored);
        await editor.ShotAsync("submitted");

        var id = PostId(editor);
        using var api = fixture.Api(token);
        Assert.Equal("pending_review", await api.StatusAsync(id));
        AssertClean(editor);
    }

    [Fact]
    public async Task Reviewer_opens_the_post_from_the_inbox_and_approves_it_with_a_comment()
    {
        Announce();
        var editorToken = await fixture.UserAsync("ed-b", Role.Editor);
        var reviewerToken = await fixture.UserAsync("rev-b", Role.Reviewer);
        await fixture.AccountAsync("brand-b", "ed-b");
        using var api = fixture.Api(editorToken);
        var id = (await api.SubmitAsync("brand-b", RiskyBody, DateTimeOffset.UtcNow.AddDays(1))).GetProperty("id").GetString()!;
        Assert.Equal("pending_review", await api.StatusAsync(id));

        await using var reviewer = await fixture.SignInAsync(reviewerToken, "reviewer");
        await reviewer.GotoAsync("/reviews");
        var item = reviewer.Locator("article.inbox-item").Filter(new() { Has = reviewer.Locator($"a[href='/posts/{id}']") });
        await Expect(item).ToHaveCountAsync(1);
        // One line a post: the findings and the link open with it.
        await Expect(item.Locator($"a[href='/posts/{id}']")).ToBeHiddenAsync();
        await item.Locator("summary").First.ClickAsync();
        await Expect(item.Locator("ol.findings")).ToBeVisibleAsync();
        await reviewer.ShotAsync("inbox-opened");
        await item.Locator($"a[href='/posts/{id}']").First.ClickAsync();
        await reviewer.Page.WaitForURLAsync($"**/posts/{id}");
        await Expect(reviewer.Locator(".status").First).ToHaveTextAsync("pending review");
        await Expect(reviewer.Locator("mark.finding").First).ToBeVisibleAsync();
        await reviewer.ShotAsync("post-before-review");

        await reviewer.Locator("textarea#review-comment").FillAsync("Fine for a sale, the word is figurative.");
        await reviewer.Button("Approve").ClickAsync();
        await reviewer.Page.WaitForURLAsync($"**/posts/{id}");
        await Expect(reviewer.Locator(".status").First).ToHaveTextAsync("scheduled");
        await Expect(reviewer.Locator("ul.thread")).ToContainTextAsync("Fine for a sale, the word is figurative.");
        await reviewer.ShotAsync("approved");

        // The comment thread: a plain comment after the review.
        await reviewer.Locator("textarea#comment-text").FillAsync("Double-checked the date too.");
        await reviewer.Button("Comment").ClickAsync();
        await Expect(reviewer.Locator("ul.thread")).ToContainTextAsync("Double-checked the date too.");
        await reviewer.ShotAsync("commented");

        Assert.Equal("scheduled", await api.StatusAsync(id));
        AssertClean(reviewer);
    }

    [Fact]
    public async Task Author_cannot_approve_their_own_risky_post()
    {
        Announce();
        var adminToken = await fixture.UserAsync("admin-c", Role.Admin);
        await fixture.AccountAsync("brand-c");
        await using var admin = await fixture.SignInAsync(adminToken, "admin");

        await admin.GotoAsync("/compose");
        await admin.Locator("select#account").SelectOptionAsync("brand-c");
        await admin.Locator("input#scheduledAt").FillAsync(Tomorrow(9, 0).Local);
        await admin.Locator("textarea#body").FillAsync(RiskyBody);
        await Expect(admin.Locator("#live mark.finding").First).ToBeVisibleAsync();
        await admin.Button("Submit post").ClickAsync();
        await admin.Page.WaitForURLAsync("**/posts/*");
        await Expect(admin.Locator(".status").First).ToHaveTextAsync("pending review");

        await Expect(admin.Locator(".cannot-review")).ToBeVisibleAsync();
        await Expect(admin.Button("Approve")).ToHaveCountAsync(0);
        await Expect(admin.Button("Reject")).ToHaveCountAsync(0);
        await admin.ShotAsync("own-post");
        var id = PostId(admin);

        // Nor does the post wait in the author's own inbox.
        await admin.GotoAsync("/reviews");
        await Expect(admin.Locator($"article.inbox-item a[href='/posts/{id}']")).ToHaveCountAsync(0);
        AssertClean(admin);
    }

    [Fact]
    public async Task Admin_freezes_from_the_crisis_room_and_another_user_sees_the_banner_everywhere()
    {
        Announce();
        var adminToken = await fixture.UserAsync("admin-d", Role.Admin);
        var editorToken = await fixture.UserAsync("ed-d", Role.Editor);
        await fixture.AccountAsync("brand-d", "ed-d");
        await using var admin = await fixture.SignInAsync(adminToken, "admin");
        await using var editor = await fixture.SignInAsync(editorToken, "editor");
        const string reason = "Browser drill: breaking news in our market";
        try
        {
            await editor.GotoAsync("/", "before");
            await Expect(editor.Locator("#freeze-banner")).ToHaveCountAsync(0);

            await admin.GotoAsync("/crisis");
            await admin.Locator("input#freeze-reason").FillAsync(reason);
            await admin.Locator("input#freeze-confirm").CheckAsync();
            await admin.Button("Freeze all publishing").ClickAsync();
            await Expect(admin.Locator("#freeze-banner")).ToBeVisibleAsync();
            await admin.ShotAsync("frozen");
            Assert.Contains(admin.Dialogs, d => d.StartsWith("confirm: Freeze ALL publishing", StringComparison.Ordinal));

            foreach (var path in new[] { "/", "/compose" })
            {
                await editor.GotoAsync(path, "frozen-" + path);
                var banner = editor.Locator("#freeze-banner");
                await Expect(banner).ToBeVisibleAsync();
                await Expect(banner).ToContainTextAsync("admin-d");
                await Expect(banner).ToContainTextAsync(reason);
            }

            await admin.GotoAsync("/crisis", "before-unfreeze");
            await admin.Locator("input#unfreeze-reason").FillAsync("Drill over, all clear");
            await admin.Button("Unfreeze").ClickAsync();
            await Expect(admin.Locator("#freeze-banner")).ToHaveCountAsync(0);
            await admin.ShotAsync("unfrozen");

            await editor.GotoAsync("/", "after");
            await Expect(editor.Locator("#freeze-banner")).ToHaveCountAsync(0);
            AssertClean(admin);
            AssertClean(editor);
        }
        finally
        {
            // Other tests share this gateway: never leave it frozen, whatever failed above.
            using var api = fixture.Api(adminToken);
            var state = await (await api.GetAsync("/api/freeze")).ReadJsonAsync();
            if (state.GetProperty("frozen").GetBoolean())
            {
                await api.UnfreezeAsync("browser test cleanup");
            }
        }
    }

    [Fact]
    public async Task Script_and_javascript_links_in_a_post_stay_inert_text_on_every_page()
    {
        Announce();
        var editorToken = await fixture.UserAsync("ed-e", Role.Editor);
        var reviewerToken = await fixture.UserAsync("rev-e", Role.Reviewer);
        await fixture.AccountAsync("brand-e", "ed-e");
        // The sensitive word sends it to review, so it shows in the reviewers' inbox too.
        var body = $"{ScriptPayload}\n\n{LinkPayload} massacre";

        await using var editor = await fixture.SignInAsync(editorToken, "editor");
        var compose = await editor.GotoAsync("/compose");
        Assert.Contains("script-src 'self'", await compose.HeaderValueAsync("content-security-policy") ?? "");
        await editor.Locator("select#account").SelectOptionAsync("brand-e");
        await editor.Locator("input#scheduledAt").FillAsync(Tomorrow(11, 0).Local);
        await editor.Locator("textarea#body").FillAsync(body);
        var preview = editor.Locator("#live .preview");
        await Expect(preview).ToContainTextAsync("<script>window.__xss=1</script>");
        await Expect(editor.Locator("#live .source")).ToContainTextAsync(ScriptPayload);
        await AssertInertAsync(editor, "live preview");
        // The javascript: link is disarmed: following it runs nothing.
        var link = preview.Locator("a").Filter(new() { HasText = "x" });
        if (await link.CountAsync() > 0)
        {
            Assert.DoesNotContain("javascript:", await link.First.GetAttributeAsync("href") ?? "", StringComparison.OrdinalIgnoreCase);
            await link.First.ClickAsync();
            await AssertInertAsync(editor, "live preview, link clicked");
        }
        await editor.ShotAsync("live-preview");

        await editor.Button("Submit post").ClickAsync();
        await editor.Page.WaitForURLAsync("**/posts/*");
        var uiId = PostId(editor);
        await editor.ShotAsync("post-from-ui");
        await AssertPostPageInertAsync(editor, uiId);

        // The same body through the API, shown by the same pages.
        using var api = fixture.Api(editorToken);
        var apiId = (await api.SubmitAsync("brand-e", body, DateTimeOffset.UtcNow.AddDays(1))).GetProperty("id").GetString()!;
        await editor.GotoAsync($"/posts/{apiId}", "post-from-api");
        await AssertPostPageInertAsync(editor, apiId);

        await editor.GotoAsync("/", "queue");
        // The queue shows what the network is sent: raw HTML is no part of it, the link is its text and address, inert.
        await Expect(editor.Locator($"a[href='/posts/{uiId}']")).ToContainTextAsync("x javascript:window.__xss=3 massacre");
        await AssertInertAsync(editor, "queue");

        await using var reviewer = await fixture.SignInAsync(reviewerToken, "reviewer");
        await reviewer.GotoAsync("/reviews");
        foreach (var id in new[] { uiId, apiId })
        {
            var item = reviewer.Locator("article.inbox-item").Filter(new() { Has = reviewer.Locator($"a[href='/posts/{id}']") });
            await Expect(item.Locator(".source")).ToContainTextAsync(ScriptPayload);
        }
        await AssertInertAsync(reviewer, "reviews");

        // Evidence the CSP is on, not just that the pages escape: an inline script put in by hand is refused.
        await reviewer.Page.EvaluateAsync(
            "() => { const s = document.createElement('script'); s.textContent = 'window.__csp = 1'; document.body.appendChild(s); }");
        Assert.Equal("undefined", await reviewer.Page.EvaluateAsync<string>("() => typeof window.__csp"));
        await Expect(reviewer.Page.Locator("body")).ToBeVisibleAsync();
        var cspErrors = await WaitForConsoleAsync(reviewer, e => e.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
        output.WriteLine("CSP evidence: " + string.Join(" | ", cspErrors));
        Assert.NotEmpty(cspErrors);
        Assert.Empty(editor.Dialogs);
        Assert.Empty(reviewer.Dialogs);
    }

    private async Task AssertPostPageInertAsync(BrowserSession session, string id)
    {
        Assert.Equal($"/posts/{id}", session.PathNow);
        await Expect(session.Locator(".source").First).ToContainTextAsync(ScriptPayload);
        await Expect(session.Locator(".source").First).ToContainTextAsync(LinkPayload);
        await Expect(session.Locator(".preview").First).ToContainTextAsync("<img src=x onerror=");
        await AssertInertAsync(session, $"/posts/{id}");
    }

    /// <summary>Nothing from the payload ran, nothing of it became an element, no dialog opened.</summary>
    private static async Task AssertInertAsync(BrowserSession session, string where)
    {
        // Give an injected onerror time to fire had the img been real.
        await session.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.True(await session.Page.EvaluateAsync<bool>("() => typeof window.__xss === 'undefined'"), $"window.__xss was set on {where}");
        Assert.Equal(0, await session.Locator("img[src='x']").CountAsync());
        Assert.Equal(0, await session.Locator("main script").CountAsync());
        Assert.Equal(0, await session.Locator("a[href^='javascript:' i]").CountAsync());
        Assert.True(session.Dialogs.Count == 0, $"dialogs on {where}: {string.Join(" | ", session.Dialogs)}");
        Assert.True(session.PageErrors.Count == 0, $"page errors on {where}: {string.Join(" | ", session.PageErrors)}");
    }

    private static async Task<List<string>> WaitForConsoleAsync(BrowserSession session, Func<string, bool> match)
    {
        for (var i = 0; i < 50; i++)
        {
            lock (session.ConsoleErrors)
            {
                var found = session.ConsoleErrors.Where(match).ToList();
                if (found.Count > 0)
                {
                    return found;
                }
            }
            await Task.Delay(100);
        }
        return [];
    }

    /// <summary>No script errors and no console errors: the pages work under their own CSP.</summary>
    internal static void AssertClean(BrowserSession session)
    {
        Assert.True(session.PageErrors.Count == 0, "page errors: " + string.Join(" | ", session.PageErrors));
        Assert.True(session.ConsoleErrors.Count == 0, "console errors: " + string.Join(" | ", session.ConsoleErrors));
    }

    /// <summary>Tomorrow at a wall-clock time in the browser's zone: the text for the field and the instant it means.</summary>
    internal static (string Local, DateTimeOffset Utc) Tomorrow(int hour, int minute)
    {
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, BrowserZone);
        var wall = today.Date.AddDays(1).AddHours(hour).AddMinutes(minute);
        var instant = new DateTimeOffset(wall, BrowserZone.GetUtcOffset(wall)).ToUniversalTime();
        return (wall.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture), instant);
    }

    internal static string PostId(BrowserSession session)
    {
        var path = session.PathNow;
        Assert.StartsWith("/posts/", path);
        return path["/posts/".Length..];
    }

    private void Announce() => output.WriteLine($"screenshots: {BrowserFixture.ScreenshotDir}");
}

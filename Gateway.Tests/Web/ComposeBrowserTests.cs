using System.Globalization;
using System.Text.RegularExpressions;
using Gateway.Accounts;
using Gateway.Tests.Support;
using Gateway.Users;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Gateway.Tests.Web.BrowserTests;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.Web;

/// <summary>Drafts, posts for several accounts and the month calendar, in a real browser against a real gateway.</summary>
public sealed class ComposeBrowserTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private static readonly TimeZoneInfo BrowserZone = TimeZoneInfo.FindSystemTimeZoneById(BrowserFixture.TimeZoneId);

    [Fact]
    public async Task Editor_saves_a_draft_without_a_time_finds_it_in_the_queue_and_submits_it_with_one()
    {
        Announce();
        var token = await fixture.UserAsync("ed-draft", Role.Editor);
        await fixture.AccountAsync("brand-draft", "ed-draft");
        await using var editor = await fixture.SignInAsync(token, "editor");

        await editor.GotoAsync("/compose");
        await editor.Locator("select#account").SelectOptionAsync("brand-draft");
        await editor.Locator("textarea#body").FillAsync("Our autumn range arrives next week.");
        await Expect(editor.Locator("#live .counter[data-account='brand-draft']")).ToContainTextAsync("of 280 left");
        await editor.Button("Save as draft").ClickAsync();
        await editor.Page.WaitForURLAsync("**/posts/*");
        var id = PostId(editor);
        await Expect(editor.Locator("h1 .status")).ToHaveTextAsync("draft");
        await Expect(editor.Locator("dl.facts")).ToContainTextAsync("No time yet");
        await editor.ShotAsync("draft-saved");
        using var api = fixture.Api(token);
        Assert.Equal("draft", await api.StatusAsync(id));

        // The queue's own filter shows it.
        await editor.GotoAsync("/?status=draft", "queue-drafts");
        await Expect(editor.Locator($"table.posts a[href='/posts/{id}']")).ToHaveCountAsync(1);

        // Submitting it without a time is refused, and the page says why.
        await editor.GotoAsync($"/posts/{id}");
        await editor.Button("Submit draft").ClickAsync();
        await Expect(editor.Locator("p.error")).ToContainTextAsync("no time");
        await editor.ShotAsync("submit-refused");
        Assert.Equal("draft", await api.StatusAsync(id));

        await editor.Page.GetByRole(AriaRole.Link, new() { Name = "Edit draft" }).ClickAsync();
        await editor.Page.WaitForURLAsync($"**/compose/{id}");
        var (local, utc) = Tomorrow(11, 15);
        await editor.Locator("input#scheduledAt").FillAsync(local);
        await editor.ShotAsync("draft-timed");
        await editor.Button("Submit post").ClickAsync();
        await editor.Page.WaitForURLAsync($"**/posts/{id}");
        await Expect(editor.Locator("h1 .status")).ToHaveTextAsync("scheduled");
        await Expect(editor.Locator("p.notice")).ToContainTextAsync("Submitted");
        await editor.ShotAsync("submitted");
        var post = await api.GetPostAsync(id);
        Assert.Equal("scheduled", post.GetProperty("status").GetString());
        Assert.Equal(utc, post.GetProperty("scheduledAt").GetDateTimeOffset());
        AssertCleanBut(editor, "handler=Submit");
    }

    [Fact]
    public async Task Editor_attaches_a_phone_photo_is_told_its_alt_text_is_missing_describes_it_and_submits()
    {
        Announce();
        var token = await fixture.UserAsync("ed-img", Role.Editor);
        await fixture.AccountAsync("brand-img", "ed-img");
        await using var editor = await fixture.SignInAsync(token, "editor");

        await editor.GotoAsync("/compose");
        await editor.Locator("select#account").SelectOptionAsync("brand-img");
        await editor.Locator("textarea#body").FillAsync("Our new shelter opened today.");
        await editor.Locator("input#upload").SetInputFilesAsync(new FilePayload { Name = "phone.jpg", MimeType = "image/jpeg", Buffer = Gateway.Tests.Media.TestImages.PhoneJpeg() });
        await editor.Button("Attach").ClickAsync();

        // The form comes back with the image attached, its location data gone, and what was typed kept.
        await Expect(editor.Locator("p.notice")).ToContainTextAsync("gps");
        await Expect(editor.Locator("textarea#body")).ToHaveValueAsync("Our new shelter opened today.");
        var thumbnail = editor.Locator("fieldset.images img.media-thumb");
        await Expect(thumbnail).ToHaveCountAsync(1);
        Assert.True(await thumbnail.EvaluateAsync<bool>("i => i.complete && i.naturalWidth > 0"), "the thumbnail did not load");
        await editor.Locator("textarea#body").FillAsync("Our new shelter opened today!");
        await Expect(editor.Locator("#live")).ToContainTextAsync("has no alt text");
        await editor.ShotAsync("image-attached");

        await editor.Page.GetByLabel("Alt text for image 1").FillAsync("Volunteers in front of the new shelter");
        await editor.Button("Submit post").ClickAsync();
        await editor.Page.WaitForURLAsync("**/posts/*");
        var id = PostId(editor);
        await Expect(editor.Locator("ol.media-list figcaption")).ToContainTextAsync("Volunteers in front of the new shelter");
        await editor.ShotAsync("posted-with-image");

        using var api = fixture.Api(token);
        var media = (await api.GetPostAsync(id)).GetProperty("media").EnumerateArray().Single();
        Assert.Equal("Volunteers in front of the new shelter", media.GetProperty("alt").GetString());
        Assert.Matches("^[0-9a-f]{32}$", media.GetProperty("id").GetString()!);
        AssertClean(editor);
    }

    [Fact]
    public async Task Editor_writes_one_post_for_two_networks_sees_each_count_and_preview_then_edits_one_of_them()
    {
        Announce();
        var token = await fixture.UserAsync("ed-group", Role.Editor);
        await fixture.AccountAsync("group-x", "ed-group");
        await fixture.Service<AccountStore>().SaveAsync("group-masto", new AccountRequest("group-masto", "mastodon", "brand", "en", ["ed-group"], null), create: true, "test");
        await using var editor = await fixture.SignInAsync(token, "editor");

        await editor.GotoAsync("/compose");
        // Keyboard: the first account, then Shift+ArrowDown adds the next (the options are in id order).
        var select = editor.Locator("select#account");
        await select.FocusAsync();
        await editor.Page.Keyboard.PressAsync("Home");
        await editor.Page.Keyboard.PressAsync("Shift+ArrowDown");
        Assert.Equal(["group-masto", "group-x"], (await select.EvaluateAsync<string[]>("s => [...s.selectedOptions].map(o => o.value)")).Order().ToArray());

        // 270 letters and a link: X counts the link as 23 (293, over 280), Mastodon too (293 of 500).
        var body = new string('a', 269) + " https://example.com/" + new string('p', 60);
        await editor.Locator("textarea#body").FillAsync(body);
        var live = editor.Locator("#live");
        await Expect(live.Locator(".counter[data-account='group-x']")).ToContainTextAsync("13 over the limit of 280");
        await Expect(live.Locator(".counter[data-account='group-masto']")).ToContainTextAsync("207 of 500 left");
        await Expect(live.Locator(".network-preview.net-x mark.over")).ToHaveCountAsync(1);
        await Expect(live.Locator(".network-preview.net-mastodon mark.over")).ToHaveCountAsync(0);
        await Expect(live.Locator(".network-preview.net-mastodon figcaption")).ToContainTextAsync("Mastodon");
        await Expect(live.Locator("section.target[data-account='group-x'] code.rule").Filter(new() { HasText = "network.length" })).ToHaveCountAsync(1);
        await Expect(live.Locator("section.target[data-account='group-masto'] code.rule").Filter(new() { HasText = "network.length" })).ToHaveCountAsync(0);
        await editor.ShotAsync("two-networks-live");

        await editor.Locator("input#scheduledAt").FillAsync(Tomorrow(14, 0).Local);
        await editor.Button("Submit post").ClickAsync();
        await editor.Page.WaitForURLAsync("**/posts/*");
        await Expect(editor.Locator("p.notice")).ToContainTextAsync("for 2 accounts");
        var group = editor.Locator("section.group");
        await Expect(group.Locator("tr[data-account='group-x'] .status")).ToHaveTextAsync("blocked");
        await Expect(group.Locator("tr[data-account='group-masto'] .status")).ToHaveTextAsync("scheduled");
        await editor.ShotAsync("group");

        // Edit the X post alone: open it from the group, shorten it.
        using var api = fixture.Api(token);
        var xId = PostId(editor);
        if (!(await editor.Locator("h1").InnerTextAsync()).Contains("group-x", StringComparison.Ordinal))
        {
            await group.Locator("tr[data-account='group-x'] a").ClickAsync();
            await editor.Page.WaitForURLAsync("**/posts/*");
            xId = PostId(editor);
        }
        var mastoId = (await api.GetPostAsync(xId)).GetProperty("group").GetString() is { } groupId
            ? (await (await api.GetAsync($"/api/groups/{groupId}")).ReadJsonAsync()).GetProperty("posts").EnumerateArray()
                .Single(p => p.GetProperty("account").GetString() == "group-masto").GetProperty("id").GetString()!
            : throw new InvalidOperationException("the post has no group");
        var mastoVersion = (await api.GetPostAsync(mastoId)).GetProperty("version").GetInt32();
        await editor.Page.GetByRole(AriaRole.Link, new() { Name = "Edit or reschedule" }).ClickAsync();
        await editor.Page.WaitForURLAsync($"**/compose/{xId}");
        await Expect(editor.Locator("#live .counter[data-account='group-x']")).ToContainTextAsync("over the limit");
        await editor.Locator("textarea#body").FillAsync("Short for X: https://example.com/");
        await Expect(editor.Locator("#live .counter[data-account='group-x']")).ToContainTextAsync("244 of 280 left");
        await editor.Button("Save changes").ClickAsync();
        await editor.Page.WaitForURLAsync($"**/posts/{xId}");
        await Expect(editor.Locator("section.group tr[data-account='group-x'] .status")).ToHaveTextAsync("scheduled");
        await editor.ShotAsync("x-edited");
        var masto = await api.GetPostAsync(mastoId);
        Assert.Equal(body, masto.GetProperty("body").GetString());
        Assert.Equal(mastoVersion, masto.GetProperty("version").GetInt32());
        AssertClean(editor);
    }

    [Fact]
    public async Task Editor_drags_a_post_to_another_day_in_the_month_view_and_moves_another_by_keyboard_at_phone_width()
    {
        Announce();
        var token = await fixture.UserAsync("ed-month", Role.Editor);
        await fixture.AccountAsync("brand-month", "ed-month");
        using var api = fixture.Api(token);
        // The 10th of next month at 09:30 in the browser's zone: a day every month has, never in the past.
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, BrowserZone).Date;
        var month = new DateTime(today.Year, today.Month, 1).AddMonths(1);
        var id = (await api.SubmitAsync("brand-month", "Monthly newsletter is out.", Instant(month.AddDays(9).AddHours(9).AddMinutes(30))))
            .GetProperty("id").GetString()!;

        await using var editor = await fixture.SignInAsync(token, "editor");
        var monthText = month.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        await editor.GotoAsync($"/?view=month&month={monthText}", "month");
        var slot = editor.Locator($".slot[data-post='{id}']");
        var target = editor.Locator($".day[data-day='{monthText}-14']");
        await Expect(editor.Locator($".day[data-day='{monthText}-10'] .slot[data-post='{id}']")).ToHaveCountAsync(1);
        await slot.DragToAsync(target);
        await Expect(editor.Locator("p.notice")).ToContainTextAsync("Moved brand-month's post");
        await Expect(editor.Locator($".day[data-day='{monthText}-14'] .slot[data-post='{id}']")).ToHaveCountAsync(1);
        await editor.ShotAsync("dragged");
        Assert.Equal(Instant(month.AddDays(13).AddHours(9).AddMinutes(30)), (await api.GetPostAsync(id)).GetProperty("scheduledAt").GetDateTimeOffset());

        // At phone width the month is a list of days; the keyboard moves the post with its "Move" form.
        await editor.Page.SetViewportSizeAsync(375, 800);
        await editor.GotoAsync($"/?view=month&month={monthText}", "phone-month");
        Assert.True(await editor.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 375"), "the month view scrolls sideways at 375 px");
        var move = editor.Locator($".slot[data-post='{id}'] details.move");
        await move.Locator("summary").FocusAsync();
        await editor.Page.Keyboard.PressAsync("Enter");
        var field = move.Locator("input[name='to']");
        await Expect(field).ToBeVisibleAsync();

        // A time in the past is refused, explained by the post, and nothing moves.
        await field.FillAsync(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddDays(-1), BrowserZone).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await field.PressAsync("Enter");
        var result = editor.Locator($".slot[data-post='{id}'] .move-result");
        await Expect(result).ToHaveClassAsync(new Regex(@"\brefused\b"));
        await Expect(result).ToContainTextAsync("Not moved");
        await Expect(result).ToContainTextAsync("in the past");
        await editor.ShotAsync("phone-refused");
        Assert.Equal(Instant(month.AddDays(13).AddHours(9).AddMinutes(30)), (await api.GetPostAsync(id)).GetProperty("scheduledAt").GetDateTimeOffset());

        var later = month.AddDays(19).AddHours(16).AddMinutes(45);
        await field.FillAsync(later.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        await move.GetByRole(AriaRole.Button, new() { Name = "Move" }).PressAsync("Enter");
        await Expect(editor.Locator("p.notice")).ToContainTextAsync("Moved brand-month's post");
        await Expect(editor.Locator($".day[data-day='{monthText}-20'] .slot[data-post='{id}']")).ToHaveCountAsync(1);
        await editor.ShotAsync("phone-moved");
        Assert.Equal(Instant(later), (await api.GetPostAsync(id)).GetProperty("scheduledAt").GetDateTimeOffset());
        AssertCleanBut(editor, "handler=Move");
    }

    /// <summary>
    /// As <see cref="BrowserTests.AssertClean"/>, but the one refusal the test asked for (a 400 from <paramref name="refused"/>,
    /// which Chromium logs as a failed resource) is expected: it must be there, and nothing else may be.
    /// </summary>
    private static void AssertCleanBut(BrowserSession session, string refused)
    {
        bool Expected(string e) => e.Contains("status of 400", StringComparison.Ordinal) && e.Contains(refused, StringComparison.Ordinal);
        Assert.True(session.PageErrors.Count == 0, "page errors: " + string.Join(" | ", session.PageErrors));
        Assert.Contains(session.ConsoleErrors, Expected);
        var others = session.ConsoleErrors.Where(e => !Expected(e)).ToArray();
        Assert.True(others.Length == 0, "console errors: " + string.Join(" | ", others));
    }

    /// <summary>A wall-clock time in the browser's zone as the instant it means.</summary>
    private static DateTimeOffset Instant(DateTime wall) => new DateTimeOffset(wall, BrowserZone.GetUtcOffset(wall)).ToUniversalTime();

    private void Announce() => output.WriteLine($"screenshots: {BrowserFixture.ScreenshotDir}");
}

using System.Net;
using Gateway.Freeze;
using Gateway.Posts;
using Gateway.Tests.Support;

namespace Gateway.Tests.Web;

/// <summary>
/// The dashboard as a crisis team reads it: bad news in warning and danger styles, incident reports in the
/// browser, posts as readers see them, an audit log with links, findings that say what to do, a compact inbox.
/// </summary>
public sealed class CrisisDashboardTests : IAsyncLifetime
{
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
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        _eve.Dispose();
        _rita.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task Blocked_held_frozen_and_rejected_never_wear_the_success_style()
    {
        // Too long for X: blocked. The notice after submitting is danger, not the green success banner.
        var blocked = await SubmitFromComposeAsync(new string('b', 281));
        Assert.Equal(["danger"], Notices(blocked));
        Assert.Contains("blocked", WebSession.Texts(blocked, "//p[contains(@class,'notice-danger')]").Single());
        Assert.NotEmpty(WebSession.Texts(blocked, "//dd[contains(@class,'status-reason') and contains(@class,'reason-danger')]"));

        // Pending review is a warning; an ordinary post is a success.
        Assert.Equal(["warning"], Notices(await SubmitFromComposeAsync("Our thoughts on the shooting #WhyIStayed")));
        Assert.Equal(["success"], Notices(await SubmitFromComposeAsync("Spring is here: new colours in the shop.")));

        // A freeze is danger; a post submitted while frozen is at least a warning, never a success.
        var frozen = await _admin.PostFormAsync("/crisis?handler=Freeze", [new("reason", "Shooting downtown"), new("confirm", "true")]);
        Assert.Equal(["danger"], Notices(await _admin.GetHtmlAsync(WebSession.RedirectTarget(frozen)!)));
        var whileFrozen = await SubmitFromComposeAsync("Spring is here: new colours in the shop, again.");
        Assert.Contains("frozen", WebSession.Texts(whileFrozen, "//p[contains(@class,'notice')]").Single());
        Assert.Equal(["warning"], Notices(whileFrozen));

        // Unfreezing with a post held meanwhile is a warning, not an all-clear.
        var heldId = (await _api.SubmitAsync("acme", "Due during the freeze", DateTimeOffset.UtcNow.AddDays(1))).GetProperty("id").GetString()!;
        var freezeId = (await _gateway.Service<FreezeStore>().GetAsync()).Freezes.Single().Id;
        await _gateway.Service<PostStore>().ChangeAsync(
            new PostChange(heldId, PostStatus.Held, "test", "post.held", "Came due during a freeze.") { ExpectedFrom = PostStatus.Scheduled, HeldFor = freezeId }, default);
        var lifted = await _admin.PostFormAsync("/crisis?handler=Unfreeze", [new("id", freezeId), new("reason", "All clear")]);
        var crisis = await _admin.GetHtmlAsync(WebSession.RedirectTarget(lifted)!);
        Assert.Equal(["warning"], Notices(crisis));

        // Rejecting is danger.
        var risky = (await _api.SubmitAsync("acme", "About the shooting #WhyIStayed", DateTimeOffset.UtcNow.AddDays(2))).GetProperty("id").GetString()!;
        var post = (await _gateway.Service<PostStore>().GetAsync(risky))!;
        var rejected = await _rita.PostFormAsync($"/posts/{risky}?handler=Review", [new("verdict", "reject"), new("comment", "Not now."), new("contentHash", post.ContentHash)]);
        Assert.Equal(["danger"], Notices(await _rita.GetHtmlAsync(WebSession.RedirectTarget(rejected)!)));
    }

    [Fact]
    public async Task An_incident_opens_in_the_dashboard_and_downloads_as_markdown_with_the_session()
    {
        Assert.Equal(HttpStatusCode.OK, (await _api.FreezeAsync("Shooting <b>downtown</b> [x](javascript:alert(1))")).StatusCode);
        await _api.UnfreezeAsync("All *clear*");
        var incident = (await _gateway.Service<IncidentLog>().ListAsync(default)).Single();

        var crisis = await _admin.GetHtmlAsync("/crisis");
        Assert.DoesNotContain("/api/incidents", crisis); // no API path a browser cannot use
        Assert.Contains($"/incidents/{incident.Id}", WebSession.Parse(crisis).DocumentNode.SelectNodes("//section[@aria-labelledby='incidents-h']//a/@href")!
            .Select(a => a.GetAttributeValue("href", "")));

        var page = await _admin.GetHtmlAsync($"/incidents/{incident.Id}");
        Assert.Equal($"Incident {incident.Id}", WebSession.Texts(page, "//article[contains(@class,'incident-report')]//h1").Single());
        Assert.Contains("Timeline", WebSession.Texts(page, "//article[contains(@class,'incident-report')]//h2"));
        // User text stays text: no bold, no link, no emphasis made of the reasons.
        Assert.Contains("Shooting <b>downtown</b>", string.Join(" ", WebSession.Texts(page, "//article[contains(@class,'incident-report')]//li")));
        Assert.Empty(WebSession.Texts(page, "//article[contains(@class,'incident-report')]//b|//article[contains(@class,'incident-report')]//a|//article[contains(@class,'incident-report')]//em"));

        var href = WebSession.LinkHref(page, "Download as Markdown")!;
        var download = await _admin.GetAsync(href);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("text/markdown", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"incident-{incident.Id}.md", download.Content.Headers.ContentDisposition!.FileNameStar ?? download.Content.Headers.ContentDisposition.FileName);
        Assert.Equal(incident.Id, (await _gateway.Service<IncidentLog>().GetAsync(incident.Id, default))!.Id);
        Assert.StartsWith($"# Incident {incident.Id}", await download.Content.ReadAsStringAsync());

        // Admins only, like the crisis room; an unknown incident is a 404.
        Assert.Equal(HttpStatusCode.Redirect, (await _eve.GetAsync($"/incidents/{incident.Id}")).StatusCode);
        Assert.StartsWith("/forbidden", WebSession.RedirectTarget(await _eve.GetAsync(href)));
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync("/incidents/nope")).StatusCode);
    }

    [Fact]
    public async Task The_queue_and_the_week_show_the_post_as_readers_see_it()
    {
        // The text the network is sent: list bullets kept, a link as its text and address, markup gone.
        const string Published = "Big news: • our shop https://example.org is open";
        var at = DateTimeOffset.UtcNow.AddDays(1);
        var id = (await _api.SubmitAsync("acme", "**Big** news:\n\n- [our shop](https://example.org) is _open_", at)).GetProperty("id").GetString()!;
        var queue = await _eve.GetHtmlAsync("/");
        Assert.Equal(Published, WebSession.Texts(queue, $"//a[@href='/posts/{id}']").Single());
        Assert.DoesNotContain("**Big**", queue);

        var week = await _eve.GetHtmlAsync($"/?view=week&week={at:yyyy-MM-dd}");
        Assert.Equal(Published, WebSession.Texts(week, $"//a[@href='/posts/{id}']/span[@class='excerpt']").Single());
    }

    [Fact]
    public async Task The_audit_page_reads_like_a_log_with_labelled_values_and_linked_subjects()
    {
        var id = (await _api.SubmitAsync("acme", "Spring is here.", DateTimeOffset.UtcNow.AddDays(1))).GetProperty("id").GetString()!;
        await _api.FreezeAsync("Drill");
        await _api.UnfreezeAsync("Drill over");

        var html = await _admin.GetHtmlAsync("/admin/audit");
        var doc = WebSession.Parse(html).DocumentNode;
        string Link(string action) => doc.SelectSingleNode($"//tbody/tr[td[4]='{action}']/td[5]/a")!.GetAttributeValue("href", "");
        Assert.Equal($"/posts/{id}", Link("post.submitted"));
        Assert.Equal("/admin/users#user-eve", doc.SelectSingleNode("//tbody/tr[td[4]='user.created' and normalize-space(td[5])='eve']/td[5]/a")!.GetAttributeValue("href", ""));
        Assert.Equal("/admin/accounts?edit=acme", Link("account.created"));
        var freezeId = doc.SelectSingleNode("//tbody/tr[td[4]='freeze']/td[5]/a")!.InnerText.Trim();
        Assert.Equal($"/incidents/{freezeId}", Link("freeze"));
        Assert.Equal($"/incidents/{freezeId}", Link("unfreeze"));
        // The users the links point at carry the anchors.
        Assert.NotNull(WebSession.Parse(await _admin.GetHtmlAsync("/admin/users")).DocumentNode.SelectSingleNode("//tr[@id='user-eve']"));

        // Details as labels and values, not JSON.
        var submitted = doc.SelectSingleNode("//tbody/tr[td[4]='post.submitted']/td[6]")!;
        var labels = submitted.SelectNodes(".//dt")!.Select(n => n.InnerText.Trim()).ToArray();
        Assert.Contains("account", labels);
        Assert.Contains("scheduled at", labels);
        Assert.Contains("crisis statement", labels);
        Assert.Equal("acme", submitted.SelectSingleNode(".//dt[.='account']/following-sibling::dd[1]")!.InnerText.Trim());
        Assert.Equal("no", submitted.SelectSingleNode(".//dt[.='crisis statement']/following-sibling::dd[1]")!.InnerText.Trim());
        Assert.DoesNotContain("{&quot;", html);
        // The actor filters the log to their entries.
        Assert.Equal("/admin/audit?actor=root", doc.SelectSingleNode("//tbody/tr[td[4]='freeze']/td[3]/a")!.GetAttributeValue("href", ""));
    }

    [Fact]
    public async Task Findings_say_message_span_and_severity_with_the_rest_behind_details()
    {
        var id = (await _api.SubmitAsync("acme", "Our spring sale is a massacre of old prices", DateTimeOffset.UtcNow.AddDays(1))).GetProperty("id").GetString()!;
        var doc = WebSession.Parse(await _eve.GetHtmlAsync($"/posts/{id}")).DocumentNode;
        var item = doc.SelectNodes("//ol[@class='findings']/li")!.Single(li => li.InnerText.Contains("topic.violence"));
        Assert.Equal("review", item.SelectSingleNode("./span[contains(@class,'sev')]")!.InnerText.Trim());
        Assert.False(string.IsNullOrWhiteSpace(item.SelectSingleNode("./span[@class='message']")!.InnerText));
        Assert.Equal("massacre", item.SelectSingleNode("./q[@class='span']")!.InnerText.Trim());
        // Rule, pack, certainty and scope sit in a closed <details>, not in the line.
        var details = item.SelectSingleNode("./details[contains(@class,'finding-details')]")!;
        Assert.False(details.Attributes.Contains("open"));
        Assert.Equal("Details", details.SelectSingleNode("./summary")!.InnerText.Trim());
        var keys = details.SelectNodes(".//dt")!.Select(n => n.InnerText.Trim()).ToArray();
        Assert.Contains("rule", keys);
        Assert.Contains("pack", keys);
        Assert.Contains("certainty", keys);
        Assert.Contains("scope", keys);
        Assert.Null(item.SelectSingleNode("./dl"));
    }

    [Fact]
    public async Task The_review_inbox_is_one_line_a_post_that_opens_to_review_and_says_each_thing_once()
    {
        var ids = new List<string>();
        foreach (var body in new[] { "Our thoughts on the shooting #WhyIStayed", "Our sale is a massacre of **old** prices" })
        {
            ids.Add((await _api.SubmitAsync("acme", body, DateTimeOffset.UtcNow.AddDays(2))).GetProperty("id").GetString()!);
        }
        var html = await _rita.GetHtmlAsync("/reviews");
        var items = WebSession.Parse(html).DocumentNode.SelectNodes("//article[contains(@class,'inbox-item')]")!;
        Assert.Equal(2, items.Count);
        foreach (var item in items)
        {
            // Closed by default: one summary line, the findings and the verdict inside.
            var details = item.SelectSingleNode("./details")!;
            Assert.False(details.Attributes.Contains("open"));
            var summary = details.SelectSingleNode("./summary")!;
            Assert.Contains("acme", summary.InnerText);
            Assert.Null(summary.SelectSingleNode(".//a|.//button"));
            Assert.NotNull(details.SelectSingleNode(".//ol[@class='findings']"));
            Assert.NotNull(details.SelectSingleNode(".//button[@value='approve']"));
            // Said once: no status badge (everything here waits for review), no second copy of the hashtag context.
            Assert.Null(item.SelectSingleNode(".//span[contains(@class,'status-pending_review')]"));
            Assert.Null(item.SelectSingleNode(".//h3[.='Hashtag context']"));
            Assert.Single(item.SelectNodes(".//p[starts-with(normalize-space(.),'Approvals:')]")!);
        }
        Assert.Single(WebSession.Texts(html, "//summary"), t => t.Contains("Our sale is a massacre of old prices")); // rendered, not Markdown
        // The hashtag's context is said once in what the reviewer reads (its finding's message); the Details toggle only adds where it came from.
        var shooting = items.Single(i => i.InnerText.Contains("#WhyIStayed")).CloneNode(true);
        foreach (var toggle in shooting.SelectNodes(".//details[contains(@class,'finding-details')]")!.ToArray())
        {
            toggle.Remove();
        }
        Assert.Equal(1, CountOf(System.Net.WebUtility.HtmlDecode(shooting.InnerText), "Survivors of domestic violence"));
    }

    private async Task<string> SubmitFromComposeAsync(string body)
    {
        var response = await _eve.PostFormAsync("/compose", [new("account", "acme"), new("body", body)]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await _eve.GetHtmlAsync(WebSession.RedirectTarget(response)!);
    }

    /// <summary>The kinds of the messages the page shows.</summary>
    private static string[] Notices(string html) =>
        WebSession.Parse(html).DocumentNode.SelectNodes("//main/p[contains(concat(' ', @class, ' '), ' notice ')]")?
            .Select(n => n.GetAttributeValue("data-kind", "")).ToArray() ?? [];

    private static int CountOf(string html, string text)
    {
        var count = 0;
        for (var at = html.IndexOf(text, StringComparison.Ordinal); at >= 0; at = html.IndexOf(text, at + 1, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}

using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Gateway.Freeze;
using Gateway.Posts;
using Gateway.Tests.Support;
using Gateway.Trends;
using Gateway.Users;
using Xunit.Abstractions;

namespace Gateway.Tests.Web;

/// <summary>
/// axe-core in Chromium on every dashboard page, signed in as an admin with data on every page (posts in each
/// state, findings, a freeze and its incident, notifications, trends, audit entries): no serious or critical violation.
/// </summary>
public sealed class AccessibilityTests(BrowserFixture fixture, ITestOutputHelper output) : IClassFixture<BrowserFixture>
{
    private static readonly string[] Blocking = ["serious", "critical"];

    [Fact]
    public async Task Every_dashboard_page_has_no_serious_or_critical_axe_violations()
    {
        var adminToken = await fixture.UserAsync("admin-a11y", Role.Admin);
        var editorToken = await fixture.UserAsync("ed-a11y", Role.Editor);
        await fixture.AccountAsync("brand-a11y", "ed-a11y");
        using var editor = fixture.Api(editorToken);
        using var admin = fixture.Api(adminToken);
        var at = DateTimeOffset.UtcNow.AddDays(1);
        string Id(System.Text.Json.JsonElement post) => post.GetProperty("id").GetString()!;
        var pending = Id(await editor.SubmitAsync("brand-a11y", "Our spring sale is a massacre of old prices #WhyIStayed", at));
        var blocked = Id(await editor.SubmitAsync("brand-a11y", new string('b', 281), at));
        var scheduled = Id(await editor.SubmitAsync("brand-a11y", "**Spring** is here: [new colours](https://example.org) in the shop.", at));
        var held = Id(await editor.SubmitAsync("brand-a11y", "Weekend offer", at));
        Assert.Equal(System.Net.HttpStatusCode.Created, (await editor.PostJsonAsync("/api/accounts/brand-a11y/proxy-tokens", new { name = "Ivory" })).StatusCode);
        await fixture.Service<TrendStore>().UpsertAsync(new TrendsRequest([new TrendRequest("SpringDrill", "A drill trend for the accessibility test", "tragedy", ["drill"], null)]), "admin-a11y", default);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.FreezeAsync("Accessibility drill")).StatusCode);
        var freeze = (await fixture.Service<FreezeStore>().GetAsync()).Freezes.Single();
        await fixture.Service<PostStore>().ChangeAsync(
            new PostChange(held, PostStatus.Held, "test", "post.held", "Came due during a freeze.") { ExpectedFrom = PostStatus.Scheduled, HeldFor = freeze.Id }, default);

        await using var session = await fixture.SignInAsync(adminToken, "admin");
        var pages = new[]
        {
            "/", "/?view=week", "/compose", $"/compose/{scheduled}", "/compose?statement=true", $"/posts/{pending}", $"/posts/{blocked}", $"/posts/{held}",
            "/reviews", "/crisis", "/notifications", "/admin/users", "/admin/accounts", "/admin/accounts?edit=brand-a11y", "/admin/trends", "/admin/audit", "/hashtags/whyistayed",
            $"/incidents/{freeze.Id}", "/proxy-tokens",
        };
        var problems = new List<string>();
        foreach (var path in pages)
        {
            await session.GotoAsync(path);
            problems.AddRange(await ViolationsAsync(session, path));
        }
        // The refusal page answers 403, which GotoAsync would take for a failure.
        await session.Page.GotoAsync("/forbidden");
        problems.AddRange(await ViolationsAsync(session, "/forbidden"));

        // What hides behind the toggles is checked open, too: the review inbox and a finding's details.
        await session.GotoAsync("/reviews", "reviews-open");
        await session.Page.EvaluateAsync("() => document.querySelectorAll('details').forEach(d => d.open = true)");
        problems.AddRange(await ViolationsAsync(session, "/reviews (opened)"));

        // And after the freeze is lifted, the incident report and the crisis room with nothing frozen.
        await admin.UnfreezeAsync("Drill over");
        foreach (var path in new[] { "/crisis", $"/incidents/{freeze.Id}" })
        {
            await session.GotoAsync(path, "lifted-" + path);
            problems.AddRange(await ViolationsAsync(session, path + " (lifted)"));
        }

        await using var anonymous = await fixture.OpenAsync("anonymous");
        await anonymous.GotoAsync("/signin");
        problems.AddRange(await ViolationsAsync(anonymous, "/signin"));

        Assert.True(problems.Count == 0, "axe found serious or critical violations:\n" + string.Join("\n", problems));
    }

    private async Task<IEnumerable<string>> ViolationsAsync(BrowserSession session, string where)
    {
        var result = await session.Page.RunAxe();
        output.WriteLine($"{where}: {result.Passes.Length} rules pass, {result.Violations.Length} violated ({string.Join(", ", result.Violations.Select(v => $"{v.Id}/{v.Impact}"))})");
        return result.Violations
            .Where(v => Blocking.Contains(v.Impact))
            .SelectMany(v => v.Nodes.Select(n => $"{where}: {v.Id} ({v.Impact}) {v.Help} at {n.Target}: {n.Html}"));
    }
}

using System.Net;
using Gateway.Rules;
using Gateway.Rules.Trends;
using Gateway.Tests.Support;

namespace Gateway.Tests;

public sealed class TrendTests : IAsyncLifetime
{
    private TestGateway _gateway = null!;
    private HttpClient _admin = null!, _eve = null!;

    public async Task InitializeAsync()
    {
        _gateway = new TestGateway();
        _admin = await _gateway.SignInAsync("root", "admin");
        _eve = await _gateway.SignInAsync("eve", "editor");
        await _admin.CreateAccountAsync("acme", network: "x", editors: ["eve"]);
    }

    public Task DisposeAsync()
    {
        _gateway.Dispose();
        return Task.CompletedTask;
    }

    private async Task<System.Text.Json.JsonElement[]> FindingsAsync(string body)
    {
        var response = await _eve.PostJsonAsync("/api/check", new { account = "acme", body });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("findings").EnumerateArray()
            .Where(f => f.GetProperty("rule").GetString() == "hashtag.context").ToArray();
    }

    private Task<HttpResponseMessage> PushAsync(object trend) => _admin.PostJsonAsync("/api/trends", new { trends = new[] { trend } });

    [Fact]
    public async Task DiGiorno_riding_WhyIStayed_is_caught_from_the_registry_and_the_context_is_quoted()
    {
        const string body = "#whyistayed You had pizza.";
        var finding = Assert.Single(await FindingsAsync(body));
        Assert.Equal("review", finding.GetProperty("severity").GetString());
        Assert.Equal((0, 11), (finding.GetProperty("start").GetInt32(), finding.GetProperty("length").GetInt32()));
        Assert.Contains("domestic violence", finding.GetProperty("evidence").GetProperty("context").GetString());
        Assert.Contains("domestic violence", finding.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Celeb_Boutique_and_Aurora_a_pushed_tragedy_trend_catches_the_tag_and_its_keywords()
    {
        Assert.Empty(await FindingsAsync("#Aurora is trending, clearly about our Kim K inspired #Aurora dress"));
        Assert.Equal(HttpStatusCode.OK, (await PushAsync(new
        {
            tag = "#Aurora", context = "Mass shooting at a cinema in Aurora, Colorado; 12 dead.", sensitivity = "tragedy",
            keywords = new[] { "Aurora", "Colorado" }, expiresAt = DateTimeOffset.UtcNow.AddDays(7).ToString("O"),
        })).StatusCode);

        var findings = await FindingsAsync("#Aurora is trending, clearly about our Kim K inspired #Aurora dress. Shipping to Colorado!");
        Assert.Equal(3, findings.Length);
        Assert.All(findings, f => Assert.Equal("review", f.GetProperty("severity").GetString()));
        Assert.Equal(["#Aurora", "#Aurora", "Colorado"], findings.Select(f => f.GetProperty("match").GetString()!).ToArray());
        Assert.Contains("pushed by root", findings[0].GetProperty("evidence").GetProperty("source").GetString());

        var submitted = await _eve.SubmitAsync("acme", "Our #AURORA dress is back", DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal("pending_review", submitted.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Expired_and_deleted_trends_no_longer_fire_and_tags_match_with_or_without_hash()
    {
        await PushAsync(new { tag = "Cairo", context = "Mass protests in Egypt; people are dying.", sensitivity = "politics", expiresAt = DateTimeOffset.UtcNow.AddDays(1).ToString("O") });
        await PushAsync(new { tag = "OldNews", context = "Yesterday's tragedy", sensitivity = "tragedy", expiresAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O") });
        Assert.Single(await FindingsAsync("Millions are in uproar in #Cairo. Rumor is they heard our new spring collection is now available online"));
        Assert.Empty(await FindingsAsync("#OldNews"));

        Assert.Equal(HttpStatusCode.NoContent, (await _admin.DeleteAsync("/api/trends/%23cairo")).StatusCode);
        Assert.Empty(await FindingsAsync("#Cairo"));
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.DeleteAsync("/api/trends/Cairo")).StatusCode);
        var missing = await _admin.DeleteAsync("/api/trends/WhyIStayed");
        Assert.Contains("hashtags.yml", (await missing.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Trends_are_validated_and_only_admins_push_them()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await _eve.PostJsonAsync("/api/trends", new { trends = new[] { new { tag = "x", context = "y", sensitivity = "tragedy" } } })).StatusCode);
        var bad = await PushAsync(new { tag = "x", context = "y", sensitivity = "sad" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("unknown sensitivity", (await bad.ReadJsonAsync()).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await PushAsync(new { tag = "x", sensitivity = "tragedy" })).StatusCode);
        var list = await (await _eve.GetAsync("/api/trends")).ReadJsonAsync();
        Assert.Contains(list.EnumerateArray(), t => t.GetProperty("tag").GetString() == "whyistayed");
    }

    [Fact]
    public async Task A_trend_that_starts_after_approval_holds_the_post_at_fire_time()
    {
        var id = (await _eve.SubmitAsync("acme", "Happy Friday, #Denver!", DateTimeOffset.UtcNow.AddSeconds(2))).GetProperty("id").GetString()!;
        await PushAsync(new { tag = "Denver", context = "Shooting at a Denver school this morning.", sensitivity = "tragedy" });
        Assert.Equal("held", await _eve.WaitForStatusAsync(id, "held", "published"));
        Assert.Contains("hashtag.context", (await _eve.GetPostAsync(id)).GetProperty("statusReason").GetString());
    }

    [Fact]
    public async Task A_post_approved_while_the_trend_was_live_is_not_held_again_for_it_at_fire_time()
    {
        var rita = await _gateway.SignInAsync("rita", "reviewer");
        var ruth = await _gateway.SignInAsync("ruth", "reviewer");
        await PushAsync(new { tag = "Denver", context = "Shooting at a Denver school this morning.", sensitivity = "tragedy" });
        var post = await _eve.SubmitAsync("acme", "Our thoughts are with #Denver today.", DateTimeOffset.UtcNow.AddSeconds(5));
        var id = post.GetProperty("id").GetString()!;
        Assert.Equal("pending_review", post.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await rita.PostJsonAsync($"/api/posts/{id}/reviews", new { verdict = "approve", comment = "condolences, fine" })).StatusCode);
        var approved = await ruth.PostJsonAsync($"/api/posts/{id}/reviews", new { verdict = "approve" }); // hashtag.context needs two
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal("scheduled", (await approved.ReadJsonAsync()).GetProperty("status").GetString());
        Assert.Equal("published", await _eve.WaitForStatusAsync(id, "held", "published"));
    }

    [Fact]
    public async Task A_topic_trend_that_goes_live_after_submit_holds_a_post_touching_that_topic_at_fire_time()
    {
        var quiet = (await _eve.SubmitAsync("acme", "Fight night at the store: gloves on!", DateTimeOffset.UtcNow.AddSeconds(2))).GetProperty("id").GetString()!;
        var other = (await _eve.SubmitAsync("acme", "Fresh bread every morning.", DateTimeOffset.UtcNow.AddSeconds(2))).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await PushAsync(new
        {
            tag = "Downtown", context = "A shooting downtown this morning; two dead.", sensitivity = "tragedy", topic = "violence",
            expiresAt = DateTimeOffset.UtcNow.AddHours(1).ToString("O"),
        })).StatusCode);
        Assert.Equal("held", await _eve.WaitForStatusAsync(quiet, "held", "published"));
        var reason = (await _eve.GetPostAsync(quiet)).GetProperty("statusReason").GetString()!;
        Assert.Contains("topic.violence", reason);
        Assert.Contains("while #downtown is live", reason);
        Assert.Equal("published", await _eve.WaitForStatusAsync(other, "held", "published"));
    }

    [Fact]
    public async Task A_live_trend_naming_a_topic_raises_that_topics_findings_until_it_expires()
    {
        async Task<System.Text.Json.JsonElement> ViolenceAsync()
        {
            var response = await _eve.PostJsonAsync("/api/check", new { account = "acme", body = "Time for a fight" });
            return (await response.ReadJsonAsync()).GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("rule").GetString() == "topic.violence");
        }
        Assert.Equal("warning", (await ViolenceAsync()).GetProperty("severity").GetString());

        var unknown = await PushAsync(new { tag = "Downtown", context = "A shooting downtown.", sensitivity = "tragedy", topic = "guns" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var detail = (await unknown.ReadJsonAsync()).GetProperty("detail").GetString()!;
        Assert.Contains("unknown topic 'guns'", detail);
        Assert.Contains("death-tragedy", detail);
        Assert.Contains("violence", detail);

        Assert.Equal(HttpStatusCode.OK, (await PushAsync(new
        {
            tag = "Downtown", context = "A shooting downtown this morning; two dead.", sensitivity = "tragedy", topic = "Violence",
            expiresAt = DateTimeOffset.UtcNow.AddHours(1).ToString("O"),
        })).StatusCode);
        var raised = await ViolenceAsync();
        Assert.Equal("review", raised.GetProperty("severity").GetString());
        Assert.Contains("while #downtown is live: \"A shooting downtown this morning; two dead.\"", raised.GetProperty("message").GetString());
        Assert.Equal("A shooting downtown this morning; two dead.", raised.GetProperty("evidence").GetProperty("trendContext").GetString());
        var listed = (await (await _eve.GetAsync("/api/trends")).ReadJsonAsync()).EnumerateArray().Single(t => t.GetProperty("tag").GetString() == "downtown");
        Assert.Equal("violence", listed.GetProperty("topic").GetString());

        await PushAsync(new { tag = "Downtown", context = "A shooting downtown this morning; two dead.", sensitivity = "tragedy", topic = "violence", expiresAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O") });
        Assert.Equal("warning", (await ViolenceAsync()).GetProperty("severity").GetString());
    }

    [Theory]
    [InlineData("sensitivities:\n  tragedy: info\n  disaster: review\n  violence: review\n  politics: review\n", 2, 12, "at least review")]
    [InlineData("sensitivities:\n  tragedy: review\n  disaster: review\n  violence: review\n  politics: review\nhashtags:\n  - tag: X\n    context: y\n    sensitivity: meh\n", 9, 18, "unknown sensitivity")]
    [InlineData("sensitivities:\n  tragedy: review\n", 1, 1, "must list 'disaster'")]
    public void A_broken_registry_names_file_line_and_problem(string yaml, int line, int column, string problem)
    {
        var error = Assert.Throws<RuleFileException>(() => HashtagRegistry.Load(RulesCopy.With(("hashtags.yml", yaml))));
        Assert.Equal((line, column), ((int)error.Line, (int)error.Column));
        Assert.Contains(problem, error.Problem);
    }
}

using System.Net;
using Gateway.Tests.Fakes;
using Gateway.Tests.Support;
using Gateway.Users;

namespace Gateway.Tests.Hashtags;

/// <summary>The page about a hashtag: the sample from each network, the shares, and the admin's way to a live trend.</summary>
public sealed class HashtagPageTests : IAsyncLifetime
{
    private const string Token = "pasted-token-1";

    private FakeMastodon _fake = null!;
    private readonly TestGateway _gateway = new();

    public async Task InitializeAsync()
    {
        _fake = await FakeMastodon.StartAsync(Token);
        var texts = new[]
        {
            "Police confirm the gunman is in custody <script>alert(1)</script>",
            "Thoughts with everyone after the mass shooting",
            "Vigil tonight for the victims of the massacre",
            "Lovely autumn market today",
            "The library opens on Sundays now",
        };
        for (var i = 0; i < texts.Length; i++)
        {
            _fake.SeedTagged($"{texts[i]} #springfield", "en", DateTimeOffset.UtcNow.AddMinutes(-5 * (i + 1)), "springfield");
        }
        using var admin = await _gateway.SignInAsync("root", Role.Admin);
        await admin.CreateAccountAsync("acme", "mastodon", publisher: new { type = "mastodon", instance = _fake.Url, accessToken = Token });
    }

    public async Task DisposeAsync()
    {
        _gateway.Dispose();
        await _fake.DisposeAsync();
    }

    [Fact]
    public async Task A_reviewer_reads_the_sample_escaped_with_links_shares_and_span()
    {
        using var reviewer = await WebSession.SignInAsync(_gateway, "rita", Role.Reviewer);

        var html = await reviewer.GetHtmlAsync("/hashtags/Springfield");

        Assert.Contains("<h1>#springfield</h1>", html);
        Assert.Contains($"Mastodon (127.0.0.1)", html);
        Assert.Contains("5 posts, from", html);
        Assert.Contains("Sensitive now: violence, death-tragedy.", html); // "victims": a fifth of the sample, the threshold
        Assert.Equal(["violence", "3", "60%", "yes"], WebSession.Texts(html, "//table/tbody/tr[1]/td"));
        Assert.DoesNotContain("<script>alert(1)</script>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        var links = WebSession.Parse(html).DocumentNode.SelectNodes("//ol[@class='hashtag-sample']//a")!.Select(a => a.GetAttributeValue("href", "")).ToArray();
        Assert.Equal(5, links.Length);
        Assert.All(links, l => Assert.StartsWith("https://elsewhere.example/@someone", l));
        Assert.Null(WebSession.LinkHref(html, "Make it a live trend")); // for admins only
        Assert.Equal(1, _fake.TagReads);
    }

    [Fact]
    public async Task An_admin_turns_it_into_a_live_trend_with_the_form_prefilled()
    {
        using var admin = await WebSession.SignInAsync(_gateway, "root2", Role.Admin);
        var html = await admin.GetHtmlAsync("/hashtags/springfield");
        var href = WebSession.LinkHref(html, "Make it a live trend")!;
        Assert.StartsWith("/admin/trends?tag=springfield&", href);

        var form = await admin.GetHtmlAsync(href);

        var document = WebSession.Parse(form);
        Assert.Equal("springfield", document.GetElementbyId("trend-tag")!.GetAttributeValue("value", ""));
        Assert.StartsWith("On Mastodon (127.0.0.1), 60% of 5 recent posts are about violence, e.g. \"", System.Net.WebUtility.HtmlDecode(document.GetElementbyId("trend-context")!.InnerText));
        Assert.Equal("violence", document.DocumentNode.SelectSingleNode("//select[@id='trend-topic']/option[@selected]")!.GetAttributeValue("value", ""));
        Assert.Equal("violence", document.DocumentNode.SelectSingleNode("//select[@id='trend-sensitivity']/option[@selected]")!.GetAttributeValue("value", ""));
    }

    [Fact]
    public async Task A_post_with_the_tag_links_its_finding_to_the_page()
    {
        using var admin = await _gateway.SignInAsync("root3", Role.Admin);
        var post = await admin.SubmitAsync("acme", "Open late tonight #Springfield", DateTimeOffset.UtcNow.AddHours(1));
        using var reviewer = await WebSession.SignInAsync(_gateway, "rita2", Role.Reviewer);

        var html = await reviewer.GetHtmlAsync($"/posts/{post.GetProperty("id").GetString()}");

        Assert.Equal("/hashtags/springfield", WebSession.LinkHref(html, "What people post under #springfield now"));
        var examples = WebSession.Parse(html).DocumentNode.SelectNodes("//dl[contains(@class,'evidence')]//a")!;
        Assert.All(examples, a => Assert.StartsWith("https://elsewhere.example/", a.GetAttributeValue("href", "")));
    }

    [Fact]
    public async Task Anonymous_visitors_are_sent_to_sign_in_and_a_blank_tag_is_not_found()
    {
        using var anonymous = WebSession.Anonymous(_gateway);
        var response = await anonymous.GetAsync("/hashtags/springfield");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", WebSession.RedirectTarget(response));

        using var editor = await WebSession.SignInAsync(_gateway, "ed", Role.Editor);
        Assert.Equal(HttpStatusCode.NotFound, (await editor.GetAsync("/hashtags/%23")).StatusCode);
        Assert.Equal(0, _fake.TagReads);
    }
}

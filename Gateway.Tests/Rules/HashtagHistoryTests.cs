using Gateway.Rules;
using Gateway.Rules.Hashtags;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Rules;

/// <summary>The engine half of <c>hashtag.history</c>: topic shares of a sample, and the finding they make.</summary>
public sealed class HashtagHistoryTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static readonly HashtagHistoryOptions Options = new();

    private static SamplePost Post(string text, string? language, int hoursAgo, int n) =>
        new(text, language, $"https://elsewhere.example/@someone/{n}", Now.AddHours(-hoursAgo));

    /// <summary>Ten posts under #springfield: four about the shooting, one in German, five about the market.</summary>
    private static readonly SamplePost[] Springfield =
    [
        Post("Thoughts with everyone in Springfield after the mass shooting at the mall. #Springfield", "en", 1, 1),
        Post("Police confirm the gunman is in custody. #Springfield", "en", 2, 2),
        Post("Three people were killed, dozens injured. Horrible. #Springfield", "en", 3, 3),
        Post("Amoklauf in einem Einkaufszentrum in Springfield, furchtbar. #Springfield", "de", 4, 4),
        Post("Lovely autumn market in Springfield today, try the apple cake #Springfield", "en", 20, 5),
        Post("Springfield library opens on Sundays now #Springfield", "en", 21, 6),
        Post("Sunset over the river #Springfield", "en", 22, 7),
        Post("New bakery on Main Street #Springfield", null, 22, 8),
        Post("Our choir sings on Friday #Springfield", "en", 23, 9),
        Post("Football club won 2-0 #Springfield", "en", 23, 10),
    ];

    [Fact]
    public void Each_post_counts_once_per_topic_in_its_own_language_and_shares_are_of_the_whole_sample()
    {
        var history = HashtagHistory.Of(TestRules.Set, Springfield, Options);

        var violence = Assert.Single(history.Topics, t => t.Topic == "violence");
        Assert.Equal(4, violence.Posts); // the German "Amoklauf" counts: the packs of the post's language run
        Assert.Equal(0.4, violence.Share, 3);
        Assert.True(violence.Sensitive);
        Assert.Equal(["https://elsewhere.example/@someone/1", "https://elsewhere.example/@someone/2", "https://elsewhere.example/@someone/3"],
            violence.Examples.Select(e => e.Url));
        Assert.Contains(violence, history.Turned);
        Assert.Equal(Now.AddHours(-23), history.Oldest);
        Assert.Equal(Now.AddHours(-1), history.Newest);
        Assert.StartsWith("violence 40% (4 of 10)", history.SharesText());
    }

    [Fact]
    public void A_share_under_the_threshold_or_a_sample_too_small_turns_nothing()
    {
        var quiet = HashtagHistory.Of(TestRules.Set, Springfield, Options with { Threshold = 0.5 });
        Assert.Empty(quiet.Turned);
        Assert.Contains(quiet.Topics, t => t.Topic == "violence");

        var few = HashtagHistory.Of(TestRules.Set, Springfield[..3], Options);
        Assert.Empty(few.Turned);

        var notSensitive = HashtagHistory.Of(TestRules.Set, Springfield, Options with { SensitiveTopics = "politics" });
        Assert.Empty(notSensitive.Turned);
    }

    [Fact]
    public void An_ambiguous_word_alone_does_not_count()
    {
        // "shooting" alone is certainty 1 in topic.violence: a photo shooting is no shooting.
        var shoot = Enumerable.Range(1, 6).Select(i => Post($"Photo shooting with the team today #studio{i}", "en", i, i)).ToArray();
        Assert.DoesNotContain(HashtagHistory.Of(TestRules.Set, shoot, Options).Topics, t => t.Topic == "violence");
    }

    [Fact]
    public async Task A_tag_full_of_posts_about_a_shooting_needs_review_with_shares_span_and_quoted_examples()
    {
        var sampler = new Sampler { ["springfield"] = new HashtagSample("springfield", "Mastodon (example.social)", Springfield, Now) };
        var check = new HashtagHistoryCheck(TestRules.Source, sampler, Options, new FakeTimeProvider(Now));

        var body = "Autumn sale in all our stores! #Springfield #deals";
        var findings = await check.RunAsync(Input(body), CancellationToken.None);

        var finding = Assert.Single(findings);
        Assert.Equal(HashtagHistoryCheck.RuleId, finding.Rule);
        Assert.Equal(Severity.Review, finding.Severity);
        Assert.Equal("#Springfield", finding.Match);
        Assert.Equal(body.IndexOf('#'), finding.Start);
        Assert.Contains("violence (40%) of 10 posts in the last 23 h; example posts are in the evidence and on the hashtag page (/hashtags/springfield)", finding.Message);
        Assert.All(Springfield, p => Assert.DoesNotContain(p.Text[..20], finding.Message)); // the message is kept for good, quotes are not
        var evidence = finding.Evidence!;
        Assert.Equal("#springfield", evidence["tag"]);
        Assert.Equal("Mastodon (example.social)", evidence["network"]);
        Assert.Equal("2026-12-02T13:00:00+00:00/2026-12-03T11:00:00+00:00", evidence["span"]);
        Assert.StartsWith("violence 40% (4 of 10)", evidence["shares"]);
        Assert.Equal("Thoughts with everyone in Springfield after the mass shooting at the mall. #Springfield", evidence["example1"]);
        Assert.Equal("https://elsewhere.example/@someone/1", evidence["example1-url"]);
        Assert.Equal("https://elsewhere.example/@someone/3", evidence["example3-url"]);
        Assert.False(evidence.ContainsKey("example4"));
        Assert.Equal("/hashtags/springfield", evidence["page"]);
        Assert.Equal(["springfield", "deals"], sampler.Asked);
    }

    [Fact]
    public async Task Quotes_are_cut_to_the_quote_length_on_one_line()
    {
        var longText = "A gunman opened fire\nat the station. " + new string('x', 400);
        var posts = Enumerable.Range(1, 5).Select(i => Post(longText, "en", i, i)).ToArray();
        var sampler = new Sampler { ["station"] = new HashtagSample("station", "Bluesky (bsky.social)", posts, Now) };
        var check = new HashtagHistoryCheck(TestRules.Source, sampler, Options with { QuoteLength = 40 }, new FakeTimeProvider(Now));

        var finding = Assert.Single(await check.RunAsync(Input("#station"), CancellationToken.None));

        Assert.Equal("A gunman opened fire at the station. xxx…", finding.Evidence!["example1"]);
    }

    [Fact]
    public async Task A_tag_that_is_not_known_is_info_and_one_the_network_does_not_read_is_nothing()
    {
        var sampler = new Sampler
        {
            ["quiet"] = new HashtagSample("quiet", "Mastodon (example.social)", [], Now, "Mastodon (example.social) is rate-limiting the gateway's reads"),
            ["elsewhere"] = null,
        };
        var check = new HashtagHistoryCheck(TestRules.Source, sampler, Options, new FakeTimeProvider(Now));

        var finding = Assert.Single(await check.RunAsync(Input("#quiet #elsewhere"), CancellationToken.None));

        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains("not known yet: Mastodon (example.social) is rate-limiting", finding.Message);
        Assert.Contains("read again when the post goes out", finding.Message);
    }

    [Fact]
    public async Task A_read_that_outlasts_the_budget_is_not_known_yet()
    {
        var time = new FakeTimeProvider(Now);
        var never = new TaskCompletionSource<HashtagSample?>();
        var sampler = new Sampler { Pending = never.Task };
        var check = new HashtagHistoryCheck(TestRules.Source, sampler, Options with { Budget = TimeSpan.FromSeconds(2) }, time);

        var run = check.RunAsync(Input("#slow"), CancellationToken.None).AsTask();
        Assert.False(run.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));
        var finding = Assert.Single(await run);

        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains("within the 2 s", finding.Message);
    }

    [Fact]
    public async Task Switched_off_it_reads_nothing()
    {
        var sampler = new Sampler();
        var check = new HashtagHistoryCheck(TestRules.Source, sampler, Options with { Enabled = false }, new FakeTimeProvider(Now));
        Assert.Empty(await check.RunAsync(Input("#anything"), CancellationToken.None));
        Assert.Empty(sampler.Asked);
    }

    private static CheckInput Input(string body) => new(body, new AccountProfile("acme", "mastodon", "brand", "en"), Now.AddHours(1), Now);

    private sealed class Sampler : Dictionary<string, HashtagSample?>, IHashtagSampler
    {
        public List<string> Asked { get; } = [];

        public Task<HashtagSample?>? Pending { get; init; }

        public Task<HashtagSample?> SampleAsync(string accountId, string tag, CheckPhase phase)
        {
            lock (Asked)
            {
                Asked.Add(tag);
            }
            return Pending ?? Task.FromResult(TryGetValue(tag, out var sample) ? sample : new HashtagSample(tag, "Mastodon (example.social)", [], Now));
        }
    }
}

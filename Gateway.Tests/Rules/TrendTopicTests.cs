using Gateway.Rules;
using Gateway.Rules.Checks;
using Gateway.Rules.Trends;
using NSubstitute;

namespace Gateway.Tests.Rules;

/// <summary>A live trend that names a topic raises that topic's findings while it is live, and only then.</summary>
public sealed class TrendTopicTests
{
    private const string Body = "Time for a fight"; // topic.violence, certainty 1: a warning for a brand
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Trend Shooting = new("DowntownShooting", "A shooting downtown this morning; two dead.", "tragedy", [],
        Now.AddHours(6), "pushed by root", "violence");

    private static Finding? Violence(DateTimeOffset now, params Trend[] trends)
    {
        var source = Substitute.For<ITrendSource>();
        source.Current.Returns(trends);
        source.Sensitivities.Returns(new Dictionary<string, Severity> { ["tragedy"] = Severity.Review, ["commercial"] = Severity.Info });
        var input = new CheckInput(Body, TestRules.Account(), now, now);
        var findings = new SensitiveTopicCheck(TestRules.Source, source).RunAsync(input, default).AsTask().Result;
        return findings.SingleOrDefault(f => f.Rule == "topic.violence");
    }

    [Fact]
    public void A_warning_level_term_weighs_review_while_a_live_trend_names_its_topic_and_the_finding_quotes_the_context()
    {
        var finding = Violence(Now, Shooting)!;
        Assert.Equal(Severity.Review, finding.Severity);
        Assert.EndsWith("At least review while #DowntownShooting is live: \"A shooting downtown this morning; two dead.\"", finding.Message);
        Assert.Equal(("#DowntownShooting", "A shooting downtown this morning; two dead."), (finding.Evidence!["trend"], finding.Evidence["trendContext"]));
        Assert.Equal(("fight", 11), (finding.Match, finding.Start));
    }

    [Fact]
    public void Without_such_a_trend_or_after_it_expires_the_term_is_a_warning_again()
    {
        Assert.Equal(Severity.Warning, Violence(Now)!.Severity);
        Assert.Equal(Severity.Warning, Violence(Now.AddHours(7), Shooting)!.Severity);
        Assert.DoesNotContain("DowntownShooting", Violence(Now.AddHours(7), Shooting)!.Message);
    }

    [Fact]
    public void Only_the_named_topic_and_only_trends_weighing_review_or_more_raise_it()
    {
        Assert.Equal(Severity.Warning, Violence(Now, Shooting with { Topic = "death-tragedy" })!.Severity);
        Assert.Equal(Severity.Warning, Violence(Now, Shooting with { Sensitivity = "commercial" })!.Severity);
        Assert.Equal(Severity.Warning, Violence(Now, Shooting with { Topic = null })!.Severity);
    }

    [Fact]
    public void The_topics_a_trend_may_name_are_the_loaded_topic_packs()
    {
        var topics = SensitiveTopicCheck.Topics(TestRules.Set);
        Assert.Contains("violence", topics);
        Assert.Contains("death-tragedy", topics);
        Assert.DoesNotContain(topics, t => t.StartsWith("topic.", StringComparison.Ordinal) || t.StartsWith("privacy", StringComparison.Ordinal));
    }
}

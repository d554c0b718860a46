using Gateway.Rules;

namespace Gateway.Tests.Rules;

/// <summary>The real failures from the issue, through the whole pipeline with merging.</summary>
public class ScenarioTests
{
    private const string RedCross =
        "Ryan found two more 4 bottle packs of Dogfish Head's Midas Touch beer.... when we drink we do it right #gettngslizzerd";

    private const string Chrysler =
        "I find it ironic that Detroit is known as the #motorcity and yet no one here knows how to f***ing drive";

    [Fact]
    public void Red_Cross_tweet_on_the_brand_account_needs_review_as_personal_content()
    {
        var findings = TestRules.Run(RedCross, TestRules.Account("brand"));
        var personal = findings.Where(f => f.Rule == "account.personal-content").ToArray();
        Assert.Contains(personal, f => f.Match == "#gettngslizzerd" && f.Severity == Severity.Review);
        Assert.Contains(personal, f => f.Match == "when we drink");
        Assert.Contains(findings, f => f.Rule == "topic.alcohol-drugs" && f.Match == "beer");
        Assert.Equal(Severity.Review, CheckPipeline.Worst(findings));
    }

    [Fact]
    public void Red_Cross_tweet_on_the_employees_own_account_is_not_personal_content()
    {
        var findings = TestRules.Run(RedCross, TestRules.Account("personal"));
        Assert.DoesNotContain(findings, f => f.Rule == "account.personal-content");
        Assert.True(CheckPipeline.Worst(findings) is null or < Severity.Warning, TestRules.Describe(findings));
    }

    [Fact]
    public void Chrysler_profanity_blocks_on_the_brand_account()
    {
        var findings = TestRules.Run(Chrysler, TestRules.Account("brand"));
        var profanity = Assert.Single(findings, f => f.Rule == "topic.profanity");
        Assert.Equal(Severity.Block, profanity.Severity);
        Assert.Equal("f***ing", profanity.Match);
        Assert.Equal(Chrysler.IndexOf("f***ing", StringComparison.Ordinal), profanity.Start);
        Assert.Equal("account.personal-content", profanity.Evidence!["also"]);
        Assert.Contains(findings, f => f.Rule == "account.personal-content" && f.Match == "I find");
    }

    [Fact]
    public void Chrysler_profanity_on_a_personal_account_is_only_a_warning()
    {
        var findings = TestRules.Run(Chrysler, TestRules.Account("personal"));
        Assert.Equal(Severity.Warning, Assert.Single(findings, f => f.Rule == "topic.profanity").Severity);
    }

    [Fact]
    public void School_shooting_fires_photo_shooting_does_not()
    {
        var school = Assert.Single(TestRules.Run("Our thoughts are with everyone after the school shooting."), f => f.Rule == "topic.violence");
        Assert.Equal(Severity.Review, school.Severity);
        Assert.Equal("violence", school.Evidence!["category"]);
        Assert.Equal("en", school.Evidence["language"]);
        Assert.Equal("3", school.Evidence["certainty"]);
        Assert.Contains("violence", school.Message, StringComparison.Ordinal);

        Assert.Empty(TestRules.Run("Behind the scenes of our photo shooting!"));
    }

    [Fact]
    public void DiGiorno_hashtag_is_flagged_as_violence()
    {
        var finding = Assert.Single(TestRules.Run("#WhyIStayed You had pizza."), f => f.Rule == "topic.violence");
        Assert.Equal("#WhyIStayed", finding.Match);
    }

    [Fact]
    public void A_clean_post_has_no_findings()
    {
        Assert.Empty(TestRules.Run("Spring is here! Our new collection is in stores today. https://example.com/spring #spring"));
    }
}

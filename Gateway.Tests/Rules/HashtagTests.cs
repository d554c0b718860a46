using Gateway.Rules.Text;

namespace Gateway.Tests.Rules;

public class HashtagTests
{
    [Theory]
    [InlineData("#CommittedSuicide", "Committed|Suicide")]
    [InlineData("#COVID19Vaccine", "COVID|19|Vaccine")]
    [InlineData("#got_slizzered", "got|slizzered")]
    [InlineData("#gettngslizzerd", "gettngslizzerd")]
    [InlineData("#WhyIStayed", "Why|I|Stayed")]
    [InlineData("#Motorcity2024", "Motorcity|2024")]
    [InlineData("#ÆrligTalt", "Ærlig|Talt")]
    public void Hashtags_split_on_camel_case_digits_and_underscores(string hashtag, string words)
    {
        Assert.Equal(words.Split('|'), HashtagSplitter.Words(hashtag));
    }

    [Fact]
    public void A_split_hashtag_matches_a_phrase_and_reports_the_hashtag_span()
    {
        const string body = "So sad. #CommittedSuicide";
        var finding = Assert.Single(TestRules.Raw(body), f => f.Rule == "topic.death-tragedy");
        Assert.Equal("#CommittedSuicide", finding.Match);
        Assert.Equal(body.IndexOf('#', StringComparison.Ordinal), finding.Start);
        Assert.Equal("hashtag", finding.Evidence!["scope"]);
    }

    [Fact]
    public void A_lower_case_hashtag_matches_the_phrase_written_together()
    {
        var finding = Assert.Single(TestRules.Raw("thoughts #schoolshooting"), f => f.Rule == "topic.violence");
        Assert.Equal("#schoolshooting", finding.Match);
    }

    [Fact]
    public void Joined_phrase_forms_only_match_hashtags_not_prose()
    {
        Assert.DoesNotContain(TestRules.Raw("thoughts on photoshooting and schoolshootings"), f => f.Rule == "topic.violence" && f.Match == "photoshooting");
        Assert.DoesNotContain(TestRules.Raw("#photoshooting today"), f => f.Rule == "topic.violence");
        Assert.DoesNotContain(TestRules.Raw("#PhotoShooting today"), f => f.Rule == "topic.violence");
    }

    [Fact]
    public void The_one_token_slang_hashtag_is_found_on_brand_accounts()
    {
        var finding = Assert.Single(TestRules.Raw("fun night #gettngslizzerd"), f => f.Rule == "account.personal-content");
        Assert.Equal("#gettngslizzerd", finding.Match);
    }
}

namespace Gateway.Tests.Rules;

/// <summary>Spellings that hide a word, read as the word in prose and hashtags; everyday spellings with digits stay innocent.</summary>
public class EvasionTests
{
    [Theory]
    [InlineData("What a sh1t day.", "sh1t")]
    [InlineData("Total bullsh1t, honestly.", "bullsh1t")]
    [InlineData("Such a b1tch move.", "b1tch")]
    [InlineData("Utter b0llocks, this weather.", "b0llocks")]
    [InlineData("What a sh1tty service.", "sh1tty")]
    [InlineData("Our #Sh1tShow is back", "#Sh1t")]   // a split hashtag reports the word inside it
    public void Leetspeak_reads_as_the_word_it_imitates(string body, string match)
    {
        var finding = Assert.Single(TestRules.Raw(body), f => f.Rule == "topic.profanity");
        Assert.Equal(match, finding.Match);
    }

    [Theory]
    [InlineData("Our b2b team ships 4k video, mp3 and web3 tools.")]
    [InlineData("covid19 rules still apply at the 2nd gate of T5.")]
    [InlineData("The i5 and i7 laptops, 5G phones and 1st class seats.")]
    [InlineData("Meet us at booth A113 or call ext. 3011.")]
    [InlineData("Top 10 tips: 24/7 support, 365 days.")]
    public void Everyday_words_with_digits_stay_innocent(string body)
    {
        Assert.DoesNotContain(TestRules.Raw(body), f => f.Rule.StartsWith("topic.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("de", "Heute: #TerrorGefahr in Berlin", "topic.violence", "#TerrorGefahr")]
    [InlineData("de", "Wir sagen #NeinZumBombenanschlag", "topic.violence", "#NeinZumBombenanschlag")]
    [InlineData("nb", "Tenk på #dødsulykken i dag", "topic.death-tragedy", "#dødsulykken")]
    public void Compounds_match_inside_hashtags(string language, string body, string rule, string match)
    {
        var finding = Assert.Single(TestRules.Raw(body, TestRules.Account("brand", language)), f => f.Rule == rule);
        Assert.Contains(finding.Match, match, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("de", "Heute: #Bombenstimmung im Laden")]
    [InlineData("nb", "Helt #dødsbra konsert!")]
    public void Innocent_compounds_in_hashtags_stay_innocent(string language, string body)
    {
        Assert.DoesNotContain(TestRules.Raw(body, TestRules.Account("brand", language)), f => f.Rule.StartsWith("topic.", StringComparison.Ordinal));
    }
}

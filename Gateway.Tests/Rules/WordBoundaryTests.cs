namespace Gateway.Tests.Rules;

public class WordBoundaryTests
{
    [Theory]
    [InlineData("Join our class today")]
    [InlineData("Pass the assessment")]
    [InlineData("Visit Scunthorpe and Penistone")]
    [InlineData("Compass and bass guitars")]
    [InlineData("Grüße aus Essex, Sussex und Middlesex")]
    [InlineData("Shitake mushrooms")]
    [InlineData("A cocktail? No: a cockatoo.")]
    public void Terms_never_fire_inside_other_words(string body)
    {
        var findings = TestRules.Raw(body).Where(f => f.Rule is "topic.profanity" or "topic.sex").ToArray();
        Assert.True(findings.Length == 0, TestRules.Describe(findings));
    }

    [Theory]
    [InlineData("What an ass.", "ass")]
    [InlineData("ass!", "ass")]
    [InlineData("(shit)", "shit")]
    [InlineData("«shit»", "shit")]
    [InlineData("bullshit.", "bullshit")]
    public void Terms_fire_between_any_non_word_characters(string body, string match)
    {
        var finding = Assert.Single(TestRules.Raw(body), f => f.Rule == "topic.profanity");
        Assert.Equal(match, finding.Match);
    }

    [Fact]
    public void Letters_of_other_scripts_are_word_characters()
    {
        // "hell" followed by a Cyrillic or accented letter is part of a longer word.
        Assert.DoesNotContain(TestRules.Raw("hellя hellé"), f => f.Rule == "topic.profanity");
        Assert.Contains(TestRules.Raw("hell—really"), f => f.Rule == "topic.profanity");
    }

    [Fact]
    public void Longest_match_wins_and_allow_list_beats_the_words_inside_it()
    {
        var school = Assert.Single(TestRules.Raw("a school shooting"), f => f.Rule == "topic.violence");
        Assert.Equal("school shooting", school.Match);
        Assert.Equal("3", school.Evidence!["certainty"]);

        Assert.DoesNotContain(TestRules.Raw("our photo shooting"), f => f.Rule == "topic.violence");

        var lone = Assert.Single(TestRules.Raw("the shooting"), f => f.Rule == "topic.violence");
        Assert.Equal("1", lone.Evidence!["certainty"]);
    }

    [Fact]
    public void Phrases_hold_across_emphasis_but_not_across_paragraphs_or_code()
    {
        const string emphasised = "a school **shooting**";
        var finding = Assert.Single(TestRules.Raw(emphasised), f => f.Rule == "topic.violence");
        Assert.Equal(2, finding.Start);
        Assert.Equal("school **shooting", finding.Match);

        var split = TestRules.Raw("a school\n\nshooting").Where(f => f.Rule == "topic.violence").ToArray();
        Assert.Equal("shooting", Assert.Single(split).Match);
    }

    [Fact]
    public void Results_are_deterministic()
    {
        const string body = "Fuck the war, #SchoolShooting, bullshit damn hell, drunk on beer";
        var first = TestRules.Describe(TestRules.Run(body));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(first, TestRules.Describe(TestRules.Run(body)));
        }
    }
}

using Gateway.Rules;
using Gateway.Rules.Text;
using Gateway.Rules.Packs;

namespace Gateway.Tests.Rules;

/// <summary>Stems, compounds and hidden spellings: a pack names a word once and reads it however it is written.</summary>
public class MorphologyTests
{
    [Theory]
    [InlineData("lv", "sprādziens", "sprādzienā")]
    [InlineData("lv", "sprādziens", "sprādzienu")]
    [InlineData("en", "sniper", "snipers")]
    [InlineData("en", "stabbing", "stabbings")]
    [InlineData("de", "Bombenanschlag", "Bombenanschläge")]
    [InlineData("de", "Bombenanschlag", "Bombenanschlags")]
    [InlineData("nl", "schietpartij", "schietpartijen")]
    [InlineData("nl", "moordenaar", "moordenaars")] // the long vowel is spelt once in the stem: moordenar
    [InlineData("nl", "gijzelaar", "gijzelaars")]
    [InlineData("nb", "trussel", "trusselen")]
    public void Inflections_reduce_to_the_same_stem(string language, string word, string inflected)
    {
        Assert.Equal(Morphology.ReduceWord(word, language, true), Morphology.ReduceWord(inflected, language, true));
    }

    [Theory]
    [InlineData("nl", "geweld", "geweldig")] // violence / great: a derivational ending, not an inflection
    [InlineData("nb", "hellig", "hele")]    // holy / whole
    [InlineData("en", "murder", "murderous")]
    public void Derived_words_keep_apart(string language, string word, string other)
    {
        Assert.NotEqual(Morphology.ReduceWord(word, language, true), Morphology.ReduceWord(other, language, true));
    }

    [Theory]
    [InlineData("f u c k i n g", "fuck")]
    [InlineData("fuuuuck", "fuck")]
    [InlineData("sh\u0456t", "shit")]   // Cyrillic і
    [InlineData("f\u03C5ck", "fuck")]   // Greek υ
    [InlineData("bullshiiit", "bullshit")]
    public void Hidden_spellings_read_as_the_word(string written, string word)
    {
        Assert.Equal(Morphology.ReduceTerm(word, "en", true), Morphology.ReduceTerm(written, "en", true));
    }

    [Theory]
    [InlineData("\u0441\u0443\u043F")]          // Russian "суп": one script, left alone
    [InlineData("\u03C3\u03BF\u03C5\u03C0\u03B1")] // Greek "σουπα"
    [InlineData("a b")]                          // two single letters are not a spaced-out word
    [InlineData("cool")]                         // a double letter is not stretched
    [InlineData("xxx")]                          // too little would be left of it
    [InlineData("sooo")]
    public void Ordinary_spellings_are_left_as_they_are(string written)
    {
        Assert.Equal(NormalizedText.Of(written, true).Text, Morphology.ReduceTerm(written, "en", true));
    }

    [Fact]
    public void A_match_in_reduced_text_is_the_whole_inflected_word_in_the_original()
    {
        const string body = "Nach den **Bombenanschlägen** bleiben die Läden zu.";
        var finding = Assert.Single(TestRules.Raw(body, TestRules.Account("brand", "de")), f => f.Rule == "topic.violence");
        Assert.Equal(("Bombenanschlägen", body.IndexOf("Bombenanschlägen", StringComparison.Ordinal)), (finding.Match, finding.Start));
        Assert.Equal("Bombenanschlag", finding.Evidence!["term"]);
    }

    [Fact]
    public void A_spaced_out_word_is_reported_over_all_its_letters()
    {
        const string body = "This is f u c k i n g late.";
        var finding = Assert.Single(TestRules.Raw(body), f => f.Rule == "topic.profanity");
        Assert.Equal("f u c k i n g", finding.Match);
    }

    [Theory]
    [InlineData("de", "Terrorgefahr", "topic.violence", "Terror")]
    [InlineData("de", "Mordanschlag", "topic.violence", "Mord")]
    [InlineData("de", "Scheißladen", "topic.profanity", "Scheiße")]
    [InlineData("nl", "terreurdreiging", "topic.violence", "terrorist")]
    [InlineData("nb", "terrortrusselen", "topic.violence", "terror")]
    [InlineData("nb", "dødsulykke", "topic.death-tragedy", "død")]
    public void A_term_matches_as_a_part_of_a_compound_at_a_seam(string language, string word, string rule, string term)
    {
        var body = $"Heute: {word}.";
        var finding = Assert.Single(TestRules.Raw(body, TestRules.Account("brand", language)), f => f.Rule == rule);
        Assert.Equal((word, term), (finding.Match, finding.Evidence!["term"]));
    }

    [Theory]
    [InlineData("de", "Bombenstimmung")] // allow-listed idiom: its rest is a word
    [InlineData("de", "Mordshunger")]    // "shunger" is no word
    [InlineData("de", "Mordorf")]        // "orf" is too short and no word
    [InlineData("nl", "schietgebedje")]
    [InlineData("nb", "dødsbra")]        // "bra" is not in the compound words
    [InlineData("nl", "kutter")]
    public void Letters_inside_an_innocent_word_are_no_compound_part(string language, string word)
    {
        Assert.DoesNotContain(TestRules.Raw($"Heute: {word}.", TestRules.Account("brand", language)), f => f.Rule.StartsWith("topic.", StringComparison.Ordinal));
    }

    [Fact]
    public void Morphology_off_matches_terms_only_as_written()
    {
        using var rules = new TempRules();
        rules.Write("topics/test.yml", "rule: topic.test\nmessage: m\nmorphology: off\nterms:\n  en:\n    3: [sniper]\nexamples:\n  - fire: sniper\n  - pass: snipers\n");
        var set = RulePacks.Load(rules.Root);
        var account = TestRules.Account();
        Assert.Single(set.Hits(set.Analyze("a sniper"), account, _ => true));
        Assert.Empty(set.Hits(set.Analyze("two snipers"), account, _ => true));
    }

    [Theory]
    [InlineData("morphology: roots\n", "'morphology' must be stems or off, not 'roots'")]
    [InlineData("allow:\n  de: [Bomben-]\n", "compound part 'Bomben-': only one word, only in terms, only for de, nl, nb")]
    public void A_bad_morphology_setting_names_its_place(string yaml, string problem)
    {
        using var rules = new TempRules();
        var body = "rule: topic.test\nmessage: m\nterms:\n  de:\n    3: [Bombe]\n" + yaml;
        var path = rules.Write("topics/test.yml", body);
        var error = Assert.Throws<RuleFileException>(() => RulePacks.Load(rules.Root));
        Assert.StartsWith(path + ":", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_compound_part_in_an_english_term_is_an_error()
    {
        using var rules = new TempRules();
        rules.Write("topics/test.yml", "rule: topic.test\nmessage: m\nterms:\n  en:\n    3: [terror-]\n");
        var error = Assert.Throws<RuleFileException>(() => RulePacks.Load(rules.Root));
        Assert.Contains("compound part 'terror-'", error.Message, StringComparison.Ordinal);
    }
}

using Gateway.Rules;
using Gateway.Rules.Text;

namespace Gateway.Tests.Rules;

public class NormalizationTests
{
    [Fact]
    public void Fullwidth_letters_are_folded_by_NFKC_and_lower_cased()
    {
        var text = NormalizedText.Of("ＦＵＣＫ this", false);
        Assert.Equal("fuck this", text.Text);
        Assert.Equal((0, 4), text.ToOriginal(0, 4));
    }

    [Fact]
    public void Curly_apostrophes_become_straight()
    {
        Assert.Equal("that's so gay", NormalizedText.Of("That’s so gay", false).Text);
        Assert.Equal("i'm drunk", NormalizedText.Of("I\u02BCm drunk", false).Text);
    }

    [Fact]
    public void Invisible_characters_do_not_split_words()
    {
        const string body = "what the f\u200Bu\u00ADc\u200Dk";
        var finding = Assert.Single(TestRules.Raw(body), f => f.Rule == "topic.profanity");
        Assert.Equal(9, finding.Start);
        Assert.Equal(body.Length - 9, finding.Length);
    }

    [Fact]
    public void Sharp_s_is_case_folded_to_ss()
    {
        Assert.Equal("scheisse", NormalizedText.Of("Scheiße", false).Text);
        Assert.Equal("scheisse", NormalizedText.Key("SCHEISSE", false));
    }

    [Fact]
    public void Diacritics_are_removed_only_when_folding()
    {
        Assert.Equal("slepkavība", NormalizedText.Of("Slepkavība", false).Text);
        Assert.Equal("slepkaviba", NormalizedText.Of("Slepkavība", true).Text);
        Assert.Equal("dod", NormalizedText.Of("død", true).Text);
        // A decomposed e + combining acute is one grapheme and maps back to both code units.
        var decomposed = NormalizedText.Of("cafe\u0301 x", false);
        Assert.Equal("café x", decomposed.Text);
        Assert.Equal((3, 2), decomposed.ToOriginal(3, 1));
    }

    [Fact]
    public void White_space_runs_collapse_but_map_back()
    {
        var text = NormalizedText.Of("school \n\t shooting", false);
        Assert.Equal("school shooting", text.Text);
        Assert.Equal((0, 18), text.ToOriginal(0, text.Text.Length));
    }

    [Fact]
    public void Offsets_stay_exact_after_emoji_ligatures_and_fullwidth_text()
    {
        const string body = "👩🏽‍🚒 ﬁre ＦＵＣＫＩＮＧ hell";
        var findings = TestRules.Raw(body).Where(f => f.Rule == "topic.profanity").OrderBy(f => f.Start).ToArray();
        Assert.Equal(2, findings.Length);
        Assert.Equal("ＦＵＣＫＩＮＧ", body.Substring(findings[0].Start, findings[0].Length));
        Assert.Equal("ＦＵＣＫＩＮＧ", findings[0].Match);
        Assert.Equal("hell", body.Substring(findings[1].Start, findings[1].Length));
    }

    [Fact]
    public void Diacritic_insensitive_pack_matches_text_written_without_diacritics_at_the_right_offsets()
    {
        const string body = "Vakar notika apsaude.";
        var finding = Assert.Single(TestRules.Raw(body, TestRules.Account(language: "lv")), f => f.Rule == "topic.violence");
        Assert.Equal("apsaude", finding.Match);
        Assert.Equal(body.IndexOf("apsaude", StringComparison.Ordinal), finding.Start);
        Assert.Equal("lv", finding.Evidence!["language"]);
    }
}

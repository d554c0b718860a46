using Gateway.Rules;
using Gateway.Rules.Checks;
using Gateway.Rules.Packs;

namespace Gateway.Tests.Rules;

public class SensitiveTopicCheckTests
{
    private static IReadOnlyList<Finding> Run(string body, AccountProfile account) =>
        new SensitiveTopicCheck(TestRules.Source).RunAsync(TestRules.Input(body, account), default).AsTask().Result;

    [Theory]
    [InlineData("brand", Severity.Warning)]
    [InlineData("personal", null)]
    public void Severity_follows_account_kind_for_uncertain_terms(string kind, Severity? expected)
    {
        var finding = Run("Time for a fight", TestRules.Account(kind)).SingleOrDefault(f => f.Rule == "topic.violence");
        Assert.Equal(expected, finding?.Severity);
    }

    [Fact]
    public void Brand_is_stricter_than_personal_for_every_topic()
    {
        foreach (var pack in TestRules.Set.Packs.Where(p => p.Rule.StartsWith("topic.", StringComparison.Ordinal)))
        {
            for (var certainty = 1; certainty <= 3; certainty++)
            {
                var brand = pack.Severity.For(certainty, TestRules.Account("brand"));
                var personal = pack.Severity.For(certainty, TestRules.Account("personal"));
                Assert.True(brand is not null && (personal is null || personal <= brand), $"{pack.Rule} certainty {certainty}: brand {brand}, personal {personal}");
            }
        }
    }

    [Fact]
    public void Terms_of_the_accounts_language_and_the_posts_language_apply_others_do_not()
    {
        // "Mist" is German for rubbish (mild profanity) and English for fog.
        Assert.DoesNotContain(Run("Morning mist over the lake.", TestRules.Account(language: "en")), f => f.Rule == "topic.profanity");
        Assert.Contains(Run("So ein Mist.", TestRules.Account(language: "de")), f => f.Rule == "topic.profanity");
        // An English account posting German: the detected language's terms apply too.
        Assert.Contains(Run("Das ist doch Mist, und wir sind nicht mehr hier.", TestRules.Account(language: "en")), f => f.Rule == "topic.profanity");
    }

    [Theory]
    [InlineData("Everything in store and online", "en")]
    [InlineData("Store tilbud i hele butikken!", "nb")]
    [InlineData("Bla bla bla, jaunumi drīzumā!", "lv")]
    public void Folding_diacritics_does_not_turn_names_or_curses_into_everyday_words(string body, string language)
    {
        var findings = Run(body, TestRules.Account(language: language));
        Assert.True(findings.Count == 0, TestRules.Describe(findings));
    }

    [Fact]
    public void Full_names_still_match_without_diacritics()
    {
        Assert.Contains(Run("Jonas Gahr Store visits", TestRules.Account()), f => f.Rule == "topic.politics");
    }

    [Fact]
    public void Unknown_account_language_checks_every_language()
    {
        Assert.Contains(Run("Amoklauf", TestRules.Account(language: "fr")), f => f.Rule == "topic.violence");
    }
}

public class PrivacyCheckTests
{
    private static IReadOnlyList<Finding> Run(string body, string kind = "brand") =>
        new PrivacyCheck(TestRules.Source).RunAsync(TestRules.Input(body, TestRules.Account(kind)), default).AsTask().Result;

    [Theory]
    [InlineData("4111111111111111", true)]
    [InlineData("4111111111111112", false)]
    [InlineData("378282246310005", true)]
    [InlineData("6011 1111 1111 1117", true)]
    [InlineData("1234 5678 9012 3452", false)] // Luhn-valid, but no card starts with 1
    public void Payment_cards_need_a_valid_Luhn_checksum(string number, bool expected)
    {
        var findings = Run($"card {number} ok");
        Assert.Equal(expected, findings.Any(f => f.Rule == "privacy.payment-card" && f.Severity == Severity.Block && f.Match == number));
    }

    [Theory]
    [InlineData("GB82 WEST 1234 5698 7654 32", true)]
    [InlineData("GB82 WEST 1234 5698 7654 33", false)]
    [InlineData("NL91ABNA0417164300", true)]
    [InlineData("LV80BANK0000435195001", true)]
    [InlineData("NO9386011117947", true)]
    [InlineData("NO938601111794", false)]
    public void Ibans_need_a_valid_mod97_checksum(string iban, bool expected)
    {
        var findings = Run($"Pay to {iban} please");
        Assert.Equal(expected, findings.Any(f => f.Rule == "privacy.iban" && f.Match == iban));
    }

    [Fact]
    public void A_card_number_is_not_also_reported_as_a_phone_number()
    {
        var findings = Run("4111 1111 1111 1111");
        Assert.Equal("privacy.payment-card", Assert.Single(findings).Rule);
    }

    [Fact]
    public void Credential_requests_and_confidential_terms_block()
    {
        Assert.Equal(Severity.Block, Assert.Single(Run("Hi! DM us your password."), f => f.Rule == "privacy.credential-request").Severity);
        Assert.Equal(Severity.Block, Assert.Single(Run("Internal only: launch plan"), f => f.Rule == "privacy.confidential").Severity);
    }
}

public class PersonalContentCheckTests
{
    private static IReadOnlyList<Finding> Run(string body, string kind) =>
        new PersonalContentCheck(TestRules.Source).RunAsync(TestRules.Input(body, TestRules.Account(kind)), default).AsTask().Result;

    [Fact]
    public void Fires_on_brand_accounts_only()
    {
        Assert.Contains(Run("My boss is out, so we are so drunk", "brand"), f => f.Match == "we are so drunk");
        Assert.Contains(Run("My boss is out", "brand"), f => f.Rule == "account.personal-content" && f.Match == "My boss");
        Assert.Empty(Run("My boss is out, so we are so drunk", "personal"));
    }

    [Fact]
    public void Account_id_override_beats_kind()
    {
        var pack = TestRules.Set.Find("topic.alcohol-drugs")!;
        var table = new SeverityTable(pack.Severity.Defaults, new Dictionary<string, IReadOnlyDictionary<int, Severity?>>
        {
            ["brand"] = new Dictionary<int, Severity?> { [1] = Severity.Review },
            ["brewery"] = new Dictionary<int, Severity?> { [1] = null },
        });
        Assert.Null(table.For(1, TestRules.Account("brand", id: "brewery")));
        Assert.Equal(Severity.Review, table.For(1, TestRules.Account("brand", id: "bank")));
        Assert.Equal(pack.Severity.Defaults[2], table.For(2, TestRules.Account("brand", id: "bank")));
    }
}

public class LanguageCheckTests
{
    private static IReadOnlyList<Finding> Run(string body, string language) =>
        new LanguageCheck(TestRules.Source).RunAsync(TestRules.Input(body, TestRules.Account(language: language)), default).AsTask().Result;

    [Theory]
    [InlineData("en", "We are so happy that you are all here today, and there is more to come!")]
    [InlineData("de", "Wir freuen uns, dass ihr heute alle hier seid, und es gibt noch mehr!")]
    [InlineData("nl", "We zijn blij dat jullie er vandaag allemaal zijn, en er komt nog meer aan!")]
    [InlineData("nb", "Vi er så glade for at dere er her i dag, og det kommer mer!")]
    [InlineData("lv", "Mēs esam ļoti priecīgi, ka jūs visi šodien esat šeit, un būs vēl!")]
    public void Detects_each_pack_language(string language, string text)
    {
        var detector = TestRules.Set.Detector!;
        Assert.Equal(language, detector.Detect(Gateway.Rules.Text.NormalizedText.Of(text, false).Text).Language);
        Assert.Empty(Run(text, language));
        var other = language == "en" ? "de" : "en";
        var finding = Assert.Single(Run(text, other));
        Assert.Equal("account.language", finding.Rule);
        Assert.Equal(language, finding.Evidence!["language"]);
        Assert.Equal(0, finding.Start);
        Assert.Equal(text.Length, finding.Length);
    }

    [Fact]
    public void Short_or_unknown_texts_are_not_judged()
    {
        Assert.Empty(Run("Sale!", "de"));
        Assert.Empty(Run("Wir freuen uns, dass ihr hier seid", "fr"));
        Assert.Empty(Run("We are here", "en-GB"));
    }

    [Fact]
    public void Region_and_legacy_codes_are_normalised()
    {
        Assert.Equal("nb", Gateway.Rules.Text.LanguageDetector.Normalize("no"));
        Assert.Equal("en", Gateway.Rules.Text.LanguageDetector.Normalize("en-GB"));
        Assert.Empty(Run("Vi er så glade for at dere er her i dag, og det kommer mer!", "nb-NO"));
    }
}

public class CountCheckTests
{
    private static IReadOnlyList<Finding> Run(string body, string network) =>
        new CountCheck(TestRules.Source).RunAsync(TestRules.Input(body, TestRules.Account(network: network)), default).AsTask().Result;

    private static string Tags(int count) => string.Join(" ", Enumerable.Range(1, count).Select(i => $"#tag{i}"));

    [Fact]
    public void Instagram_refuses_more_than_30_hashtags()
    {
        Assert.DoesNotContain(Run(Tags(30), "instagram"), f => f.Severity == Severity.Block);
        var finding = Assert.Single(Run(Tags(31), "instagram"));
        Assert.Equal("network.hashtags", finding.Rule);
        Assert.Equal(Severity.Block, finding.Severity);
        Assert.Equal("#tag31", finding.Match);
        Assert.Equal("31", finding.Evidence!["count"]);
    }

    [Fact]
    public void Advice_limits_warn()
    {
        Assert.Empty(Run(Tags(3), "x"));
        Assert.Equal(Severity.Warning, Assert.Single(Run(Tags(4), "x")).Severity);
        Assert.Empty(Run(Tags(40), "outbox"));
    }

    [Fact]
    public void Counts_mentions_not_email_addresses()
    {
        Assert.Empty(Run("a@b.com c@d.com e@f.com g@h.com i@j.com k@l.com @one", "x"));
        var finding = Assert.Single(Run("@a @b @c @d @e @f", "x"));
        Assert.Equal("network.mentions", finding.Rule);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal("@f", finding.Match);
        Assert.Contains("6 accounts", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Network_length_check_is_still_part_of_the_defaults()
    {
        var findings = TestRules.Raw(new string('a', 281), TestRules.Account(network: "x"));
        Assert.Equal(Severity.Block, Assert.Single(findings, f => f.Rule == NetworkLengthCheck.RuleId).Severity);
    }
}

using Gateway.Rules;
using Gateway.Rules.Checks;

namespace Gateway.Tests.Rules;

/// <summary>Phone numbers and e-mail addresses judged by what they are, not by how they look.</summary>
public class PrivacyKindTests
{
    private static IReadOnlyList<Finding> Run(string body, AccountProfile account) =>
        new PrivacyCheck(TestRules.Source).RunAsync(TestRules.Input(body, account), default).AsTask().Result;

    private static Finding? Phone(string body, AccountProfile account) => Run(body, account).SingleOrDefault(f => f.Rule == "privacy.phone");

    private static Finding? Email(string body, AccountProfile account) => Run(body, account).SingleOrDefault(f => f.Rule == "privacy.email");

    [Theory]
    [InlineData("en", "07911 123456", "mobile", Severity.Review)]
    [InlineData("en", "0800 123 4567", "toll-free", Severity.Info)]
    [InlineData("en", "020 7946 0018", "fixed-line", Severity.Warning)]
    [InlineData("de", "0151 23456789", "mobile", Severity.Review)]
    [InlineData("de", "0800 1234567", "toll-free", Severity.Info)]
    [InlineData("de", "030 12345678", "fixed-line", Severity.Warning)]
    [InlineData("nl", "06 12345678", "mobile", Severity.Review)]
    [InlineData("nl", "0800 1234", "toll-free", Severity.Info)]
    [InlineData("nl", "020 123 4567", "fixed-line", Severity.Warning)]
    [InlineData("nb", "912 34 567", "mobile", Severity.Review)]
    [InlineData("nb", "800 12 345", "toll-free", Severity.Info)]
    [InlineData("nb", "22 33 44 55", "fixed-line", Severity.Warning)]
    [InlineData("lv", "26 123 456", "mobile", Severity.Review)]
    [InlineData("lv", "80 123 456", "toll-free", Severity.Info)]
    [InlineData("lv", "67 123 456", "fixed-line", Severity.Warning)]
    public void A_number_is_read_in_the_accounts_region_and_weighed_by_its_kind(string language, string number, string kind, Severity severity)
    {
        var finding = Phone($"Call {number} today.", TestRules.Account(language: language));
        Assert.NotNull(finding);
        Assert.Equal((number, kind, severity), (finding.Match, finding.Evidence!["kind"], finding.Severity));
        Assert.Contains(kind, finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en", "07911 123456")]
    [InlineData("de", "0151 23456789")]
    [InlineData("nl", "06 12345678")]
    [InlineData("nb", "912 34 567")]
    [InlineData("lv", "26 123 456")]
    public void The_accounts_own_published_number_is_not_reported_in_any_spelling(string language, string number)
    {
        var region = PhoneNumberKinds.RegionOfLanguage(language);
        var own = TestRules.Account(language: language) with { Phones = [PhoneNumberKinds.Normalize(number, region)!] };
        Assert.Null(Phone($"Call {number} today.", own));
        var international = PhoneNumberKinds.Normalize(number, region)!;
        Assert.Null(Phone($"From abroad: {international}", own));
        Assert.NotNull(Phone($"Call {number} today.", TestRules.Account(language: language)));
    }

    [Fact]
    public void The_region_setting_beats_the_language_and_a_country_code_is_read_anywhere()
    {
        // 0151 … is a German mobile number, but nothing in the United Kingdom.
        Assert.Null(Phone("Ruf an: 0151 23456789", TestRules.Account(language: "en")));
        Assert.Equal(Severity.Review, Phone("Ruf an: 0151 23456789", TestRules.Account(language: "en") with { Region = "DE" })?.Severity);
        var foreign = Phone("Ring +47 912 34 567", TestRules.Account(language: "lv"));
        Assert.Equal(("mobile", "NO"), (foreign?.Evidence!["kind"], foreign?.Evidence!["region"]));
    }

    [Theory]
    [InlineData("en", "GB")]
    [InlineData("de", "DE")]
    [InlineData("nl", "NL")]
    [InlineData("nb", "NO")]
    [InlineData("lv", "LV")]
    [InlineData("en-IE", "IE")]
    [InlineData("de-AT", "AT")]
    [InlineData("xx", "ZZ")]
    public void The_region_comes_from_the_language_tag(string language, string region) =>
        Assert.Equal(region, PhoneNumberKinds.RegionOfLanguage(language));

    [Theory]
    [InlineData("en", "Open 2024-05-01 to 2024-05-31, 9 to 17.")]
    [InlineData("en", "We planted 1,000,000 trees and raised £1,250,000.")]
    [InlineData("en", "Order 123456789 has shipped.")]
    [InlineData("en", "Spring sale: 30% off until 31/05/2025, prices from £19.99. Order #100234567.")]
    [InlineData("de", "Bestellnummer 12345678 ist unterwegs, Lieferung am 12.05.2025.")]
    [InlineData("nl", "Bestelling 87654321 is onderweg.")]
    [InlineData("nb", "Ordre 20240511 er sendt, kl. 10.30–18.00.")]
    [InlineData("lv", "Pasūtījums 12345678 ir ceļā.")]
    public void Digits_that_are_no_number_are_not_reported(string language, string body) =>
        Assert.Null(Phone(body, TestRules.Account(language: language)));

    [Theory]
    [InlineData("info@example.com", "role", Severity.Info)]
    [InlineData("support@example.com", "role", Severity.Info)]
    [InlineData("press+launch@example.com", "role", Severity.Info)]
    [InlineData("Presse@example.de", "role", Severity.Info)]
    [InlineData("kundeservice@example.no", "role", Severity.Info)]
    [InlineData("jane.doe@example.com", "personal", Severity.Review)]
    [InlineData("j.berzina@inbox.lv", "personal", Severity.Review)]
    [InlineData("jane.doe@acme.com", "own-domain", Severity.Info)]
    [InlineData("jane.doe@shop.acme.com", "own-domain", Severity.Info)]
    [InlineData("jane.doe@notacme.com", "personal", Severity.Review)]
    public void A_role_address_or_one_at_the_accounts_domains_is_info_a_personal_address_is_review(string address, string kind, Severity severity)
    {
        var account = TestRules.Account() with { Domains = ["acme.com"] };
        var finding = Email($"Write to {address} for details.", account);
        Assert.NotNull(finding);
        Assert.Equal((address, kind, severity), (finding.Match, finding.Evidence!["kind"], finding.Severity));
    }

    [Theory]
    [InlineData("en", "Our toll-free line: 0800 123 4567. Or write to press@acme.com.")]
    [InlineData("en", "Questions about your order? support@example.com or 0800 123 4567, Mon–Fri 9–17.")]
    [InlineData("de", "Fragen? Kostenlos unter 0800 1234567 oder an kundenservice@example.de – Mo–Fr 8–20 Uhr.")]
    [InlineData("de", "Sommerfest am 14.06.2025 ab 14:00, Eintritt 12,50 €. Presseanfragen: presse@example.de")]
    [InlineData("nl", "Vragen? Bel gratis 0800 1234 of mail info@example.nl. Open van 9.00 tot 17.30 uur.")]
    [InlineData("nb", "Spørsmål? Ring gratis 800 12 345 eller skriv til kundeservice@example.no. Åpent 10–18.")]
    [InlineData("lv", "Jautājumi? Zvaniet bez maksas 80 123 456 vai rakstiet atbalsts@example.lv. Darba laiks 9–18.")]
    public void A_shops_own_service_number_and_press_address_raise_no_alarm(string language, string body)
    {
        var findings = Run(body, TestRules.Account(language: language));
        Assert.NotEmpty(findings); // each line publishes a number or an address, noted as info
        Assert.All(findings, f => Assert.Equal(Severity.Info, f.Severity));
    }
}

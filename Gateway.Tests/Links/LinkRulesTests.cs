using Gateway.Rules;
using Gateway.Rules.Links;

namespace Gateway.Tests.Links;

public sealed class LinkRulesTests
{
    private static string Write(string yaml)
    {
        var dir = Path.Combine(Path.GetTempPath(), "crisis-gateway-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, LinkRules.FileName), yaml);
        return dir;
    }

    [Fact]
    public void The_shipped_pack_loads_with_phrases_in_five_languages()
    {
        var rules = LinkRules.Load(Support.Paths.Rules);

        Assert.Equal(["de", "en", "lv", "nb", "nl"], rules.Soft404Phrases.Keys.Order());
        Assert.Equal(TimeSpan.FromSeconds(8), rules.Settings.Budget);
        Assert.Equal(5, rules.Settings.RedirectLimit);
        Assert.True(rules.IsShortener("bit.ly"));
        Assert.Equal(ShortenerAction.Expand, rules.ShortenerAction);
        Assert.Equal(("lv", "lapa nav atrasta"), rules.Soft404Phrase("kļūda: lapa nav atrasta"));
    }

    [Fact]
    public void Settings_durations_and_domains_are_read()
    {
        var rules = LinkRules.Load(Write("""
            settings:
              budget: 3s
              per-host-spacing: 250ms
              cache-ttl: 1h
              retries: 0
              user-agent: "TestAgent/2"
            shorteners:
              action: deny
              domains: [sho.rt]
            deny:
              bad.example: "phishing"
            allow: [intranet.example]
            """));

        Assert.Equal(TimeSpan.FromSeconds(3), rules.Settings.Budget);
        Assert.Equal(TimeSpan.FromMilliseconds(250), rules.Settings.PerHostSpacing);
        Assert.Equal(TimeSpan.FromHours(1), rules.Settings.CacheTtl);
        Assert.Equal(0, rules.Settings.Retries);
        Assert.Equal("TestAgent/2", rules.Settings.UserAgent);
        Assert.Equal(ShortenerAction.Deny, rules.ShortenerAction);
        Assert.True(rules.IsShortener("SHO.RT"));
        Assert.Equal(("bad.example", "phishing"), rules.DeniedBy("www.bad.example"));
        Assert.Null(rules.DeniedBy("notbad.example"));
        Assert.True(rules.IsAllowed("wiki.intranet.example"));
    }

    [Theory]
    [InlineData("settings:\n  budget: soon\n", 2, 11, "budget must be a duration such as 250ms, 8s, 10m or 1h (more than zero), not 'soon'")]
    [InlineData("settings:\n  redirects: 3\n", 2, 3, "unknown setting 'redirects'")]
    [InlineData("shorteners:\n  action: shorten\n", 2, 11, "action must be 'expand' or 'deny', not 'shorten'")]
    [InlineData("deny:\n  https://bad.example/: x\n", 2, 3, "'https://bad.example/' is not a domain name")]
    [InlineData("soft-404:\n  en: page not found\n", 2, 7, "the soft-404 phrases of 'en' must be a list")]
    [InlineData("links:\n  a: b\n", 1, 1, "unknown section 'links'")]
    public void Mistakes_name_file_line_and_column(string yaml, int line, int column, string problem)
    {
        var dir = Write(yaml);

        var error = Assert.Throws<RuleFileException>(() => LinkRules.Load(dir));

        Assert.StartsWith($"{Path.Combine(dir, LinkRules.FileName)}:{line}:{column}: {problem}", error.Message);
    }
}

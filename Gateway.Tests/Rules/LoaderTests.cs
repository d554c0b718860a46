using Gateway.Rules;
using Gateway.Rules.Packs;
using Gateway.Rules.Packs.Kinds;

namespace Gateway.Tests.Rules;

public sealed class TempRules : IDisposable
{
    public TempRules()
    {
        Directory.CreateDirectory(Path.Combine(Root, "topics"));
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "gateway-rules-" + Guid.NewGuid().ToString("N"));

    public string Write(string relative, string content)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public const string Good = """
        rule: topic.test
        message: "{match} is a test word."
        terms:
          en:
            3: [kumquat|kumquats]
        examples:
          - fire: "I love kumquats"
          - pass: "I love apples"
        """;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, true);
        }
        catch (IOException)
        {
        }
    }
}

public class LoaderTests
{
    private static RuleFileException LoadError(string content, out string path)
    {
        using var rules = new TempRules();
        rules.Write("topics/good.yml", TempRules.Good);
        path = rules.Write("topics/zbad.yml", content);
        return Assert.Throws<RuleFileException>(() => RulePacks.Load(rules.Root));
    }

    [Fact]
    public void Loads_the_default_packs_once_with_thousands_of_forms()
    {
        var set = TestRules.Set;
        Assert.True(set.Packs.Count >= 16, $"{set.Packs.Count} packs");
        Assert.True(set.TermCount > 1500, $"{set.TermCount} terms");
        Assert.DoesNotContain(set.Packs, p => Path.GetFileName(p.File) == "networks.yml");
    }

    [Fact]
    public void A_good_pack_loads()
    {
        using var rules = new TempRules();
        rules.Write("topics/good.yml", TempRules.Good);
        rules.Write("networks.yml", "not: a pack");
        rules.Write("trends/registry.yml", "not: a pack either");
        var pack = Assert.Single(RulePacks.Load(rules.Root).Packs);
        Assert.Equal("topic.test", pack.Rule);
        Assert.Equal("test", pack.Category);
        Assert.Equal(2, ((TermPack)pack.Options).Forms.Count);
        Assert.Equal(Severity.Block, pack.Severity.For(3, TestRules.Account()));
    }

    [Theory]
    [InlineData("rule: topic.x\nmessage: m\nterms:\n  en:\n    4: [a]\n", 5, 5, "certainty must be 1")]
    [InlineData("rule: topic.x\nmessage: m\nseverity: {1: fatal}\nterms: {en: {1: [a]}}\n", 3, 15, "unknown severity 'fatal'")]
    [InlineData("rule: topic.x\nmessage: m\nterms: {en: {1: [a]}}\ncolour: red\n", 4, 1, "unknown key 'colour'")]
    [InlineData("rule: Topic X\nmessage: m\nterms: {en: {1: [a]}}\n", 1, 7, "rule 'Topic X' must look like")]
    [InlineData("rule: topic.x\nterms: {en: {1: [a]}}\n", 1, 1, "missing 'message'")]
    [InlineData("rule: topic.x\nmessage: m\n", 1, 1, "a terms pack needs 'terms' or 'patterns'")]
    [InlineData("rule: topic.x\nmessage: m\npatterns:\n  - regex: '(a'\n", 4, 12, "bad regex")]
    [InlineData("rule: topic.x\nmessage: m\npatterns:\n  - regex: '(a)\\1'\n", 4, 12, "bad regex")]
    [InlineData("rule: topic.x\nmessage: m\nextends: telepathy\n", 3, 10, "unknown pack kind 'telepathy' (expected one of terms, count, language, personal-data, wrong-account, alt-missing)")]
    [InlineData("rule: topic.x\nmessage: m\ndetector: phone\n", 3, 11, "'detector' is now 'extends'")]
    // Keys belong to a kind: a terms pack has no stop words, a count pack no terms, a personal-data pack says what it detects.
    [InlineData("rule: topic.x\nmessage: m\nterms: {en: {1: [a]}}\nstopwords: {en: [the], de: [der]}\n", 4, 1, "unknown key 'stopwords' (expected rule, message, category, link, extends, severity, accounts, only-for, examples, diacritics, morphology, scopes, terms, allow, patterns)")]
    [InlineData("rule: network.x\nmessage: m\nextends: count\nof: hashtags\nterms: {en: {1: [a]}}\n", 5, 1, "unknown key 'terms' (expected rule, message, category, link, extends, severity, accounts, only-for, examples, of, limits, advice)")]
    [InlineData("rule: network.x\nmessage: m\nextends: count\nof: hashtags\nlimits: {x: 0}\n", 5, 13, "the count for 'x' must be a positive whole number")]
    [InlineData("rule: network.x\nmessage: m\nextends: count\nof: likes\n", 4, 5, "'of' must be hashtags or mentions, not 'likes'")]
    [InlineData("rule: privacy.x\nmessage: m\nextends: personal-data\n", 1, 1, "missing 'detect'")]
    [InlineData("rule: account.x\nmessage: m\nextends: language\nstopwords: {en: [the]}\n", 1, 1, "the language detector needs 'stopwords' for at least two languages")]
    [InlineData("rule: topic.x\nmessage: m\nscopes: [prose, url]\nterms: {en: {1: [a]}}\n", 3, 17, "scope 'url' is never checked for words")]
    [InlineData("rule: topic.x\nmessage: m\nterms:\n  english:\n    1: [a]\n", 4, 3, "'english' is not a language code")]
    [InlineData("rule: topic.x\nmessage: m\nterms: {en: {1: [a]}}\nexamples:\n  - {fire: a, pass: b}\n", 5, 5, "exactly one of 'fire' or 'pass'")]
    [InlineData("rule: topic.x\nmessage: m\nterms: {en: {1: [\"   \"]}}\n", 3, 18, "empty form")]
    [InlineData("rule: topic.x\nmessage: [unclosed\n", 3, 1, "")]
    [InlineData("rule: topic.test\nmessage: m\nterms: {en: {1: [a]}}\n", 1, 7, "already defined")]
    public void Errors_name_file_line_and_column(string content, int line, int column, string problem)
    {
        var error = LoadError(content, out var path);
        Assert.Equal(path, error.File);
        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
        Assert.StartsWith($"{path}:{line}:{column}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void User_regexes_run_without_backtracking()
    {
        using var rules = new TempRules();
        rules.Write("topics/regex.yml", "rule: topic.regex\nmessage: m\npatterns:\n  - regex: '(a+)+b'\n");
        var pattern = Assert.Single(RulePacks.Load(rules.Root).Packs[0].Options is TermPack t ? t.Regexes : []);
        Assert.True(pattern.Regex.Options.HasFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking));
        Assert.DoesNotMatch(pattern.Regex, new string('a', 5000) + "c");
    }

    [Fact]
    public void A_missing_folder_is_an_error()
    {
        var error = Assert.Throws<RuleFileException>(() => RulePacks.Load(Path.Combine(Path.GetTempPath(), "no-such-rules-" + Guid.NewGuid())));
        Assert.Contains("does not exist", error.Problem, StringComparison.Ordinal);
    }
}

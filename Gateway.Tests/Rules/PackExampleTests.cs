using Gateway.Rules.Packs.Kinds;
using Gateway.Rules;

namespace Gateway.Tests.Rules;

/// <summary>Every example in every pack: "fire" examples must produce the pack's rule, "pass" examples must not.</summary>
public class PackExampleTests
{
    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        foreach (var pack in TestRules.Set.Packs)
        {
            for (var i = 0; i < pack.Examples.Count; i++)
            {
                data.Add(pack.Rule, i);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_behaves_as_documented(string rule, int index)
    {
        var pack = TestRules.Set.Find(rule)!;
        var example = pack.Examples[index];
        var account = TestRules.Account(example.Account, example.Language, example.Network);
        var findings = TestRules.Raw(example.Text, account, TestRules.Images(example.Media));
        var fired = findings.Any(f => f.Rule == rule);
        Assert.True(fired == example.MustFire,
            $"{Path.GetFileName(pack.File)}:{example.Line} expected {(example.MustFire ? "a" : "no")} '{rule}' finding for \"{example.Text}\"" +
            $" ({example.Account}, {example.Language}, {example.Network}); got:\n{TestRules.Describe(findings)}");
    }

    [Fact]
    public void Every_pack_has_examples_that_fire_and_examples_that_pass()
    {
        foreach (var pack in TestRules.Set.Packs)
        {
            Assert.True(pack.Examples.Any(e => e.MustFire), $"{pack.Rule} has no 'fire' example");
            Assert.True(pack.Examples.Any(e => !e.MustFire), $"{pack.Rule} has no 'pass' example");
        }
    }

    [Fact]
    public void Every_topic_pack_covers_the_five_languages()
    {
        var topics = TestRules.Set.Packs.Where(p => p.Rule.StartsWith("topic.", StringComparison.Ordinal)).ToArray();
        Assert.Equal(
            ["topic.alcohol-drugs", "topic.death-tragedy", "topic.discrimination", "topic.politics", "topic.profanity", "topic.religion", "topic.sex", "topic.violence"],
            topics.Select(p => p.Rule).Order(StringComparer.Ordinal));
        foreach (var pack in topics)
        {
            foreach (var language in new[] { "en", "de", "nl", "nb", "lv" })
            {
                Assert.True(((TermPack)pack.Options).Forms.Count(t => t.Language == language && !t.Allowed) >= 10, $"{pack.Rule} has fewer than 10 {language} terms");
                Assert.Contains(pack.Examples, e => e.Language == language && e.MustFire);
            }
        }
    }
}

using Gateway.Rules.Text;

namespace Gateway.Tests.Rules;

public class AhoCorasickTests
{
    private static List<(int Id, int Start, int Length)> FindAll(AhoCorasick automaton, string text)
    {
        var found = new List<(int, int, int)>();
        automaton.FindAll(text, ref found, static (ref List<(int, int, int)> list, int id, int start, int length) => list.Add((id, start, length)));
        return found;
    }

    [Fact]
    public void Finds_every_overlapping_occurrence()
    {
        var automaton = new AhoCorasick(["he", "she", "his", "hers", "s"]);
        var found = FindAll(automaton, "ushers").OrderBy(f => f.Start).ThenBy(f => f.Id).ToArray();
        Assert.Equal(new[] { (1, 1, 3), (4, 1, 1), (0, 2, 2), (3, 2, 4), (4, 5, 1) }, found);
    }

    [Fact]
    public void Agrees_with_naive_search_on_random_text()
    {
        var random = new Random(1234);
        for (var round = 0; round < 50; round++)
        {
            var patterns = Enumerable.Range(0, 40).Select(_ => RandomString(random, random.Next(1, 5))).ToArray();
            var text = RandomString(random, 300);
            var expected = new List<(int, int, int)>();
            for (var id = 0; id < patterns.Length; id++)
            {
                for (var i = text.IndexOf(patterns[id], StringComparison.Ordinal); i >= 0; i = text.IndexOf(patterns[id], i + 1, StringComparison.Ordinal))
                {
                    expected.Add((id, i, patterns[id].Length));
                }
            }
            var actual = FindAll(new AhoCorasick(patterns), text);
            Assert.Equal(expected.Order(), actual.Order());
        }
    }

    [Fact]
    public void Handles_characters_outside_ascii()
    {
        var automaton = new AhoCorasick(["ļoti", "šā", "日本"]);
        var found = FindAll(automaton, "ļoti šādi 日本語");
        Assert.Equal(3, found.Count);
    }

    private static string RandomString(Random random, int length) =>
        new(Enumerable.Range(0, length).Select(_ => "abcš"[random.Next(4)]).ToArray());
}

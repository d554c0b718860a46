using System.Text.Json;
using Gateway.Rules;
using Xunit.Abstractions;

namespace Gateway.Tests.Rules;

/// <summary>
/// The labelled development corpus (Corpus/dev.jsonl: blunders with the rule they must raise, ordinary posts,
/// idioms and traps with none): reports caught / missed / false alarms per language. Any warning or worse on an
/// ordinary post fails, and so does catching fewer blunders than the engine is known to catch.
/// </summary>
public class CorpusTests(ITestOutputHelper output)
{
    /// <summary>Blunders caught when this floor was last raised; a change that catches fewer is a regression.</summary>
    private const int CaughtFloor = 77;

    private sealed record Post(string Lang, string Account, string Body, string? Expect);

    private static IReadOnlyList<Post> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Rules", "Corpus", "dev.jsonl");
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        return File.ReadLines(path).Where(l => l.Trim().Length > 0).Select(l => JsonSerializer.Deserialize<Post>(l, options)!).ToArray();
    }

    [Fact]
    public void Corpus_has_at_least_150_posts_in_five_languages()
    {
        var posts = Load();
        Assert.True(posts.Count >= 150, $"{posts.Count} posts");
        foreach (var language in new[] { "en", "de", "nl", "nb", "lv" })
        {
            Assert.Contains(posts, p => p.Lang == language && p.Expect is null);
            Assert.Contains(posts, p => p.Lang == language && p.Expect is not null);
        }
    }

    [Fact]
    public void Blunders_are_caught_and_ordinary_posts_raise_nothing()
    {
        var falseAlarms = new List<string>();
        var missed = new List<string>();
        var caught = 0;
        foreach (var group in Load().GroupBy(p => p.Lang))
        {
            var (c, m, f) = (0, 0, 0);
            foreach (var post in group)
            {
                var findings = TestRules.Raw(post.Body, TestRules.Account("brand", post.Account));
                if (post.Expect is null)
                {
                    var alarms = findings.Where(x => x.Severity >= Severity.Warning).ToArray();
                    if (alarms.Length > 0)
                    {
                        f++;
                        falseAlarms.Add($"[{post.Lang}] \"{post.Body}\": {TestRules.Describe(alarms)}");
                    }
                }
                else if (findings.Any(x => x.Rule == post.Expect))
                {
                    c++;
                }
                else
                {
                    m++;
                    missed.Add($"[{post.Lang}] {post.Expect}: \"{post.Body}\"");
                }
            }
            caught += c;
            output.WriteLine($"{group.Key}: caught {c}, missed {m}, false alarms {f}");
        }
        output.WriteLine("missed:\n" + string.Join("\n", missed));
        Assert.True(falseAlarms.Count == 0, "false alarms on ordinary posts:\n" + string.Join("\n", falseAlarms));
        Assert.True(caught >= CaughtFloor, $"caught {caught} blunders, fewer than the floor {CaughtFloor}");
    }
}

using System.Text.RegularExpressions;
using Gateway.Freeze;
using Gateway.Reviews;
using Gateway.Rules;
using Gateway.Rules.Links;
using Gateway.Rules.Checks;
using Gateway.Rules.Packs;
using Gateway.Rules.Trends;
using Gateway.Tests.Support;
using Xunit.Abstractions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Tests.Rules;

/// <summary>
/// Breaks every shipped rule file in many ways and loads it the way the gateway does: each attempt ends in a
/// clean load or in a <see cref="RuleFileException"/> that names the file, line and column — never in any other
/// exception, which would stop a start with a stack trace or kill a running gateway's reload.
/// </summary>
public sealed partial class RuleFileMutationTests(ITestOutputHelper output)
{
    /// <summary>Every <c>rules/**/*.yml</c>, so a file added later is covered without touching this test.</summary>
    public static TheoryData<string> ShippedFiles() => new(Files());

    private static IEnumerable<string> Files() =>
        Directory.EnumerateFiles(Paths.Rules, "*.yml", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Paths.Rules, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    [Fact]
    public void Every_kind_of_rule_file_is_shipped_and_covered()
    {
        var files = Files().ToArray();
        Assert.True(files.Length >= 20, $"only {files.Length} rule files found under {Paths.Rules}");
        Assert.All(files, file => Assert.NotNull(StartUpLoader(file)));
    }

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void A_mutated_rule_file_loads_or_names_its_file_line_and_column(string relative)
    {
        using var rules = new TempRules();
        var original = File.ReadAllText(Path.Combine(Paths.Rules, relative));
        var path = rules.Write(relative, original);
        var load = StartUpLoader(relative);
        load(rules.Root); // the shipped file itself is fine, so every failure below is the mutation's

        // Packs are also reloaded by a running gateway; its watcher must survive the same mutations.
        var isPack = RulePacks.Folders.Any(folder => relative.StartsWith(folder + "/", StringComparison.Ordinal));
        // Reloads are called by hand; the debounce only keeps the watcher's own timer out of the way.
        using var watcher = isPack ? new RulePackWatcher(rules.Root, TimeSpan.FromHours(1)) : null;
        var good = watcher?.Current;

        var outcomes = new Dictionary<string, int>();
        var mutations = Mutate(original).ToArray();
        foreach (var mutation in mutations)
        {
            File.WriteAllText(path, mutation.Text);
            var error = Record.Exception(() => load(rules.Root));
            var what = $"{relative}, {mutation.Name}:\n{mutation.Text}";
            if (error is null)
            {
                Assert.False(mutation.MustFail, $"loaded although it must not: {what}");
            }
            else
            {
                AssertNamesThePlace(error, path, mutation.Text, what);
            }
            var outcome = error is null ? "loaded" : "rejected";
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;

            if (watcher is not null)
            {
                var reloaded = watcher.Reload();
                Assert.True(reloaded == (error is null), $"the watcher and the start-up loader disagree on {what}");
                if (reloaded)
                {
                    Assert.Null(watcher.Status.Error);
                    good = watcher.Current;
                }
                else
                {
                    Assert.Same(good, watcher.Current);
                    Assert.Equal(error!.Message, watcher.Status.Error?.Message);
                }
            }
        }
        if (watcher is not null)
        {
            File.WriteAllText(path, original);
            Assert.True(watcher.Reload(), "the watcher did not recover once the file was fixed");
            Assert.Null(watcher.Status.Error);
        }
        output.WriteLine($"{relative}: {mutations.Length} mutations, " +
            string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Value} {o.Key}")) +
            (watcher is null ? "" : "; each also reloaded by the watcher"));
    }

    [Theory]
    [InlineData("hashtags.yml", "\nhashtags:", "\nhashtagz:", "unknown key 'hashtagz' (expected sensitivities, hashtags)")]
    [InlineData("hashtags.yml", "    sensitivity: violence\n", "    sensitivity: violence\n    colour: red\n", "unknown key 'colour'")]
    [InlineData("hashtags.yml", "    keywords: [", "    keyword: [", "unknown key 'keyword'")]
    [InlineData("tripwires.yml", "\nbrands:", "\nbrand:", "unknown section 'brand'")]
    [InlineData("policy.yml", "approvals-for:\n", "approvals-for:\n  acounts: {a: 2}\n", "unknown setting 'acounts'")]
    [InlineData("networks.yml", "\nnetworks:", "\nnetwork:", "unknown section 'network'")]
    [InlineData("links.yml", "shorteners:\n", "shorteners:\n  actoin: deny\n", "unknown setting 'actoin'")]
    [InlineData("topics/violence.yml", "category: violence", "categroy: violence", "unknown key 'categroy'")]
    public void A_misspelt_key_is_an_error_in_every_rule_file(string relative, string find, string replace, string problem)
    {
        using var rules = new TempRules();
        var original = File.ReadAllText(Path.Combine(Paths.Rules, relative));
        Assert.Contains(find, original, StringComparison.Ordinal);
        var path = rules.Write(relative, ReplaceFirst(original, find, replace));
        var error = Assert.Throws<RuleFileException>(() => StartUpLoader(relative)(rules.Root));
        Assert.StartsWith(path + ":", error.Message, StringComparison.Ordinal);
        Assert.StartsWith(problem, error.Problem, StringComparison.Ordinal);
        var line = File.ReadAllLines(path)[(int)error.Line - 1];
        Assert.Contains(problem.Split('\'')[1], line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("topics/violence.yml", "category: violence", "category: [violence", 11, "this '[' is never closed")]
    [InlineData("policy.yml", "approvals: 1", "approvals: [1", 12, "this '[' is never closed")]
    [InlineData("hashtags.yml", "  tragedy: review", "  tragedy: {review", 12, "this '{' is never closed")]
    public void An_unclosed_bracket_points_at_the_bracket(string relative, string find, string replace, int column, string problem)
    {
        using var rules = new TempRules();
        var original = File.ReadAllText(Path.Combine(Paths.Rules, relative));
        var path = rules.Write(relative, ReplaceFirst(original, find, replace));
        var line = Array.FindIndex(File.ReadAllLines(path), l => l.StartsWith(replace, StringComparison.Ordinal)) + 1;
        var error = Assert.Throws<RuleFileException>(() => StartUpLoader(relative)(rules.Root));
        Assert.Equal($"{path}:{line}:{column}: {problem}", error.Message);
    }

    /// <summary>How the gateway loads each rule file at start (see <c>GatewayHost.AddServices</c>).</summary>
    private static Action<string> StartUpLoader(string relative) => relative switch
    {
        HashtagRegistry.FileName => dir => HashtagRegistry.Load(dir),
        NetworkLimits.FileName => dir => NetworkLimits.Load(dir),
        LinkRules.FileName => dir => LinkRules.Load(dir),
        Tripwires.FileName => dir => Tripwires.Load(dir),
        ReviewPolicy.FileName => dir => ReviewPolicy.Load(dir),
        RulePacks.CompoundWordsFile => dir => RulePacks.Load(dir),
        _ when RulePacks.Folders.Any(folder => relative.StartsWith(folder + "/", StringComparison.Ordinal)) => dir => RulePacks.Load(dir),
        _ => throw new Xunit.Sdk.XunitException($"rules/{relative} has no loader known to this test; add the one the gateway uses"),
    };

    private static void AssertNamesThePlace(Exception error, string path, string text, string what)
    {
        var problem = Assert.IsType<RuleFileException>(error);
        Assert.StartsWith(path + ":", problem.Message, StringComparison.Ordinal);
        Assert.Matches(@"^:\d+:\d+: \S", problem.Message[path.Length..]);
        // A place inside the file (or just past its end, for a file cut short).
        Assert.InRange(problem.Line, 1L, text.Split('\n').Length + 1L);
        Assert.True(problem.Column >= 1, $"column {problem.Column}: {what}");
        // Anything but the YAML library's own errors means a loader met content it did not expect (YamlRuleFile's
        // safety net caught it); that is a bug to fix even though the gateway survives it.
        Assert.True(
            problem.InnerException is null or YamlException || problem.InnerException.TargetSite?.Module.Assembly == typeof(YamlStream).Assembly,
            $"{problem.InnerException}\n{what}");
    }

    private sealed record Mutation(string Name, string Text, bool MustFail);

    /// <summary>
    /// Breakages a person editing the file could make. <see cref="Mutation.MustFail"/> marks those that can never be
    /// valid (an unclosed bracket, a duplicate or unknown top-level key); the others may still be YAML with a meaning.
    /// </summary>
    private static IEnumerable<Mutation> Mutate(string text)
    {
        var lines = text.Split('\n');
        string With(int index, params string[] replacement) =>
            string.Join('\n', lines.Take(index).Concat(replacement).Concat(lines.Skip(index + 1)));

        foreach (var fraction in new[] { 0.1, 0.25, 0.5, 0.75, 0.9, 0.99 })
        {
            yield return new($"cut at {fraction:P0}", text[..(int)(text.Length * fraction)], false);
        }
        yield return new("empty", "", true);
        yield return new("only a comment", "# nothing here\n", true);

        var values = lines.Select((line, index) => (Match: KeyValue().Match(line), Index: index))
            .Where(l => l.Match.Success && !l.Match.Groups["value"].Value.StartsWith('#') && EndsHere(lines, l.Index, l.Match.Groups["key"].Index))
            .ToArray();
        var picked = values.Length == 0 ? [] : new[] { values[0], values[values.Length / 2], values[^1] }.Distinct();
        foreach (var (match, index) in picked)
        {
            var line = lines[index];
            var value = match.Groups["value"];
            var key = match.Groups["key"];
            var before = line[..value.Index];
            var keyIndent = new string(' ', key.Index);
            var at = $"line {index + 1}";
            yield return new($"'[' opened on {at}", With(index, before + "[" + value.Value), true);
            yield return new($"'{{' opened on {at}", With(index, before + "{" + value.Value), true);
            yield return new($"cut after '[' on {at}", string.Join('\n', lines.Take(index).Append(before + "[")), true);
            yield return new($"a list instead of a value on {at}", With(index, before + "[a, b]"), false);
            yield return new($"a mapping instead of a value on {at}", With(index, before + "{a: 1}"), false);
            yield return new($"key repeated after {at}", With(index, line, keyIndent + line[key.Index..]), true);
            yield return new($"unknown key after {at}", With(index, line, keyIndent + "zz-unknown: 1"), key.Index == 0);
            yield return new($"tab indentation on {at}", With(index, "\t" + line.TrimStart(' ')), false);
        }

        var lists = lines.Select((line, index) => (Match: KeyFlowList().Match(line), Index: index)).Where(l => l.Match.Success).Take(2);
        foreach (var (match, index) in lists)
        {
            var before = lines[index][..match.Groups["list"].Index];
            yield return new($"a value instead of a list on line {index + 1}", With(index, before + "x"), false);
            yield return new($"']' dropped on line {index + 1}", With(index, lines[index].TrimEnd()[..^1]), true);
        }

        var blocks = lines.Select((line, index) => (Match: TopLevelBlock().Match(line), Index: index)).Where(l => l.Match.Success).Take(2);
        foreach (var (match, index) in blocks)
        {
            var end = index + 1;
            while (end < lines.Length && (lines[end].StartsWith(' ') || lines[end].StartsWith('-') || lines[end].Trim().Length == 0))
            {
                end++;
            }
            var key = match.Groups["key"].Value;
            foreach (var replacement in new[] { "5", "[]", "{}", "[a, b]" })
            {
                yield return new($"'{key}' (line {index + 1}) replaced by {replacement}",
                    string.Join('\n', lines.Take(index).Append($"{key}: {replacement}").Concat(lines.Skip(end))), false);
            }
        }

        yield return new("unknown top-level key", "zz-unknown: 1\n" + text, true);
        yield return new("tabs for every indentation", string.Join('\n', lines.Select(l => LeadingSpaces().Replace(l, m => new string('\t', m.Length / 2)))), false);
        yield return new("a second document", text.TrimEnd() + "\n---\nzz: 1\n", true);
        yield return new("nested 200 deep", "zz: " + new string('[', 200) + new string(']', 200) + "\n" + text, true);
    }

    /// <summary>True when the value on this line is not continued on the next (a multi-line plain scalar would be).</summary>
    private static bool EndsHere(string[] lines, int index, int keyIndent)
    {
        var next = lines.Skip(index + 1).FirstOrDefault(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'));
        return next is null || next.Length - next.TrimStart(' ').Length <= keyIndent;
    }

    private static string ReplaceFirst(string text, string find, string replace)
    {
        var at = text.IndexOf(find, StringComparison.Ordinal);
        return text[..at] + replace + text[(at + find.Length)..];
    }

    /// <summary><c>  key: value</c> or <c>  - key: value</c> with a plain value (not a list, mapping, block, quote, anchor or tag).</summary>
    [GeneratedRegex(@"^\s*(?:- )?(?<key>[A-Za-z0-9_-]+): (?<value>[^\s\[{>|'""&*!#%@`].*)$")]
    private static partial Regex KeyValue();

    [GeneratedRegex(@"^\s*(?:- )?[A-Za-z0-9_-]+: (?<list>\[[^\]\[]*\])\s*$")]
    private static partial Regex KeyFlowList();

    [GeneratedRegex(@"^(?<key>[A-Za-z0-9_-]+):\s*(#.*)?$")]
    private static partial Regex TopLevelBlock();

    [GeneratedRegex(@"^ +")]
    private static partial Regex LeadingSpaces();
}

using Gateway.Rules;
using Gateway.Rules.Checks;
using Gateway.Rules.Packs;
using Gateway.Rules.Packs.Kinds;

namespace Gateway.Tests.Rules;

public class WatcherTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public void Reload_keeps_the_last_good_set_when_a_file_breaks()
    {
        using var rules = new TempRules();
        rules.Write("topics/good.yml", TempRules.Good);
        using var watcher = new RulePackWatcher(rules.Root, TimeSpan.FromMilliseconds(50));
        var good = watcher.Current;
        RuleFileException? reported = null;
        watcher.ReloadFailed += e => reported = e;

        var broken = rules.Write("topics/good.yml", TempRules.Good.Replace("3: [kumquat", "7: [kumquat", StringComparison.Ordinal));
        Assert.False(watcher.Reload());
        Assert.Same(good, watcher.Current);
        Assert.NotNull(reported);
        Assert.Equal(broken, reported.File);
        Assert.Equal(5, reported.Line);
        Assert.Same(reported, watcher.LastError);

        rules.Write("topics/good.yml", TempRules.Good.Replace("kumquat|kumquats", "durian", StringComparison.Ordinal));
        Assert.True(watcher.Reload());
        Assert.NotSame(good, watcher.Current);
        Assert.Equal("durian", Assert.Single(watcher.Current.Packs[0].Options is TermPack t ? t.Forms : []).Term);
        Assert.Null(watcher.LastError);
    }

    [Fact]
    public async Task File_changes_reload_by_themselves_and_checks_see_the_new_packs()
    {
        using var rules = new TempRules();
        rules.Write("topics/good.yml", TempRules.Good);
        using var watcher = new RulePackWatcher(rules.Root, TimeSpan.FromMilliseconds(50));
        var check = new SensitiveTopicCheck(watcher);
        var input = TestRules.Input("durian season");
        Assert.Empty(await check.RunAsync(input, default));

        var failed = new TaskCompletionSource<RuleFileException>(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.ReloadFailed += e => failed.TrySetResult(e);
        rules.Write("topics/broken.yml", "rule: topic.broken\nmessage: [oops\n");
        var error = await failed.Task.WaitAsync(Wait);
        Assert.EndsWith("broken.yml", error.File, StringComparison.Ordinal);
        Assert.Empty(await check.RunAsync(input, default));

        var reloaded = new TaskCompletionSource<RulePackSet>(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.Reloaded += s => reloaded.TrySetResult(s);
        File.Delete(Path.Combine(rules.Root, "topics", "broken.yml"));
        rules.Write("topics/good.yml", TempRules.Good.Replace("kumquat|kumquats", "durian", StringComparison.Ordinal));
        // Editors save in several steps; wait until the set with the new term is in place.
        var deadline = DateTime.UtcNow + Wait;
        while (!watcher.Current.Packs.Any(p => p.Options is TermPack t && t.Forms.Any(t => t.Term == "durian")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        await reloaded.Task.WaitAsync(Wait);
        var finding = Assert.Single(await check.RunAsync(input, default));
        Assert.Equal("topic.test", finding.Rule);
    }

    [Fact]
    public void The_first_load_throws_so_nothing_starts_with_broken_rules()
    {
        using var rules = new TempRules();
        rules.Write("topics/bad.yml", "rule: topic.bad\n");
        Assert.Throws<RuleFileException>(() => new RulePackWatcher(rules.Root));
    }
}

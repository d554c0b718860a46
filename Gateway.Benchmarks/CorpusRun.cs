using System.Diagnostics;
using System.Text.Json;
using Gateway.Rules;
using Gateway.Rules.Checks;
using Gateway.Rules.Packs;

namespace Gateway.Benchmarks;

/// <summary>
/// All default checks over a JSON-lines corpus (<c>body</c>, optional <c>account</c> language), without network:
/// prints <c>N posts, X us/post</c>. Each body is varied per round so no analysis is answered from the cache.
/// </summary>
public static class CorpusRun
{
    public static async Task RunAsync(string file, int rounds)
    {
        var rules = Path.Combine(BenchGateway.FindRoot(), "rules");
        var pipeline = new CheckPipeline(DefaultChecks.Create(StaticRulePackSource.Load(rules), NetworkLimits.Load(rules)));
        var posts = File.ReadLines(file).Where(l => l.Trim().Length > 0).Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            var body = json.RootElement.GetProperty("body").GetString()!;
            var language = json.RootElement.TryGetProperty("account", out var a) ? a.GetString() ?? "en" : "en";
            return (body, account: new AccountProfile("bench", "x", "brand", language));
        }).ToArray();
        var inputs = Enumerable.Range(0, rounds + 1)
            .SelectMany(r => posts.Select(p => new CheckInput($"{p.body} {r}", p.account, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)))
            .ToArray();
        var findings = 0;
        for (var i = 0; i < posts.Length; i++)
        {
            findings += (await pipeline.RunAsync(inputs[i], CheckPhase.Submit, CancellationToken.None)).Count; // warm-up round
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        for (var i = posts.Length; i < inputs.Length; i++)
        {
            findings += (await pipeline.RunAsync(inputs[i], CheckPhase.Submit, CancellationToken.None)).Count;
        }
        clock.Stop();
        var measured = inputs.Length - posts.Length;
        var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / measured;
        Console.WriteLine($"{posts.Length} posts, {clock.Elapsed.TotalMicroseconds / measured:F1} us/post ({rounds} rounds, {bytes} B/post, {findings} findings)");
    }
}

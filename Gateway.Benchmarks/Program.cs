using BenchmarkDotNet.Running;
using Gateway.Benchmarks;

// dotnet run -c Release --project Gateway.Benchmarks -- lateness [posts] [spread-seconds] [--postgres CONNSTR [--nodes N]]
// dotnet run -c Release --project Gateway.Benchmarks -- freeze [posts] [rounds] [--postgres CONNSTR]
// dotnet run -c Release --project Gateway.Benchmarks -- reconcile [posts] [stranded]
// dotnet run -c Release --project Gateway.Benchmarks -- corpus FILE.jsonl [rounds]
// dotnet run -c Release --project Gateway.Benchmarks -- --filter '*Freeze*'
// dotnet run -c Release --project Gateway.Benchmarks -- --filter "*Compose*"
var positional = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
string[] database = Option("--postgres") is { } connection
    ? ["--Gateway:Database:Provider=postgres", $"--Gateway:Database:ConnectionString={connection}"]
    : [];
if (positional is ["corpus", var corpus, ..])
{
    await CorpusRun.RunAsync(corpus, positional.Length > 2 ? int.Parse(positional[2]) : 20);
    return;
}
if (positional is ["reconcile", ..])
{
    await ReconcileRun.RunAsync(positional.Length > 1 ? int.Parse(positional[1]) : 10_000, positional.Length > 2 ? int.Parse(positional[2]) : 100);
    return;
}
if (positional is ["freeze", ..])
{
    await FreezeRun.RunAsync(positional.Length > 1 ? int.Parse(positional[1]) : 100_000, positional.Length > 2 ? int.Parse(positional[2]) : 20, database);
    return;
}
if (positional is ["lateness", ..])
{
    var posts = positional.Length > 1 ? int.Parse(positional[1]) : 1000;
    var spread = TimeSpan.FromSeconds(positional.Length > 2 ? double.Parse(positional[2]) : 0);
    await LatenessRun.RunAsync(posts, spread, database, int.Parse(Option("--nodes") ?? "1"));
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(FreezeBenchmark).Assembly).Run(args);

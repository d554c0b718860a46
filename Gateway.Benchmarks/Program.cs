using BenchmarkDotNet.Running;
using Gateway.Benchmarks;

// dotnet run -c Release --project Gateway.Benchmarks -- lateness [posts] [spread-seconds]
// dotnet run -c Release --project Gateway.Benchmarks -- reconcile [posts] [stranded]
// dotnet run -c Release --project Gateway.Benchmarks -- corpus FILE.jsonl [rounds]
// dotnet run -c Release --project Gateway.Benchmarks -- --filter '*Freeze*'
if (args is ["corpus", var corpus, ..])
{
    await CorpusRun.RunAsync(corpus, args.Length > 2 ? int.Parse(args[2]) : 20);
    return;
}
if (args is ["reconcile", ..])
{
    await ReconcileRun.RunAsync(args.Length > 1 ? int.Parse(args[1]) : 10_000, args.Length > 2 ? int.Parse(args[2]) : 100);
    return;
}
if (args is ["lateness", ..])
{
    var posts = args.Length > 1 ? int.Parse(args[1]) : 1000;
    var spread = TimeSpan.FromSeconds(args.Length > 2 ? double.Parse(args[2]) : 0);
    await LatenessRun.RunAsync(posts, spread);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(FreezeBenchmark).Assembly).Run(args);

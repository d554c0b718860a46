using System.Text.Json;
using Gateway.Accounts;
using Gateway.Audit;
using Gateway.Rules;
using Gateway.Rules.Links;
using Gateway.Rules.Checks;
using Gateway.Rules.Packs;
using Gateway.Rules.Trends;
using Gateway.Storage;
using Microsoft.AspNetCore.DataProtection;

namespace Gateway.Cli;

/// <summary>
/// <c>check FILE... --account ID</c>: the checks a post would meet, for people and CI pipelines, like Vale. Works
/// offline from the rules folder and the database's accounts and trends (links are fetched unless <c>--no-links</c>).
/// </summary>
public static class CheckCommand
{
    public static async Task<int> RunAsync(string[] files, string accountId, string format, bool links, GatewayOptions options, Database database)
    {
        var missing = files.FirstOrDefault(f => !File.Exists(f));
        if (missing is not null)
        {
            throw ProblemException.BadRequest($"{missing}: no such file.");
        }
        var audit = new AuditLog(database, TimeProvider.System);
        var protection = DataProtectionProvider.Create(ConnectionStore.KeyRing(options), b => b.SetApplicationName(ConnectionStore.ApplicationName));
        var connections = new ConnectionStore(database, protection, audit, new Notifications.Notifier(new(), new Notifications.UserInbox(database, Reviews.ReviewPolicy.Load(options.RulesDir), TimeProvider.System), TimeProvider.System), TimeProvider.System);
        var store = new AccountStore(database, connections, audit, TimeProvider.System);
        var account = await store.GetAsync(accountId)
            ?? throw ProblemException.BadRequest($"Unknown account '{accountId}' in {options.DatabasePath}.");

        var packs = StaticRulePackSource.Load(options.RulesDir);
        var trends = new Trends.TrendStore(database, new AuditLog(database, TimeProvider.System), HashtagRegistry.Load(options.RulesDir), packs, TimeProvider.System);
        await trends.RefreshAsync(CancellationToken.None);
        var linkOptions = options.Links with { Enabled = links && options.Links.Enabled };
        var linkRules = LinkRules.Load(options.RulesDir);
        var accounts = new StaticAccountDirectory((await store.ListAsync()).Select(a => a.Profile).ToArray());
        var pipeline = new CheckPipeline([
            .. DefaultChecks.Create(packs, NetworkLimits.Load(options.RulesDir), trends),
            new WrongAccountCheck(packs, accounts),
            new LinkCheck(linkRules, new HttpUrlFetcher(linkRules, linkOptions), linkOptions, TimeProvider.System),
            new HashtagContextCheck(trends)]);

        var worst = (Severity?)null;
        var count = 0;
        var report = new List<object>();
        foreach (var file in files)
        {
            var body = await File.ReadAllTextAsync(file);
            if (Posts.PostService.TextProblem(body) is { } problem)
            {
                throw ProblemException.BadRequest($"{file}: the text {problem}");
            }
            var now = DateTimeOffset.UtcNow;
            var findings = await pipeline.RunAsync(new CheckInput(body, account.Profile, now, now), CheckPhase.Submit, CancellationToken.None);
            foreach (var finding in findings)
            {
                var (line, column) = Position(body, finding.Start);
                worst = worst is null || finding.Severity > worst ? finding.Severity : worst;
                count++;
                if (format == "text")
                {
                    Console.WriteLine($"{file}:{line}:{column} {finding.Severity.ToName()} {finding.Rule} {finding.Message}");
                }
                else
                {
                    report.Add(new { file, line, column, finding.Rule, finding.Severity, finding.Message, finding.Start, finding.Length, finding.Match, finding.Evidence });
                }
            }
        }
        if (format == "json")
        {
            Console.WriteLine(JsonSerializer.Serialize(report, JsonDefaults.Options));
        }
        else
        {
            // A clean run says so too: silence could as well mean nothing was read.
            Console.WriteLine($"{files.Length} file{(files.Length == 1 ? "" : "s")}, {count} finding{(count == 1 ? "" : "s")}, worst: {worst?.ToName() ?? "none"}");
        }
        return worst switch
        {
            Severity.Block or Severity.Review => 2,
            Severity.Warning => 1,
            _ => 0,
        };
    }

    /// <summary>1-based line and column (UTF-16 code units) of an offset.</summary>
    private static (int Line, int Column) Position(string text, int offset)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        return (line, offset - lineStart + 1);
    }
}

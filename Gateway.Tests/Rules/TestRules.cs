using Gateway.Rules;
using Gateway.Rules.Checks;
using Gateway.Rules.Packs;

namespace Gateway.Tests.Rules;

/// <summary>The repository's real rules folder, loaded once, and helpers to run checks against it.</summary>
internal static class TestRules
{
    private static readonly Lazy<string> RulesDirectory = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "rules");
            if (File.Exists(Path.Combine(candidate, "networks.yml")) && Directory.Exists(Path.Combine(candidate, "topics")))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("rules folder not found above " + AppContext.BaseDirectory);
    });

    private static readonly Lazy<RulePackSet> LoadedSet = new(() => RulePacks.Load(RulesDirectory.Value));

    public static string RulesDir => RulesDirectory.Value;

    public static RulePackSet Set => LoadedSet.Value;

    public static IRulePackSource Source => new StaticRulePackSource(Set, DateTimeOffset.UtcNow);

    /// <summary>The accounts <c>account.wrong-account</c>'s examples run among; examples post as "acct".</summary>
    public static readonly StaticAccountDirectory Accounts = new([
        new AccountProfile("acct", "x", "brand", "en") { Handle = "acme", Names = ["Acme"] },
        new AccountProfile("acme-de", "x", "brand", "de") { Handle = "acme_de", Names = ["Acme Deutschland"] },
        new AccountProfile("acme-nl", "mastodon", "brand", "nl") { Handle = "acme_nl", Names = ["Acme Nederland", "AcmeGo"] },
    ]);

    public static IReadOnlyList<ICheck> Checks =>
        [.. DefaultChecks.Create(Source, NetworkLimits.Load(RulesDir)), new WrongAccountCheck(Source, Accounts)];

    public static AccountProfile Account(string kind = "brand", string language = "en", string network = "x", string id = "acct") =>
        new(id, network, kind, language);

    public static CheckInput Input(string body, AccountProfile? account = null, IReadOnlyList<CheckMedia>? media = null) =>
        new(body, account ?? Account(), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch) { Media = media ?? [] };

    /// <summary>Small JPEGs with these alt texts, as a pack example's <c>media</c> describes them.</summary>
    public static IReadOnlyList<CheckMedia> Images(IEnumerable<string> alts) =>
        alts.Select((alt, i) => new CheckMedia($"{i:x32}", alt, "image/jpeg", 50_000, 800, 600)).ToArray();

    /// <summary>Every finding of every default check, before merging.</summary>
    public static List<Finding> Raw(string body, AccountProfile? account = null, IReadOnlyList<CheckMedia>? media = null)
    {
        var input = Input(body, account, media);
        var findings = new List<Finding>();
        foreach (var check in Checks)
        {
            findings.AddRange(check.RunAsync(input, CancellationToken.None).AsTask().GetAwaiter().GetResult());
        }
        return findings;
    }

    /// <summary>The merged findings the pipeline returns.</summary>
    public static IReadOnlyList<Finding> Run(string body, AccountProfile? account = null, IReadOnlyList<CheckMedia>? media = null) =>
        new CheckPipeline(Checks).RunAsync(Input(body, account, media), CheckPhase.Submit, CancellationToken.None).GetAwaiter().GetResult();

    public static string Describe(IEnumerable<Finding> findings) =>
        string.Join("\n", findings.Select(f => $"{f.Rule} {f.Severity} [{f.Start},{f.Length}] '{f.Match}'"));
}

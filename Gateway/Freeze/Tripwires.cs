using System.Text.RegularExpressions;
using Gateway.Audit;
using Gateway.Notifications;
using Gateway.Rules;
using Gateway.Rules.Packs;
using Gateway.Rules.Trends;
using YamlDotNet.RepresentationModel;

namespace Gateway.Freeze;

/// <summary>One rule of <c>rules/tripwires.yml</c>.</summary>
public sealed record Tripwire(string Id, IReadOnlyList<string> Sensitivities, bool NamesBrand, IReadOnlyList<string> Keywords, bool Freeze);

/// <summary>
/// Reacts to live trends on its own: freezes the accounts whose brand a tragedy names, or alerts the team to a
/// crisis keyword. Every action names the tripwire that fired, and an admin can undo it.
/// </summary>
public sealed class Tripwires(IReadOnlyList<Tripwire> rules, IReadOnlyDictionary<string, string[]> brands, KillSwitch killSwitch, AuditLog audit, Notifier notifier, Storage.Database database)
{
    public const string FileName = "tripwires.yml";

    public IReadOnlyList<Tripwire> Rules => rules;

    /// <summary>Checks pushed trends against every tripwire and acts; returns what fired, for the caller to report.</summary>
    public async Task<IReadOnlyList<string>> EvaluateAsync(IReadOnlyList<Trend> trends, CancellationToken cancellationToken)
    {
        var fired = new List<string>();
        foreach (var trend in trends)
        {
            var text = $"{trend.Tag} {trend.Context} {string.Join(' ', trend.Keywords)}";
            foreach (var rule in rules.Where(r => r.Sensitivities.Count == 0 || r.Sensitivities.Contains(trend.Sensitivity)))
            {
                var accounts = rule.NamesBrand ? brands.Where(b => b.Value.Any(w => Names(text, w))).Select(b => b.Key).ToArray() : [];
                var keyword = rule.Keywords.FirstOrDefault(k => Names(text, k));
                if (accounts.Length == 0 && keyword is null)
                {
                    continue;
                }
                var why = accounts.Length > 0
                    ? $"trend #{trend.Tag} ({trend.Sensitivity}: {trend.Context}) names {string.Join(", ", accounts)}"
                    : $"trend #{trend.Tag} ({trend.Sensitivity}: {trend.Context}) mentions \"{keyword}\"";
                var actor = $"tripwire:{rule.Id}";
                if (rule.Freeze)
                {
                    // Keywords name no account, so a keyword freeze covers everything.
                    await killSwitch.FreezeAsync($"Tripwire {rule.Id}: {why}. An admin can lift it.", accounts, actor, cancellationToken, rule.Id);
                }
                else
                {
                    await database.InTransactionAsync(async (c, t) =>
                    {
                        await audit.AppendAsync(c, t, actor, "tripwire.alert", "#" + trend.Tag, new { rule = rule.Id, why });
                        await notifier.EnqueueAsync(c, t, new NotificationEvent("tripwire", [], null, null, $"Tripwire {rule.Id}: {why}. Consider freezing."));
                        return true;
                    }, cancellationToken);
                }
                fired.Add(rule.Id);
            }
        }
        return fired;
    }

    private static bool Names(string text, string word) =>
        Regex.IsMatch(text, @"(?<![\p{L}\p{N}])" + Regex.Escape(word) + @"(?![\p{L}\p{N}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    public static (IReadOnlyList<Tripwire> Rules, IReadOnlyDictionary<string, string[]> Brands) Load(string rulesDirectory)
    {
        var path = Path.Combine(rulesDirectory, FileName);
        if (!File.Exists(path))
        {
            return ([], new Dictionary<string, string[]>()); // optional
        }
        return YamlRuleFile.Read(path, file =>
        {
            file.Keys(file.Root, ["tripwires", "brands"], "section");
            var list = new List<Tripwire>();
            if (YamlRuleFile.Child(file.Root, "tripwires") is { } node)
            {
                foreach (var item in file.AsSequence(node, "tripwires").Children)
                {
                    var entry = file.AsMapping(item, "each tripwire (id, action, …)");
                    file.Keys(entry, ["id", "sensitivities", "names-brand", "keywords", "action"], "setting");
                    var id = YamlRuleFile.Child(entry, "id") is { } i ? file.Scalar(i, "id") : throw file.Error(entry, "missing 'id'");
                    var actionNode = YamlRuleFile.Child(entry, "action") ?? throw file.Error(entry, $"tripwire '{id}' needs an action: freeze or alert");
                    var action = file.Scalar(actionNode, "action");
                    if (action is not ("freeze" or "alert"))
                    {
                        throw file.Error(actionNode, $"action must be freeze or alert, not '{action}'");
                    }
                    var namesBrand = YamlRuleFile.Child(entry, "names-brand") is { } nb && file.Bool(nb, "names-brand");
                    var keywords = Words(file, YamlRuleFile.Child(entry, "keywords"));
                    if (!namesBrand && keywords.Length == 0)
                    {
                        throw file.Error(entry, $"tripwire '{id}' needs names-brand: true or keywords");
                    }
                    list.Add(new Tripwire(id, Words(file, YamlRuleFile.Child(entry, "sensitivities")), namesBrand, keywords, action == "freeze"));
                }
            }
            var brands = file.OptionalMapping(file.Root, "brands") is { } b
                ? file.Entries(b, "an account").ToDictionary(c => c.Key.Value, c => Words(file, c.Value))
                : new Dictionary<string, string[]>();
            return ((IReadOnlyList<Tripwire>)list, (IReadOnlyDictionary<string, string[]>)brands);
        });
    }

    private static string[] Words(YamlRuleFile file, YamlNode? node) =>
        node is null ? [] : file.Strings(node, "the words").Select(w => w.Value).ToArray();
}

using System.Globalization;
using System.Text.RegularExpressions;
using Gateway.Rules;
using Gateway.Rules.Packs;
using YamlDotNet.RepresentationModel;

namespace Gateway.Reviews;

/// <summary>What the policy asks of one post: why it needs a second opinion (as findings) and how many.</summary>
public sealed record ReviewDemand(IReadOnlyList<Finding> Findings, int RequiredApprovals);

/// <summary>The facts about a post that the policy weighs.</summary>
public sealed record PolicyInput(string Account, string Body, DateTimeOffset ScheduledAt, int AuthorEarlierPosts, IReadOnlyList<Finding> Findings);

/// <summary><c>rules/policy.yml</c>: which posts need review, how many approvals, who may give them, how long they hold.</summary>
public sealed partial class ReviewPolicy
{
    public const string FileName = "policy.yml";
    public const string RuleId = "policy.review";

    public int Approvals { get; private init; } = 1;
    public TimeSpan ExpireAfter { get; private init; } = TimeSpan.FromHours(72);
    public IReadOnlySet<string> ReviewAccounts { get; private init; } = new HashSet<string>();
    public bool ReviewLinks { get; private init; }
    public OfficeHours? Office { get; private init; }
    public int NewEditorPosts { get; private init; }
    public IReadOnlyDictionary<string, int> AccountApprovals { get; private init; } = new Dictionary<string, int>();
    public IReadOnlyDictionary<string, int> RuleApprovals { get; private init; } = new Dictionary<string, int>();
    public IReadOnlyDictionary<string, string[]> Reviewers { get; private init; } = new Dictionary<string, string[]>();

    public sealed record OfficeHours(TimeZoneInfo Zone, IReadOnlySet<DayOfWeek> Days, TimeOnly From, TimeOnly To)
    {
        public bool Contains(DateTimeOffset at)
        {
            var local = TimeZoneInfo.ConvertTime(at, Zone);
            var time = TimeOnly.FromDateTime(local.DateTime);
            return Days.Contains(local.DayOfWeek) && time >= From && time < To;
        }
    }

    [GeneratedRegex(@"https?://|\bwww\.", RegexOptions.IgnoreCase)]
    private static partial Regex Link();

    public ReviewDemand Evaluate(PolicyInput post)
    {
        var reasons = new List<string>();
        if (ReviewAccounts.Contains(post.Account))
        {
            reasons.Add($"every post on {post.Account} gets a second opinion");
        }
        if (ReviewLinks && Link().IsMatch(post.Body))
        {
            reasons.Add("posts with a link get a second opinion");
        }
        if (Office is { } office && !office.Contains(post.ScheduledAt))
        {
            reasons.Add($"it goes out outside office hours ({office.From:HH\\:mm}–{office.To:HH\\:mm} {office.Zone.Id}), when fewer people watch the reactions");
        }
        if (post.AuthorEarlierPosts < NewEditorPosts)
        {
            reasons.Add($"it is among its author's first {NewEditorPosts} posts");
        }
        var policyFindings = reasons.Count == 0
            ? []
            : new[]
            {
                new Finding(RuleId, Severity.Review, "Needs a second opinion: " + string.Join("; ", reasons) + ".", 0, 0, "",
                    new Dictionary<string, string> { ["policy"] = FileName }),
            };
        var needsReview = policyFindings.Length > 0 || post.Findings.Any(f => f.Severity == Severity.Review);
        if (!needsReview)
        {
            return new ReviewDemand([], 0);
        }
        var required = new[] { Approvals, AccountApprovals.GetValueOrDefault(post.Account) }
            .Concat(post.Findings.Select(f => RuleApprovals.Where(r => f.Rule == r.Key || f.Rule.StartsWith(r.Key + ".", StringComparison.Ordinal)).Select(r => r.Value).DefaultIfEmpty(0).Max()))
            .Max();
        return new ReviewDemand(policyFindings, required);
    }

    /// <summary>May this user review posts on this account? (Role and authorship are checked elsewhere.)</summary>
    public bool MayReview(string account, string user) =>
        !Reviewers.TryGetValue(account, out var allowed) || allowed.Contains(user);

    public static ReviewPolicy Load(string rulesDirectory) =>
        YamlRuleFile.Read(Path.Combine(rulesDirectory, FileName), file =>
        {
            var root = file.Root;
            file.Keys(root, ["approvals", "expire-after", "review", "approvals-for", "reviewers"], "setting");
            var review = file.OptionalMapping(root, "review");
            if (review is not null)
            {
                file.Keys(review, ["accounts", "links", "office-hours", "new-editors"], "setting");
            }
            var approvalsFor = file.OptionalMapping(root, "approvals-for");
            if (approvalsFor is not null)
            {
                file.Keys(approvalsFor, ["accounts", "rules"], "setting");
            }
            return new ReviewPolicy
            {
                Approvals = YamlRuleFile.Child(root, "approvals") is { } a ? ApprovalCount(file, a) : 1,
                ExpireAfter = YamlRuleFile.Child(root, "expire-after") is { } e ? Duration(file, e) : TimeSpan.FromHours(72),
                ReviewAccounts = (review is null ? null : YamlRuleFile.Child(review, "accounts")) is { } accounts ? Names(file, accounts).ToHashSet() : [],
                ReviewLinks = review is not null && YamlRuleFile.Child(review, "links") is { } links && file.Bool(links, "links"),
                Office = review is not null && file.OptionalMapping(review, "office-hours") is { } office ? ParseOffice(file, office) : null,
                NewEditorPosts = review is not null && YamlRuleFile.Child(review, "new-editors") is { } n ? NonNegative(file, n) : 0,
                AccountApprovals = approvalsFor is not null && file.OptionalMapping(approvalsFor, "accounts") is { } byAccount
                    ? file.Entries(byAccount, "an account").ToDictionary(c => c.Key.Value, c => ApprovalCount(file, c.Value))
                    : new Dictionary<string, int>(),
                RuleApprovals = approvalsFor is not null && file.OptionalMapping(approvalsFor, "rules") is { } byRule
                    ? file.Entries(byRule, "a rule id").ToDictionary(c => c.Key.Value, c => ApprovalCount(file, c.Value))
                    : new Dictionary<string, int>(),
                Reviewers = file.OptionalMapping(root, "reviewers") is { } reviewers
                    ? file.Entries(reviewers, "an account").ToDictionary(c => c.Key.Value, c => Names(file, c.Value).ToArray())
                    : new Dictionary<string, string[]>(),
            };
        });

    private static int ApprovalCount(YamlRuleFile file, YamlNode node) =>
        int.TryParse(file.Scalar(node, "approvals"), out var n) && n is >= 1 and <= 3 ? n : throw file.Error(node, "approvals must be 1, 2 or 3");

    private static int NonNegative(YamlRuleFile file, YamlNode node) =>
        int.TryParse(file.Scalar(node, "new-editors"), out var n) && n >= 0 ? n : throw file.Error(node, "new-editors must be a whole number, 0 or more");

    private static IEnumerable<string> Names(YamlRuleFile file, YamlNode node) => file.Strings(node, "the names").Select(n => n.Value);

    private static TimeSpan Duration(YamlRuleFile file, YamlNode node)
    {
        var text = file.Scalar(node, "expire-after");
        var match = Regex.Match(text, @"^(\d+)\s*([mhd])$");
        // At most a year: an approval that holds longer is a typo, and huge numbers would overflow TimeSpan.
        if (!match.Success || !int.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var n) || n == 0
            || n > match.Groups[2].Value switch { "m" => 525_600, "h" => 8_760, _ => 366 })
        {
            throw file.Error(node, $"expire-after must look like 90m, 72h or 3d (at most a year); got '{text}'");
        }
        return match.Groups[2].Value switch { "m" => TimeSpan.FromMinutes(n), "h" => TimeSpan.FromHours(n), _ => TimeSpan.FromDays(n) };
    }

    private static OfficeHours ParseOffice(YamlRuleFile file, YamlMappingNode node)
    {
        file.Keys(node, ["time-zone", "days", "from", "to"], "setting");
        var zoneNode = YamlRuleFile.Child(node, "time-zone") ?? throw file.Error(node, "office-hours needs a time-zone such as Europe/Berlin");
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(file.Scalar(zoneNode, "time-zone"));
        }
        catch (TimeZoneNotFoundException)
        {
            throw file.Error(zoneNode, $"unknown time zone '{file.Scalar(zoneNode, "time-zone")}' (use an IANA name such as Europe/Oslo)");
        }
        var days = YamlRuleFile.Child(node, "days") is { } d
            ? file.Strings(d, "days").Select(day => DayNames.TryGetValue(day.Value.ToLowerInvariant(), out var w) ? w : throw file.Error(day.Node, $"unknown day '{day.Value}' (use mon … sun)")).ToHashSet()
            : [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];
        return new OfficeHours(zone, days, Time(file, node, "from"), Time(file, node, "to"));
    }

    private static TimeOnly Time(YamlRuleFile file, YamlMappingNode node, string key)
    {
        var child = YamlRuleFile.Child(node, key) ?? throw file.Error(node, $"office-hours needs '{key}' such as \"08:00\"");
        return TimeOnly.TryParseExact(file.Scalar(child, key), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? t
            : throw file.Error(child, $"'{key}' must be a time such as \"08:00\"");
    }

    private static readonly Dictionary<string, DayOfWeek> DayNames = new()
    {
        ["mon"] = DayOfWeek.Monday, ["tue"] = DayOfWeek.Tuesday, ["wed"] = DayOfWeek.Wednesday, ["thu"] = DayOfWeek.Thursday,
        ["fri"] = DayOfWeek.Friday, ["sat"] = DayOfWeek.Saturday, ["sun"] = DayOfWeek.Sunday,
    };
}

using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;
using Gateway.Rules.Packs;

namespace Gateway.Rules.Links;

/// <summary>How the link check behaves on the network; every value has a default and may be set in <c>rules/links.yml</c>.</summary>
public sealed record LinkSettings
{
    /// <summary>The most one post's link check may take; links still open then are reported as <c>link.unreachable</c>.</summary>
    public TimeSpan Budget { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>The most one request (one attempt of one hop) may take.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public int RedirectLimit { get; init; } = 5;

    /// <summary>Extra attempts after a 5xx, 408, 429 or timeout.</summary>
    public int Retries { get; init; } = 2;

    /// <summary>Wait before the first retry when the server names none; doubles each time.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A <c>Retry-After</c> longer than this is not waited for: the attempt ends there.</summary>
    public TimeSpan RetryAfterMax { get; init; } = TimeSpan.FromSeconds(10);

    public int PerHostConcurrency { get; init; } = 2;

    /// <summary>Least time between the starts of two requests to the same host.</summary>
    public TimeSpan PerHostSpacing { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Requests in flight across all hosts.</summary>
    public int Concurrency { get; init; } = 16;

    public TimeSpan CacheTtl { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a passing failure (timeout, 5xx, 429) is remembered; short, so that a retry soon after can succeed.</summary>
    public TimeSpan FailureCacheTtl { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How much of a page is read for soft-404 and anchor checks.</summary>
    public int MaxPageKilobytes { get; init; } = 1024;

    public string UserAgent { get; init; } = "CrisisGatewayLinkCheck/1.0 (checks links in posts before they are published)";
}

public enum ShortenerAction
{
    /// <summary>Follow the shortener and check the target; warn that the link hides where it goes.</summary>
    Expand,

    /// <summary>Block the link without fetching it: the author must paste the full address.</summary>
    Deny,
}

/// <summary>The link check's rule pack, <c>rules/links.yml</c>.</summary>
public sealed class LinkRules
{
    public const string FileName = "links.yml";

    private static readonly Regex Duration = new(@"^(\d+)(ms|s|m|h)$", RegexOptions.CultureInvariant);
    private static readonly IdnMapping Idn = new();

    public LinkRules(
        LinkSettings settings,
        IReadOnlyDictionary<string, IReadOnlyList<string>> soft404Phrases,
        ShortenerAction shortenerAction,
        IEnumerable<string> shorteners,
        IReadOnlyDictionary<string, string> deny,
        IEnumerable<string> allow)
    {
        Settings = settings;
        Soft404Phrases = soft404Phrases;
        ShortenerAction = shortenerAction;
        Shorteners = shorteners.Select(Normalize).ToArray();
        Deny = deny.ToDictionary(d => Normalize(d.Key), d => d.Value);
        Allow = allow.Select(Normalize).ToArray();
    }

    public LinkSettings Settings { get; }

    /// <summary>Language code → phrases that, in a page's title or first heading, mean "this page does not exist".</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Soft404Phrases { get; }

    public ShortenerAction ShortenerAction { get; }
    public IReadOnlyList<string> Shorteners { get; }

    /// <summary>Denied domain → the reason shown to the author.</summary>
    public IReadOnlyDictionary<string, string> Deny { get; }

    /// <summary>Domains trusted without a request (the brand's own sites behind a VPN, say).</summary>
    public IReadOnlyList<string> Allow { get; }

    /// <summary>An empty pack with default settings (tests build on it with <c>with</c>-style helpers).</summary>
    public static LinkRules Defaults(LinkSettings? settings = null) =>
        new(settings ?? new LinkSettings(), new Dictionary<string, IReadOnlyList<string>>(), ShortenerAction.Expand, [], new Dictionary<string, string>(), []);

    public LinkRules WithSettings(LinkSettings settings) =>
        new(settings, Soft404Phrases, ShortenerAction, Shorteners, Deny, Allow);

    public bool IsShortener(string host) => Matching(Shorteners, host) is not null;

    public bool IsAllowed(string host) => Matching(Allow, host) is not null;

    /// <summary>The denied domain that <paramref name="host"/> is, or is under, with its reason.</summary>
    public (string Domain, string Reason)? DeniedBy(string host) =>
        Matching(Deny.Keys, host) is { } domain ? (domain, Deny[domain]) : null;

    /// <summary>The first soft-404 phrase found in <paramref name="text"/> (already lower-cased, whitespace collapsed).</summary>
    public (string Language, string Phrase)? Soft404Phrase(string text)
    {
        foreach (var (language, phrases) in Soft404Phrases)
        {
            foreach (var phrase in phrases)
            {
                if (text.Contains(phrase, StringComparison.Ordinal))
                {
                    return (language, phrase);
                }
            }
        }
        return null;
    }

    private static string? Matching(IEnumerable<string> domains, string host)
    {
        host = Normalize(host);
        return domains.FirstOrDefault(d => host == d || host.EndsWith("." + d, StringComparison.Ordinal));
    }

    private static string Normalize(string host)
    {
        host = host.Trim().TrimEnd('.').ToLowerInvariant();
        try
        {
            return Idn.GetAscii(host);
        }
        catch (ArgumentException)
        {
            return host;
        }
    }

    public static LinkRules Load(string rulesDirectory) => LoadFile(Path.Combine(rulesDirectory, FileName));

    public static LinkRules LoadFile(string path) =>
        YamlRuleFile.Read(path, file =>
        {
            file.Keys(file.Root, ["settings", "soft-404", "shorteners", "deny", "allow"], "section");
            var settings = file.OptionalMapping(file.Root, "settings") is { } settingsNode ? ReadSettings(file, settingsNode) : new LinkSettings();

            var phrases = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            if (file.OptionalMapping(file.Root, "soft-404") is { } soft404)
            {
                foreach (var ((_, language), listNode) in file.Entries(soft404, "a language code"))
                {
                    var list = file.Strings(listNode, $"the soft-404 phrases of '{language}'")
                        .Select(p => (Phrase: Collapse(p.Value).ToLowerInvariant(), p.Node))
                        .ToArray();
                    if (list.FirstOrDefault(p => p.Phrase.Length == 0) is { Node: { } empty })
                    {
                        throw file.Error(empty, "a soft-404 phrase must not be empty");
                    }
                    phrases[language] = list.Select(p => p.Phrase).ToArray();
                }
            }

            var action = ShortenerAction.Expand;
            var shorteners = new List<string>();
            if (file.OptionalMapping(file.Root, "shorteners") is { } section)
            {
                file.Keys(section, ["action", "domains"], "setting");
                if (YamlRuleFile.Child(section, "action") is { } actionNode)
                {
                    action = file.Scalar(actionNode, "action") switch
                    {
                        "expand" => ShortenerAction.Expand,
                        "deny" => ShortenerAction.Deny,
                        var other => throw file.Error(actionNode, $"action must be 'expand' or 'deny', not '{other}'"),
                    };
                }
                if (YamlRuleFile.Child(section, "domains") is { } domains)
                {
                    shorteners.AddRange(Domains(file, domains, "shorteners.domains"));
                }
            }

            var deny = new Dictionary<string, string>();
            if (file.OptionalMapping(file.Root, "deny") is { } denied)
            {
                foreach (var ((domainNode, _), reasonNode) in file.Entries(denied, "a domain"))
                {
                    var domain = Domain(file, domainNode);
                    var reason = file.Scalar(reasonNode, $"the reason for denying '{domain}'");
                    deny[domain] = reason.Length > 0 ? reason : throw file.Error(reasonNode, $"say why '{domain}' is denied");
                }
            }

            var allow = YamlRuleFile.Child(file.Root, "allow") is { } allowNode ? Domains(file, allowNode, "allow").ToArray() : [];
            return new LinkRules(settings, phrases, action, shorteners, deny, allow);
        });

    // One table both reads each setting and names the known ones for the unknown-key error.
    private delegate LinkSettings Setting(LinkSettings settings, YamlRuleFile file, YamlNode value, string key);

    private static readonly Dictionary<string, Setting> Setters = new()
    {
        ["budget"] = (s, f, v, k) => s with { Budget = Time(f, v, k) },
        ["request-timeout"] = (s, f, v, k) => s with { RequestTimeout = Time(f, v, k) },
        ["redirect-limit"] = (s, f, v, k) => s with { RedirectLimit = f.PositiveInt(v, k) },
        ["retries"] = (s, f, v, k) => s with { Retries = NonNegativeInt(f, v, k) },
        ["retry-backoff"] = (s, f, v, k) => s with { RetryBackoff = Time(f, v, k) },
        ["retry-after-max"] = (s, f, v, k) => s with { RetryAfterMax = Time(f, v, k) },
        ["per-host-concurrency"] = (s, f, v, k) => s with { PerHostConcurrency = f.PositiveInt(v, k) },
        ["per-host-spacing"] = (s, f, v, k) => s with { PerHostSpacing = Time(f, v, k, allowZero: true) },
        ["concurrency"] = (s, f, v, k) => s with { Concurrency = f.PositiveInt(v, k) },
        ["cache-ttl"] = (s, f, v, k) => s with { CacheTtl = Time(f, v, k, allowZero: true) },
        ["failure-cache-ttl"] = (s, f, v, k) => s with { FailureCacheTtl = Time(f, v, k, allowZero: true) },
        ["max-page-kb"] = (s, f, v, k) => s with { MaxPageKilobytes = f.PositiveInt(v, k) },
        ["user-agent"] = (s, f, v, _) => s with { UserAgent = UserAgent(f, v) },
    };

    private static LinkSettings ReadSettings(YamlRuleFile file, YamlMappingNode node)
    {
        file.Keys(node, Setters.Keys, "setting");
        var settings = new LinkSettings();
        foreach (var ((_, key), value) in file.Entries(node, "a setting"))
        {
            settings = Setters[key](settings, file, value, key);
        }
        return settings;
    }

    private static string UserAgent(YamlRuleFile file, YamlNode node)
    {
        var value = file.Scalar(node, "user-agent").Trim();
        return value.Length > 0 && value.All(c => c >= ' ' && c < 127)
            ? value
            : throw file.Error(node, "user-agent must be printable ASCII text that names the gateway");
    }

    private static int NonNegativeInt(YamlRuleFile file, YamlNode node, string what) =>
        int.TryParse(file.Scalar(node, what), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw file.Error(node, $"{what} must be a whole number, 0 or more");

    /// <summary>A duration written <c>250ms</c>, <c>8s</c>, <c>10m</c> or <c>1h</c>.</summary>
    private static TimeSpan Time(YamlRuleFile file, YamlNode node, string what, bool allowZero = false)
    {
        var text = file.Scalar(node, what);
        var match = Duration.Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            || (amount == 0 && !allowZero) || amount > 1_000_000)
        {
            throw file.Error(node, $"{what} must be a duration such as 250ms, 8s, 10m or 1h{(allowZero ? "" : " (more than zero)")}, not '{text}'");
        }
        return match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            _ => TimeSpan.FromHours(amount),
        };
    }

    private static IEnumerable<string> Domains(YamlRuleFile file, YamlNode node, string what) =>
        file.Strings(node, $"{what} (domains)").Select(d => Domain(file, d.Node)).ToArray();

    private static string Domain(YamlRuleFile file, YamlNode node)
    {
        var text = file.Scalar(node, "a domain").Trim();
        return Uri.CheckHostName(text) == UriHostNameType.Dns && text.Contains('.')
            ? text
            : throw file.Error(node, $"'{text}' is not a domain name (write it without scheme or path, e.g. bit.ly)");
    }

    internal static string Collapse(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}

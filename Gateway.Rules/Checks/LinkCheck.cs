using System.Globalization;
using Gateway.Rules.Links;
using Gateway.Rules.Net;

namespace Gateway.Rules.Checks;

/// <summary>
/// Checks every link in a post: broken, "not found" pages that answer 200, missing anchors, redirects, http where https
/// works, denied domains and shorteners, and addresses inside the gateway's own network (never fetched). Runs again at
/// fire time, so a link that broke after approval holds the post. A post's links are checked together within
/// <see cref="LinkSettings.Budget"/>; whatever has not answered by then is reported as <c>link.unreachable</c>.
/// </summary>
public sealed class LinkCheck : ICheck
{
    public const string Broken = "link.broken";
    public const string Soft404 = "link.soft-404";
    public const string MissingAnchor = "link.missing-anchor";
    public const string Unreachable = "link.unreachable";
    public const string Unverifiable = "link.unverifiable";
    public const string Redirected = "link.redirected";
    public const string Insecure = "link.insecure";
    public const string PrivateAddress = "link.private-address";
    public const string Shortener = "link.shortener";
    public const string DeniedDomain = "link.denied-domain";

    /// <summary>Schemes that are links but nothing to fetch; they are left alone.</summary>
    private static readonly string[] NotFetched = ["mailto", "tel", "sms", "callto"];

    private readonly LinkRules _rules;
    private readonly LinkCheckOptions _options;
    private readonly TimeProvider _time;

    public LinkCheck(LinkRules rules, IUrlFetcher fetcher, LinkCheckOptions options, TimeProvider time)
    {
        _rules = rules;
        _options = options;
        _time = time;
        Prober = new LinkProber(rules, fetcher, options.AllowPrivateAddresses, time);
    }

    /// <summary>
    /// At fire time a page may have died since it was approved, so no cached answer is trusted; posts firing
    /// together still share a request that is in flight.
    /// </summary>
    private static TimeSpan? MaxAge(CheckPhase phase) => phase == CheckPhase.FireTime ? TimeSpan.Zero : null;

    public string Name => "links";

    public bool RerunAtFireTime => true;

    /// <summary>The shared network half (cache, politeness); exposed for diagnostics.</summary>
    public LinkProber Prober { get; }

    public async ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return [];
        }
        var links = LinkExtractor.Extract(input.Body);
        if (links.Count == 0)
        {
            return [];
        }
        using var timer = new CancellationTokenSource(_rules.Settings.Budget, _time);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        var results = await Task.WhenAll(links.Select(link => CheckLinkAsync(link, input.Phase, budget.Token, cancellationToken)));
        return results.SelectMany(r => r)
            .OrderBy(f => f.Start)
            .ThenBy(f => f.Rule, StringComparer.Ordinal)
            .ToArray();
    }

    private async Task<IReadOnlyList<Finding>> CheckLinkAsync(ExtractedLink link, CheckPhase phase, CancellationToken budget, CancellationToken caller)
    {
        if (!Uri.TryCreate(link.Url, UriKind.Absolute, out var url) || NotFetched.Contains(url.Scheme))
        {
            return []; // relative links and mail/phone links have nothing to fetch
        }
        var findings = new List<Finding>();
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            findings.Add(Make(link, PrivateAddress, Severity.Block,
                $"This link uses the {url.Scheme}: scheme. The gateway only follows http and https links, and readers cannot open this one; link to an https:// address.",
                url, reason: $"{url.Scheme}: is not http or https"));
            return findings;
        }
        var host = url.IdnHost;
        if (_rules.DeniedBy(host) is { } denied)
        {
            findings.Add(Denied(link, url, host, denied));
            return findings;
        }
        if (_rules.IsAllowed(host))
        {
            return findings;
        }
        var shortener = _rules.IsShortener(host);
        if (shortener && _rules.ShortenerAction == ShortenerAction.Deny)
        {
            findings.Add(Make(link, Shortener, Severity.Block,
                $"This link goes through the shortener {host}, which hides where it leads. Paste the full address instead.",
                url, reason: "link shorteners are not allowed"));
            return findings;
        }
        if (!_options.AllowPrivateAddresses && AddressGuard.IsForbiddenLiteral(url))
        {
            findings.Add(Make(link, PrivateAddress, Severity.Block,
                $"This link points to {url.Host}, an address inside a private network. Readers cannot reach it and the gateway does not fetch it.",
                url, reason: "internal address"));
            return findings;
        }

        LinkReport report;
        try
        {
            report = await Prober.CheckAsync(url, MaxAge(phase)).WaitAsync(budget);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            findings.Add(Make(link, Unreachable, Severity.Review,
                $"This link did not answer within the {Seconds(_rules.Settings.Budget)} the check may take per post. Open it by hand before publishing.",
                url, reason: "time budget used up"));
            return findings;
        }

        foreach (var hop in report.Hops.Skip(1))
        {
            if (_rules.DeniedBy(hop.Url.IdnHost) is { } deniedHop)
            {
                findings.Add(Denied(link, url, hop.Url.IdnHost, deniedHop, report));
                return findings;
            }
        }

        switch (report.Outcome)
        {
            case LinkOutcome.Forbidden:
                findings.Add(Make(link, PrivateAddress, Severity.Block,
                    $"This link leads into a private network ({report.Reason}). The gateway stopped there and readers cannot reach it.",
                    url, report));
                return findings;
            case LinkOutcome.Broken:
                findings.Add(Make(link, Broken, Severity.Block,
                    $"This link is broken: {report.Reason}. Fix the address or remove the link.", url, report));
                return findings;
            case LinkOutcome.Soft404:
                findings.Add(Make(link, Soft404, Severity.Block,
                    $"This link opens a \"page not found\" although the site answers 200: {report.Reason}. Fix the address or remove the link.",
                    url, report));
                return findings;
            case LinkOutcome.Unreachable:
                findings.Add(Make(link, Unreachable, Severity.Review,
                    $"This link could not be reached: {report.Reason}. Open it by hand before publishing.", url, report));
                return findings;
            case LinkOutcome.Unverifiable:
                findings.Add(Make(link, Unverifiable, Severity.Warning,
                    $"This link could not be verified: the site answered {report.Reason}. Sites often turn checkers away; it may well work for readers, so open it once by hand.",
                    url, report));
                return findings;
        }

        var final = report.FinalUrl;
        var moved = !SameAddress(final, report.Url);
        var upgradedOnly = url.Scheme == Uri.UriSchemeHttp && final.Scheme == Uri.UriSchemeHttps
            && SameHost(url, final) && url.PathAndQuery == final.PathAndQuery;
        if (shortener)
        {
            findings.Add(Make(link, Shortener, Severity.Warning,
                $"This link goes through the shortener {host}, which hides where it leads. It leads to {final}; link to that address directly.",
                url, report));
        }
        else if (moved && !upgradedOnly)
        {
            var otherHost = !SameHost(url, final);
            findings.Add(Make(link, Redirected, otherHost ? Severity.Warning : Severity.Info,
                otherHost
                    ? $"This link redirects to another site, {final.Host}: {final}. Check that this is where you want readers to go, and link there directly."
                    : $"This link redirects to {final}. Link there directly to save readers a hop.",
                url, report));
        }
        if (url.Scheme == Uri.UriSchemeHttp && await HttpsWorksAsync(url, final, phase, budget, caller) is { } secure)
        {
            findings.Add(Make(link, Insecure, Severity.Warning,
                $"This link uses http:// although {secure} works. Link to the https:// address so readers' connection is private.",
                url, report, extra: ("https-url", secure.ToString())));
        }
        if (MissingFragment(url, report) is { } fragment)
        {
            findings.Add(Make(link, MissingAnchor, Severity.Warning,
                $"The page exists but has no \"#{fragment}\" on it, so the link will not jump to the place you meant. Check the part after # (the page may have changed).",
                url, report, extra: ("anchor", fragment)));
        }
        return findings;
    }

    /// <summary>The https:// address that works for an http:// link, or null.</summary>
    private async Task<Uri?> HttpsWorksAsync(Uri url, Uri final, CheckPhase phase, CancellationToken budget, CancellationToken caller)
    {
        if (final.Scheme == Uri.UriSchemeHttps && SameHost(url, final))
        {
            return final; // the site itself sends readers to https
        }
        if (!url.IsDefaultPort)
        {
            return null; // http on an odd port says nothing about https on any port
        }
        var secure = new UriBuilder(url) { Scheme = Uri.UriSchemeHttps, Port = -1, Fragment = "" }.Uri;
        try
        {
            var report = await Prober.CheckAsync(secure, MaxAge(phase)).WaitAsync(budget);
            return report.Outcome == LinkOutcome.Ok ? secure : null;
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            return null;
        }
    }

    private static string? MissingFragment(Uri url, LinkReport report)
    {
        var fragment = url.Fragment.TrimStart('#');
        if (fragment.Length == 0 || report.Anchors is not { } anchors
            || fragment.StartsWith('!') || fragment.StartsWith(":~:", StringComparison.Ordinal) // hash-bang routes, text fragments
            || fragment.Equals("top", StringComparison.OrdinalIgnoreCase))                     // HTML defines #top as the start
        {
            return null;
        }
        var decoded = Uri.UnescapeDataString(fragment);
        return anchors.Contains(fragment) || anchors.Contains(decoded) ? null : decoded;
    }

    private Finding Denied(ExtractedLink link, Uri url, string host, (string Domain, string Reason) denied, LinkReport? report = null) =>
        Make(link, DeniedDomain, Severity.Block,
            report is null
                ? $"This link goes to {host}, which is on the deny list ({denied.Domain}: {denied.Reason})."
                : $"This link redirects to {host}, which is on the deny list ({denied.Domain}: {denied.Reason}).",
            url, report, reason: denied.Reason, extra: ("domain", denied.Domain));

    private static Finding Make(
        ExtractedLink link, string rule, Severity severity, string message, Uri url,
        LinkReport? report = null, string? reason = null, (string Key, string Value)? extra = null)
    {
        var evidence = new Dictionary<string, string>(StringComparer.Ordinal) { ["url"] = url.ToString() };
        if (report is not null)
        {
            if (report.Status is { } status)
            {
                evidence["status"] = status.ToString(CultureInfo.InvariantCulture);
            }
            evidence["final-url"] = report.FinalUrl.ToString();
            evidence["hops"] = report.Trail;
            evidence["reason"] = report.Reason;
        }
        if (reason is not null)
        {
            evidence["reason"] = reason;
        }
        if (extra is { } pair)
        {
            evidence[pair.Key] = pair.Value;
        }
        return new Finding(rule, severity, message, link.Start, link.Length, link.Match, evidence);
    }

    private static bool SameHost(Uri a, Uri b) => string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase);

    private static bool SameAddress(Uri a, Uri b) =>
        Uri.Compare(a, b, UriComponents.HttpRequestUrl, UriFormat.UriEscaped, StringComparison.Ordinal) == 0;

    private static string Seconds(TimeSpan span) =>
        span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}

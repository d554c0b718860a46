using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Gateway.Rules.Net;
using HtmlAgilityPack;

namespace Gateway.Rules.Links;

/// <summary>What a link turned out to be.</summary>
public enum LinkOutcome
{
    Ok,

    /// <summary>404, 410, a name that does not resolve, a refused connection, a redirect loop, too many redirects.</summary>
    Broken,

    /// <summary>Answers 200 but says, or looks like, "page not found".</summary>
    Soft404,

    /// <summary>Timeouts and 5xx after retries, other network failures.</summary>
    Unreachable,

    /// <summary>401, 403, 429 after retries, LinkedIn's 999 and other refusals that say nothing about the page.</summary>
    Unverifiable,

    /// <summary>A hop that would reach an internal address or leave http(s); no request was made there.</summary>
    Forbidden,
}

/// <summary>One request of a redirect chain; <see cref="Status"/> is 0 when no answer came (refused, failed, not attempted).</summary>
public sealed record Hop(Uri Url, int Status);

/// <summary>The result of checking one address (without its fragment), shared by every post that links it while cached.</summary>
public sealed record LinkReport(
    LinkOutcome Outcome,
    Uri Url,
    Uri FinalUrl,
    IReadOnlyList<Hop> Hops,
    int? Status,
    string Reason,
    IReadOnlySet<string>? Anchors = null)
{
    /// <summary>How the chain went, e.g. <c>301 http://a/x → 200 https://a/x</c>.</summary>
    public string Trail => string.Join(" → ", Hops.Select(h => $"{(h.Status == 0 ? "—" : h.Status.ToString(CultureInfo.InvariantCulture))} {h.Url}"));
}

/// <summary>
/// The network half of the link check: follows redirects (checking every hop), HEAD then GET, retries with backoff and
/// <c>Retry-After</c>, a per-host limit and spacing plus a global limit, soft-404 detection, and a TTL cache that also
/// shares requests still in flight. One instance serves the whole process.
/// </summary>
public sealed class LinkProber
{
    private readonly LinkRules _rules;
    private readonly LinkSettings _settings;
    private readonly IUrlFetcher _fetcher;
    private readonly bool _allowPrivate;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _global;
    private readonly ConcurrentDictionary<string, HostGate> _hosts = new(StringComparer.Ordinal);
    private readonly TtlCache<LinkReport> _reports;
    private readonly TtlCache<OriginSample> _origins;
    private int _requests;

    public LinkProber(LinkRules rules, IUrlFetcher fetcher, bool allowPrivate, TimeProvider time)
    {
        _rules = rules;
        _settings = rules.Settings;
        _fetcher = fetcher;
        _allowPrivate = allowPrivate;
        _time = time;
        _global = new SemaphoreSlim(_settings.Concurrency);
        _reports = new TtlCache<LinkReport>(time);
        _origins = new TtlCache<OriginSample>(time);
    }

    /// <summary>Requests sent so far (every attempt of every hop).</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>
    /// Checks <paramref name="url"/> (its fragment is ignored), from the cache when fresh and no older than
    /// <paramref name="maxAge"/>, joining a check already running.
    /// </summary>
    public Task<LinkReport> CheckAsync(Uri url, TimeSpan? maxAge = null)
    {
        url = WithoutFragment(url);
        return _reports.GetOrStart(Key(url), maxAge ?? TimeSpan.MaxValue, () => ProbeAsync(url), report => report.Outcome switch
        {
            LinkOutcome.Unreachable => _settings.FailureCacheTtl,
            LinkOutcome.Unverifiable when report.Status is 429 or null => _settings.FailureCacheTtl,
            _ => _settings.CacheTtl,
        });
    }

    private async Task<LinkReport> ProbeAsync(Uri url)
    {
        // HEAD settles what it can say for sure: a file that is there, or a host that cannot be reached at all.
        // Anything else (an HTML page to read, a refusal, an error that HEAD may have made up) is asked again with GET.
        var head = await FollowAsync(HttpMethod.Head, url);
        if (head is { Report: { } settled, Settles: true })
        {
            return settled;
        }
        if (head.Last is { Status: >= 200 and < 300, IsHtml: false })
        {
            return new LinkReport(LinkOutcome.Ok, url, head.Final, head.Hops, head.Last.Status, "answers");
        }
        if (head.Last is { Status: 429 or 503, RetryAfter: not null } && RetryDelay(head.Last) is null)
        {
            return Classify(url, head);
        }
        var get = await FollowAsync(HttpMethod.Get, url);
        if (get.Report is { } report)
        {
            return report;
        }
        if (get.Last is { Status: >= 200 and < 300, IsHtml: true, Body: { } body })
        {
            return await ReadPageAsync(url, get, body);
        }
        return Classify(url, get);
    }

    private static LinkReport Classify(Uri url, Chain chain)
    {
        var status = chain.Last!.Status;
        var (outcome, reason) = status switch
        {
            >= 200 and < 300 => (LinkOutcome.Ok, "answers"),
            404 => (LinkOutcome.Broken, "404 Not Found"),
            410 => (LinkOutcome.Broken, "410 Gone"),
            408 => (LinkOutcome.Unreachable, "408 Request Timeout, also after retrying"),
            >= 500 and < 600 => (LinkOutcome.Unreachable, $"{status} {Phrase(status)}, also after retrying"),
            429 => (LinkOutcome.Unverifiable, "429 Too Many Requests, also after waiting as asked"),
            999 => (LinkOutcome.Unverifiable, "999, the answer LinkedIn gives to automated checks"),
            401 or 403 or 407 => (LinkOutcome.Unverifiable, $"{status} {Phrase(status)}; the site keeps checkers out"),
            >= 300 and < 400 => (LinkOutcome.Unverifiable, $"{status} {Phrase(status)} without a target"),
            _ => (LinkOutcome.Unverifiable, $"{status} {Phrase(status)}"),
        };
        return new LinkReport(outcome, url, chain.Final, chain.Hops, status, reason);
    }

    private static string Phrase(int status) =>
        Enum.IsDefined(typeof(HttpStatusCode), status) ? ((HttpStatusCode)status).ToString() : "(non-standard)";

    private async Task<LinkReport> ReadPageAsync(Uri url, Chain chain, string body)
    {
        var page = new HtmlDocument();
        page.LoadHtml(body);
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in page.DocumentNode.Descendants().Where(n => n.NodeType == HtmlNodeType.Element))
        {
            if (element.GetAttributeValue("id", null) is { Length: > 0 } id)
            {
                anchors.Add(HtmlEntity.DeEntitize(id));
            }
            if (element.Name == "a" && element.GetAttributeValue("name", null) is { Length: > 0 } name)
            {
                anchors.Add(HtmlEntity.DeEntitize(name));
            }
        }
        var status = chain.Last!.Status;

        foreach (var heading in Headings(page))
        {
            if (_rules.Soft404Phrase(heading.Text) is { } match)
            {
                return new LinkReport(LinkOutcome.Soft404, url, chain.Final, chain.Hops, status,
                    $"its {heading.Where} says \"{heading.Text}\" ({match.Language}: \"{match.Phrase}\")", anchors);
            }
        }

        // A site that answers 200 for any address: compare with its answer for a path that cannot exist.
        if (url.AbsolutePath != "/" || url.Query.Length > 0)
        {
            var origin = url.GetLeftPart(UriPartial.Authority);
            var sample = await _origins.GetOrStart(origin, TimeSpan.MaxValue, () => SampleOriginAsync(new Uri(origin)), _ => _settings.CacheTtl);
            if (sample.Fingerprint is { } missing)
            {
                if (chain.Final != url && Key(sample.Final) == Key(chain.Final))
                {
                    return new LinkReport(LinkOutcome.Soft404, url, chain.Final, chain.Hops, status,
                        $"it redirects to {chain.Final}, where the site also sends addresses that do not exist", anchors);
                }
                var fingerprint = Fingerprint.Of(page, url);
                if (fingerprint.SameAs(missing))
                {
                    return new LinkReport(LinkOutcome.Soft404, url, chain.Final, chain.Hops, status,
                        "it shows the same page the site shows for an address that does not exist", anchors);
                }
            }
        }
        return new LinkReport(LinkOutcome.Ok, url, chain.Final, chain.Hops, status, "answers", anchors);
    }

    private static IEnumerable<(string Where, string Text)> Headings(HtmlDocument page)
    {
        var title = page.DocumentNode.SelectSingleNode("//title");
        if (title is not null)
        {
            yield return ("title", Text(title));
        }
        foreach (var h1 in page.DocumentNode.SelectNodes("//h1")?.Take(3) ?? [])
        {
            yield return ("heading", Text(h1));
        }
    }

    private static string Text(HtmlNode node) => LinkRules.Collapse(HtmlEntity.DeEntitize(node.InnerText)).ToLowerInvariant();

    private sealed record OriginSample(Uri Final, Fingerprint? Fingerprint);

    private async Task<OriginSample> SampleOriginAsync(Uri origin)
    {
        var random = new Uri(origin, "/" + Guid.NewGuid().ToString("N") + "-gateway-link-check");
        var chain = await FollowAsync(HttpMethod.Get, random, retries: 0);
        if (chain.Report is null && chain.Last is { Status: >= 200 and < 300, IsHtml: true, Body: { } body })
        {
            var page = new HtmlDocument();
            page.LoadHtml(body);
            return new OriginSample(chain.Final, Fingerprint.Of(page, random));
        }
        return new OriginSample(chain.Final, null);
    }

    /// <summary>A chain of requests following redirects; <see cref="Report"/> is set when it ended without a final answer.</summary>
    /// <remarks><see cref="Settles"/>: the failure does not depend on the method (the name does not resolve, the address is refused).</remarks>
    private sealed record Chain(IReadOnlyList<Hop> Hops, Uri Final, FetchResponse? Last, LinkReport? Report, bool Settles = false);

    private async Task<Chain> FollowAsync(HttpMethod method, Uri url, int? retries = null)
    {
        var hops = new List<Hop>();
        var visited = new HashSet<string>(StringComparer.Ordinal) { Key(url) };
        var current = url;
        while (true)
        {
            var response = await SendAsync(method, current, retries ?? (method == HttpMethod.Get ? _settings.Retries : 0));
            if (response is null)
            {
                hops.Add(new Hop(current, 0));
                return Ended(LinkOutcome.Unreachable, null,
                    $"{current.Host} did not answer within {Seconds(_settings.RequestTimeout)}, also after retrying");
            }
            if (response.Error != FetchError.None)
            {
                hops.Add(new Hop(current, 0));
                return response.Error switch
                {
                    FetchError.NameNotResolved => Ended(LinkOutcome.Broken, null, $"the name {current.Host} does not resolve", settles: true),
                    FetchError.ConnectionRefused => Ended(LinkOutcome.Broken, null, $"{current.Authority} refuses connections", settles: true),
                    FetchError.ForbiddenAddress => Ended(LinkOutcome.Forbidden, null, $"{current.Host} resolves to an internal address", settles: true),
                    _ => Ended(LinkOutcome.Unreachable, null, $"{current.Host} could not be reached: {response.ErrorDetail}"),
                };
            }
            hops.Add(new Hop(current, response.Status));
            if (response.Status is not (301 or 302 or 303 or 307 or 308) || response.Location is null)
            {
                return new Chain(hops, current, response, null);
            }
            if (!Uri.TryCreate(current, response.Location, out var next))
            {
                return Ended(LinkOutcome.Broken, response.Status, $"it redirects to \"{response.Location}\", which is not an address");
            }
            if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
            {
                hops.Add(new Hop(next, 0));
                return Ended(LinkOutcome.Forbidden, response.Status, $"it redirects to a {next.Scheme}: address, which is not followed", settles: true);
            }
            if (!_allowPrivate && AddressGuard.IsForbiddenLiteral(next))
            {
                hops.Add(new Hop(next, 0));
                return Ended(LinkOutcome.Forbidden, response.Status, $"it redirects to {next.Host}, an internal address", settles: true);
            }
            if (!visited.Add(Key(next)))
            {
                hops.Add(new Hop(next, 0));
                return Ended(LinkOutcome.Broken, response.Status, "it redirects in a loop");
            }
            if (hops.Count > _settings.RedirectLimit)
            {
                return Ended(LinkOutcome.Broken, response.Status, $"it redirects more than {_settings.RedirectLimit} times");
            }
            current = next;
        }

        Chain Ended(LinkOutcome outcome, int? status, string reason, bool settles = false) =>
            new(hops, hops[^1].Url, null, new LinkReport(outcome, url, hops[^1].Url, hops, status, reason), settles);
    }

    /// <summary>One hop with retries; null when every attempt timed out.</summary>
    private async Task<FetchResponse?> SendAsync(HttpMethod method, Uri url, int retries)
    {
        var gate = _hosts.GetOrAdd(url.IdnHost.ToLowerInvariant(), _ => new HostGate(_settings.PerHostConcurrency));
        for (var attempt = 0; ; attempt++)
        {
            var response = await SendOnceAsync(gate, method, url);
            var retryable = response is null || response.Status is 408 or 429 or (>= 500 and < 600);
            if (!retryable)
            {
                return response;
            }
            TimeSpan delay;
            if (response?.RetryAfter is not null)
            {
                if (RetryDelay(response) is not { } asked)
                {
                    return response; // asked to wait longer than we will
                }
                gate.Defer(_time.GetUtcNow() + asked); // every request to this host waits, not just this one
                delay = TimeSpan.Zero;
            }
            else
            {
                delay = _settings.RetryBackoff * Math.Pow(2, attempt);
            }
            if (attempt >= retries)
            {
                return response;
            }
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time);
            }
        }
    }

    /// <summary>The wait a Retry-After asks for, or null when it is longer than <see cref="LinkSettings.RetryAfterMax"/>.</summary>
    private TimeSpan? RetryDelay(FetchResponse response)
    {
        var header = response.RetryAfter!;
        var wait = header.Delta ?? (header.Date is { } date ? date - _time.GetUtcNow() : TimeSpan.Zero);
        wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        return wait <= _settings.RetryAfterMax ? wait : null;
    }

    private async Task<FetchResponse?> SendOnceAsync(HostGate gate, HttpMethod method, Uri url)
    {
        await gate.Slots.WaitAsync();
        try
        {
            var wait = gate.Reserve(_time.GetUtcNow(), _settings.PerHostSpacing);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time);
            }
            await _global.WaitAsync();
            try
            {
                Interlocked.Increment(ref _requests);
                using var timeout = new CancellationTokenSource(_settings.RequestTimeout, _time);
                try
                {
                    return await _fetcher.FetchAsync(method, url, readBody: method == HttpMethod.Get, timeout.Token);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested)
                {
                    return null;
                }
            }
            finally
            {
                _global.Release();
            }
        }
        finally
        {
            gate.Slots.Release();
        }
    }

    private static string Seconds(TimeSpan span) =>
        span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    internal static Uri WithoutFragment(Uri url) =>
        url.Fragment.Length == 0 ? url : new Uri(url.GetLeftPart(UriPartial.Query));

    private static string Key(Uri url) => url.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);

    /// <summary>Per-host politeness: at most N requests at once, starts at least the spacing apart, and a Retry-After pause.</summary>
    private sealed class HostGate(int concurrency)
    {
        private readonly Lock _lock = new();
        private DateTimeOffset _nextStart = DateTimeOffset.MinValue;
        private DateTimeOffset _notBefore = DateTimeOffset.MinValue;

        public SemaphoreSlim Slots { get; } = new(concurrency);

        public TimeSpan Reserve(DateTimeOffset now, TimeSpan spacing)
        {
            lock (_lock)
            {
                var start = new[] { now, _nextStart, _notBefore }.Max();
                _nextStart = start + spacing;
                return start - now;
            }
        }

        public void Defer(DateTimeOffset until)
        {
            lock (_lock)
            {
                _notBefore = until > _notBefore ? until : _notBefore;
            }
        }
    }

    /// <summary>What a page looks like with the address's own words taken out, to compare with a "not found" page.</summary>
    private sealed record Fingerprint(string Title, HashSet<string> Words)
    {
        public static Fingerprint Of(HtmlDocument page, Uri url)
        {
            var own = Tokens(Uri.UnescapeDataString(url.PathAndQuery));
            var body = page.DocumentNode.SelectSingleNode("//body") ?? page.DocumentNode;
            var text = string.Concat(body.DescendantsAndSelf()
                .Where(n => n.NodeType == HtmlNodeType.Text && n.Ancestors().All(a => a.Name is not ("script" or "style" or "noscript")))
                .Select(n => " " + HtmlEntity.DeEntitize(n.InnerText)));
            var words = Tokens(text);
            words.ExceptWith(own);
            var title = page.DocumentNode.SelectSingleNode("//title") is { } t ? Text(t) : "";
            return new Fingerprint(title, words);
        }

        public bool SameAs(Fingerprint other)
        {
            if (Title != other.Title)
            {
                return false;
            }
            var union = Words.Union(other.Words).Count();
            return union == 0 || (double)Words.Intersect(other.Words).Count() / union >= 0.9;
        }

        private static HashSet<string> Tokens(string text)
        {
            var words = new HashSet<string>(StringComparer.Ordinal);
            var start = -1;
            for (var i = 0; i <= text.Length; i++)
            {
                var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
                if (inWord && start < 0)
                {
                    start = i;
                }
                else if (!inWord && start >= 0)
                {
                    words.Add(text[start..i].ToLowerInvariant());
                    start = -1;
                }
            }
            return words;
        }
    }

    /// <summary>
    /// Results by key with a time to live that starts when the result is ready; a caller asking while the work runs joins it.
    /// </summary>
    private sealed class TtlCache<T>(TimeProvider time)
    {
        private const int PruneAbove = 10_000;
        private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

        private sealed class Entry
        {
            public readonly TaskCompletionSource<T> Result = new(TaskCreationOptions.RunContinuationsAsynchronously);
            public DateTimeOffset Expires = DateTimeOffset.MaxValue; // in flight
            public DateTimeOffset Completed = DateTimeOffset.MaxValue;
        }

        public Task<T> GetOrStart(string key, TimeSpan maxAge, Func<Task<T>> work, Func<T, TimeSpan> ttl)
        {
            while (true)
            {
                var now = time.GetUtcNow();
                // Expires and Completed are written before the result is set, so they are settled once the task shows completed.
                if (_entries.TryGetValue(key, out var existing)
                    && (!existing.Result.Task.IsCompleted || (existing.Expires > now && now - existing.Completed <= maxAge)))
                {
                    return existing.Result.Task;
                }
                var fresh = new Entry();
                var won = existing is null ? _entries.TryAdd(key, fresh) : _entries.TryUpdate(key, fresh, existing);
                if (!won)
                {
                    continue;
                }
                _ = RunAsync(key, fresh, work, ttl);
                if (_entries.Count > PruneAbove)
                {
                    Prune(now);
                }
                return fresh.Result.Task;
            }
        }

        private async Task RunAsync(string key, Entry entry, Func<Task<T>> work, Func<T, TimeSpan> ttl)
        {
            try
            {
                var result = await work();
                var life = ttl(result);
                entry.Completed = time.GetUtcNow();
                entry.Expires = entry.Completed + life;
                entry.Result.SetResult(result);
            }
            catch (Exception e)
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
                entry.Result.SetException(e);
            }
        }

        private void Prune(DateTimeOffset now)
        {
            foreach (var (key, entry) in _entries)
            {
                if (entry.Result.Task.IsCompleted && entry.Expires <= now)
                {
                    _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
                }
            }
        }
    }
}

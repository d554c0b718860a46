using System.Collections.Concurrent;
using Gateway.Accounts;
using Gateway.Publishing;
using Gateway.Rules;
using Gateway.Rules.Hashtags;
using Gateway.Rules.Trends;

namespace Gateway.Hashtags;

/// <summary>
/// The gateway's reads of hashtag timelines: one read per origin (instance, PDS) and tag at a time, shared by every
/// post and page that asks meanwhile; a sample kept for <see cref="HashtagHistoryOptions.CacheFor"/> and then
/// dropped (other people's posts are kept no longer than that); a 429 obeyed for that origin until its
/// <c>Retry-After</c>. Reads are not cancelled by a check that stops waiting, so a late answer serves the next look.
/// </summary>
public sealed class HashtagSampler(AccountStore accounts, IEnumerable<IHashtagSource> sources, HashtagHistoryOptions options, TimeProvider time,
    ILogger<HashtagSampler> log) : IHashtagSampler
{
    private readonly IHashtagSource[] _sources = sources.ToArray();
    private readonly ConcurrentDictionary<(string Origin, string Tag), Lazy<Task<HashtagSample>>> _reads = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _quietUntil = new(StringComparer.Ordinal);

    /// <summary>Reads that reached a network (not those answered from the cache or held back by a 429).</summary>
    public int NetworkReads => _networkReads;

    private int _networkReads;

    public async Task<HashtagSample?> SampleAsync(string accountId, string tag, CheckPhase phase)
    {
        var account = await accounts.GetAsync(accountId);
        return account is not null && SourceFor(account) is { } source
            ? await ReadAsync(source, account, Trend.Key(tag), phase == CheckPhase.FireTime ? TimeSpan.Zero : options.CacheFor)
            : null;
    }

    /// <summary>
    /// The tag as every network the gateway's accounts are on sees it, one sample per origin, each as fresh as the cache
    /// allows; what has not answered within the budget is left out.
    /// </summary>
    public async Task<IReadOnlyList<HashtagSample>> EverywhereAsync(string tag, CancellationToken cancellationToken)
    {
        var reads = (await accounts.ListAsync(cancellationToken))
            .Select(a => (Account: a, Source: SourceFor(a)))
            .Where(x => x.Source is not null)
            .DistinctBy(x => x.Source!.Origin(x.Account))
            .Select(x => ReadAsync(x.Source!, x.Account, Trend.Key(tag), options.CacheFor))
            .ToArray();
        try
        {
            await Task.WhenAll(reads).WaitAsync(options.Budget, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Shown as "still reading" by leaving those networks out; the page can be reloaded.
        }
        return reads.Where(r => r.IsCompletedSuccessfully).Select(r => r.Result).ToArray();
    }

    private IHashtagSource? SourceFor(Account account) => _sources.FirstOrDefault(s => s.Type == account.Publisher.Type);

    private Task<HashtagSample> ReadAsync(IHashtagSource source, Account account, string tag, TimeSpan maxAge)
    {
        var key = (source.Origin(account), tag);
        var now = time.GetUtcNow();
        Prune(now);
        while (true)
        {
            var read = new Lazy<Task<HashtagSample>>(() => FetchAsync(source, account, tag, key.Item1));
            if (_reads.TryGetValue(key, out var existing))
            {
                var task = existing.Value;
                if (!task.IsCompleted || (task.IsCompletedSuccessfully && task.Result.Known && now - task.Result.ReadAt <= maxAge))
                {
                    return task; // in flight, or fresh enough
                }
                if (_reads.TryUpdate(key, read, existing))
                {
                    return read.Value;
                }
            }
            else if (_reads.TryAdd(key, read))
            {
                return read.Value;
            }
        }
    }

    private async Task<HashtagSample> FetchAsync(IHashtagSource source, Account account, string tag, string origin)
    {
        var network = source.Network(account);
        var now = time.GetUtcNow();
        if (_quietUntil.TryGetValue(origin, out var until) && until > now)
        {
            return new HashtagSample(tag, network, [], now, $"{network} asked the gateway to wait until {until:HH:mm:ss} UTC (429 Too Many Requests)");
        }
        Interlocked.Increment(ref _networkReads);
        try
        {
            var posts = await source.ReadAsync(account, tag, now - options.Window, options.MaxPosts, options.TextLength, CancellationToken.None);
            return new HashtagSample(tag, network, posts, time.GetUtcNow());
        }
        catch (PublishException e)
        {
            if (e.Failure == PublishFailure.RateLimited)
            {
                // Without a Retry-After, a cache period is a polite guess.
                _quietUntil[origin] = time.GetUtcNow() + (e.RetryAfter ?? options.CacheFor);
            }
            log.LogInformation("Hashtag #{Tag} not read from {Network}: {Problem}", tag, network, e.Message);
            return new HashtagSample(tag, network, [], time.GetUtcNow(), e.Failure switch
            {
                PublishFailure.RateLimited => $"{network} is rate-limiting the gateway's reads",
                PublishFailure.Unauthorized => $"{network} refused the account's credentials for reading",
                _ => $"{network} could not be read ({(e.Status is { } status ? (int)status + " " + status : "no answer")})",
            });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A sample is advice: whatever went wrong reading it must not fail the submit.
            log.LogWarning(e, "Hashtag #{Tag} not read from {Network}", tag, network);
            return new HashtagSample(tag, network, [], time.GetUtcNow(), $"{network} could not be read ({e.GetType().Name})");
        }
    }

    /// <summary>Samples past their time are dropped, not only ignored: other people's posts are kept no longer than needed.</summary>
    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, read) in _reads)
        {
            if (read.IsValueCreated && read.Value.IsCompleted && (!read.Value.IsCompletedSuccessfully || now - read.Value.Result.ReadAt > options.CacheFor))
            {
                _reads.TryRemove(new KeyValuePair<(string, string), Lazy<Task<HashtagSample>>>(key, read));
            }
        }
        foreach (var (origin, until) in _quietUntil.Where(q => q.Value <= now))
        {
            _quietUntil.TryRemove(new KeyValuePair<string, DateTimeOffset>(origin, until));
        }
    }
}

using System.Text.Json;
using Dapper;
using Gateway.Audit;
using Gateway.Rules;
using Gateway.Rules.Checks;
using Gateway.Rules.Packs;
using Gateway.Rules.Trends;
using Gateway.Storage;

namespace Gateway.Trends;

/// <summary>One entry of <c>POST /api/trends</c>.</summary>
public sealed record TrendRequest(string? Tag, string? Context, string? Sensitivity, IReadOnlyList<string>? Keywords, string? ExpiresAt, string? Topic = null);

public sealed record TrendsRequest(IReadOnlyList<TrendRequest>? Trends);

/// <summary>
/// Live trends pushed by admins or an integration, together with the static registry: the <see cref="ITrendSource"/>
/// the hashtag check reads. The in-memory copy is replaced after every change, so checks never wait on the database.
/// </summary>
public sealed class TrendStore(Database database, AuditLog audit, HashtagRegistry registry, IRulePackSource packs, TimeProvider time, Freeze.Tripwires? tripwires = null) : ITrendSource
{
    private volatile IReadOnlyList<Trend> _current = registry.Hashtags;

    public IReadOnlyList<Trend> Current => _current;

    public IReadOnlyDictionary<string, Severity> Sensitivities => registry.Sensitivities;

    public async Task<IReadOnlyList<Trend>> UpsertAsync(TrendsRequest request, string actor, CancellationToken cancellationToken)
    {
        var trends = (request.Trends ?? []).Select(Validate).ToArray();
        if (trends.Length == 0)
        {
            throw ProblemException.BadRequest("'trends' is empty: send [{tag, context, sensitivity, keywords, topic, expiresAt}].");
        }
        var now = time.GetUtcNow();
        await database.InTransactionAsync(async (c, t) =>
        {
            foreach (var trend in trends)
            {
                await c.ExecuteAsync(
                    """
                    INSERT INTO trends (tag, context, sensitivity, keywords, topic, expires_at, pushed_by, pushed_at)
                    VALUES (@Tag, @Context, @Sensitivity, @keywords, @Topic, @ExpiresAt, @actor, @now)
                    ON CONFLICT (tag) DO UPDATE SET context = excluded.context, sensitivity = excluded.sensitivity,
                        keywords = excluded.keywords, topic = excluded.topic, expires_at = excluded.expires_at, pushed_by = excluded.pushed_by, pushed_at = excluded.pushed_at
                    """,
                    new { trend.Tag, trend.Context, trend.Sensitivity, keywords = JsonSerializer.Serialize(trend.Keywords), trend.Topic, trend.ExpiresAt, actor, now }, t);
                await audit.AppendAsync(c, t, actor, "trend.pushed", "#" + trend.Tag, new { trend.Sensitivity, trend.Context, trend.Topic, trend.ExpiresAt });
            }
            return true;
        }, cancellationToken);
        await RefreshAsync(cancellationToken);
        if (tripwires is not null)
        {
            await tripwires.EvaluateAsync(trends, cancellationToken);
        }
        return trends;
    }

    public async Task DeleteAsync(string tag, string actor, CancellationToken cancellationToken)
    {
        var key = Trend.Key(tag);
        await database.InTransactionAsync(async (c, t) =>
        {
            if (await c.ExecuteAsync("DELETE FROM trends WHERE tag = @key", new { key }, t) == 0)
            {
                throw ProblemException.NotFound($"No live trend #{key}." + (registry.Hashtags.Any(h => h.Tag == key) ? " It is in rules/hashtags.yml; edit that file to change it." : ""));
            }
            await audit.AppendAsync(c, t, actor, "trend.deleted", "#" + key);
            return true;
        }, cancellationToken);
        await RefreshAsync(cancellationToken);
    }

    /// <summary>Live trends win over the registry entry for the same tag: they say what it means today.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TrendRow>(new CommandDefinition(
            "SELECT tag, context, sensitivity, keywords, topic, expires_at AS ExpiresAt, pushed_by AS PushedBy FROM trends ORDER BY tag",
            cancellationToken: cancellationToken));
        var live = rows.Select(r => new Trend(r.Tag, r.Context, r.Sensitivity, JsonSerializer.Deserialize<string[]>(r.Keywords)!, r.ExpiresAt, $"pushed by {r.PushedBy}", r.Topic)).ToArray();
        _current = [.. live, .. registry.Hashtags.Where(h => live.All(l => l.Tag != h.Tag))];
    }

    private Trend Validate(TrendRequest request)
    {
        var tag = Trend.Key(request.Tag ?? "");
        if (tag.Length is 0 or > 100 || tag.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw ProblemException.BadRequest($"Trend tag '{request.Tag}' is not a hashtag.");
        }
        if (string.IsNullOrWhiteSpace(request.Context) || request.Context.Length > 1000)
        {
            throw ProblemException.BadRequest($"#{tag} needs a 'context' (what people mean by it), at most 1000 characters.");
        }
        var sensitivity = request.Sensitivity?.Trim().ToLowerInvariant() ?? "";
        if (!registry.Sensitivities.ContainsKey(sensitivity))
        {
            throw ProblemException.BadRequest($"#{tag}: unknown sensitivity '{request.Sensitivity}'; use one of {string.Join(", ", registry.Sensitivities.Keys)}.");
        }
        var keywords = (request.Keywords ?? []).Select(k => k.Trim()).Where(k => k.Length > 0).Distinct().ToArray();
        var expires = request.ExpiresAt is null ? (DateTimeOffset?)null : Iso8601.Parse(request.ExpiresAt, "expiresAt");
        var topic = string.IsNullOrWhiteSpace(request.Topic) ? null : request.Topic.Trim().ToLowerInvariant();
        if (topic is not null && !SensitiveTopicCheck.Topics(packs.Current).Contains(topic))
        {
            throw ProblemException.BadRequest($"#{tag}: unknown topic '{request.Topic}'; use one of {string.Join(", ", SensitiveTopicCheck.Topics(packs.Current))}.");
        }
        return new Trend(tag, request.Context.Trim(), sensitivity, keywords, expires, "api", topic);
    }

    private sealed class TrendRow
    {
        public string Tag { get; init; } = "";
        public string Context { get; init; } = "";
        public string Sensitivity { get; init; } = "";
        public string Keywords { get; init; } = "[]";
        public string? Topic { get; init; }
        public DateTimeOffset? ExpiresAt { get; init; }
        public string PushedBy { get; init; } = "";
    }
}

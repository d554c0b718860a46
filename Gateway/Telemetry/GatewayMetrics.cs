using System.Diagnostics;
using System.Diagnostics.Metrics;
using Gateway.Freeze;
using Gateway.Notifications;
using Gateway.Posts;
using Gateway.Rules;

namespace Gateway.Telemetry;

/// <summary>
/// The <c>CrisisGateway</c> meter: what an operator graphs and alerts on. Made by the host's meter factory, so each
/// host (and each test's gateway) has its own. The README lists every name as Prometheus shows it.
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "CrisisGateway";

    // The SDK's default buckets are made for milliseconds; these durations are in seconds.
    private static readonly InstrumentAdvice<double> Seconds = Buckets(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);

    private readonly Counter<long> _publishAttempts;
    private readonly Counter<long> _publishFailures;
    private readonly Histogram<double> _fireLateness;
    private readonly Counter<long> _checkRuns;
    private readonly Histogram<double> _checkDuration;
    private readonly Histogram<double> _linkCheckDuration;

    public GatewayMetrics(IMeterFactory meters, PostStore posts, FreezeStore freezes, NotificationBacklog backlog)
    {
        var meter = meters.Create(MeterName);
        _publishAttempts = meter.CreateCounter<long>("crisis_gateway.publish.attempts", "{attempt}",
            "Calls to a network or webhook to publish a post, retries included.");
        _publishFailures = meter.CreateCounter<long>("crisis_gateway.publish.failures", "{failure}",
            "Publish calls that failed, by kind (transient, uncertain, rate_limited, unauthorized, rejected).");
        _fireLateness = meter.CreateHistogram<double>("crisis_gateway.fire.lateness", "s",
            "How long after its scheduled time a post's trigger reached the fire-time gate.", null, Buckets(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300));
        _checkRuns = meter.CreateCounter<long>("crisis_gateway.checks.runs", "{run}",
            "Runs of the prevention checks over a post, at submit/edit/preview (submit) and at fire time (fire_time).");
        _checkDuration = meter.CreateHistogram<double>("crisis_gateway.checks.duration", "s", "How long one run of the checks took.", null, Seconds);
        _linkCheckDuration = meter.CreateHistogram<double>("crisis_gateway.link_check.duration", "s",
            "How long one request of the link check (HEAD or GET of a link in a post) took.", null, Seconds);
        // Read from the database at collection time, where every node of a cluster sees the same numbers. The meter's
        // callbacks are synchronous, hence the waits; a collection is a scrape every few seconds, not a hot path.
        meter.CreateObservableGauge("crisis_gateway.posts", () =>
            {
                var counts = posts.CountByStatusAsync().GetAwaiter().GetResult().ToDictionary(c => c.Status, c => c.Count);
                return Enum.GetValues<PostStatus>().Select(status => new Measurement<long>(counts.GetValueOrDefault(status),
                    new KeyValuePair<string, object?>("status", PostTransitions.Name(status))));
            },
            "{post}", "Posts by status (every status, 0 when none).");
        meter.CreateObservableGauge("crisis_gateway.freeze.active", () => freezes.GetAsync().GetAwaiter().GetResult().Freezes.Count > 0 ? 1 : 0,
            null, "1 while any freeze (the whole queue or an account) is in force, else 0.");
        meter.CreateObservableGauge("crisis_gateway.notifications.backlog", () => backlog.CountAsync().GetAwaiter().GetResult(),
            "{notification}", "Webhook notifications not yet delivered.");
    }

    /// <summary>Runs the checks as a span of the current trace, counted and timed.</summary>
    public async Task<IReadOnlyList<Finding>> RunChecksAsync(CheckPipeline checks, CheckInput input, CheckPhase phase, CancellationToken cancellationToken)
    {
        var phaseTag = new KeyValuePair<string, object?>("phase", phase == CheckPhase.FireTime ? "fire_time" : "submit");
        using var activity = GatewayTracing.Source.StartActivity("post.checks");
        activity?.SetTag("phase", phaseTag.Value);
        var started = Stopwatch.GetTimestamp();
        var findings = await checks.RunAsync(input, phase, cancellationToken);
        _checkRuns.Add(1, phaseTag);
        _checkDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, phaseTag);
        activity?.SetTag("findings", findings.Count);
        activity?.SetTag("worst", CheckPipeline.Worst(findings)?.ToString());
        return findings;
    }

    public void PublishAttempted(string network, string publisher) => _publishAttempts.Add(1, Network(network), Publisher(publisher));

    public void PublishFailed(string network, string publisher, string failure) =>
        _publishFailures.Add(1, Network(network), Publisher(publisher), new KeyValuePair<string, object?>("failure", failure));

    public void Fired(TimeSpan lateness) => _fireLateness.Record(Math.Max(0, lateness.TotalSeconds));

    public void LinkFetched(TimeSpan duration, string method, string outcome) => _linkCheckDuration.Record(duration.TotalSeconds,
        new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("outcome", outcome));

    private static InstrumentAdvice<double> Buckets(params double[] bounds) => new() { HistogramBucketBoundaries = bounds };

    private static KeyValuePair<string, object?> Network(string network) => new("network", network);

    private static KeyValuePair<string, object?> Publisher(string publisher) => new("publisher", publisher);
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Gateway.Rules.Links;
using Gateway.Telemetry;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Gateway.Tests;

/// <summary>Alone, so that no other test's gateway adds to the numbers while these read them.</summary>
[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public sealed class TelemetryCollection;

/// <summary>The <c>CrisisGateway</c> meter scraped at <c>/metrics</c>, and the trace of a post from submit to publish.</summary>
[Collection(nameof(TelemetryTests))]
public sealed partial class TelemetryTests
{
    // Every scrape answered afresh, so that one read right after an action sees it.
    private static readonly Dictionary<string, string?> Fresh = new() { ["Gateway:Telemetry:ScrapeCache"] = "00:00:00" };

    [Fact]
    public async Task A_submit_and_its_publish_move_the_series_an_operator_graphs()
    {
        using var gateway = new TestGateway(settings: Fresh);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme", publisher: new { type = "outbox" });
        using var anonymous = gateway.CreateClient();
        var before = await ScrapeAsync(anonymous);
        // A fresh gateway reports its gauges before anything happened.
        foreach (var gauge in new[] { "crisis_gateway_posts", "crisis_gateway_freeze_active", "crisis_gateway_notifications_backlog" })
        {
            Assert.True(before.Has(gauge), $"no {gauge} in the first scrape");
        }
        Assert.Equal(0, before.Value("crisis_gateway_freeze_active"));
        Assert.Equal(0, before.Value("crisis_gateway_notifications_backlog"));
        Assert.Equal(0, before.Value("crisis_gateway_posts", ("status", "published")));

        var id = (await admin.SubmitAsync("acme", "Our autumn opening hours", DateTimeOffset.UtcNow.AddSeconds(2))).GetProperty("id").GetString()!;
        Assert.Equal(1, (await ScrapeAsync(anonymous)).Value("crisis_gateway_posts", ("status", "scheduled")) - before.Value("crisis_gateway_posts", ("status", "scheduled")));
        await admin.WaitForStatusAsync(id, "published");

        var after = await ScrapeAsync(anonymous);
        foreach (var series in new[] { "crisis_gateway_publish_attempts_total", "crisis_gateway_checks_runs_total", "crisis_gateway_fire_lateness_seconds_count" })
        {
            Assert.True(after.Has(series), $"no {series} after a publish");
        }
        Assert.Equal(1, after.Value("crisis_gateway_posts", ("status", "published")));
        Assert.Equal(0, after.Value("crisis_gateway_posts", ("status", "scheduled")));
        Assert.Equal(1, after.Delta(before, "crisis_gateway_publish_attempts_total", ("network", "x"), ("publisher", "outbox")));
        Assert.Equal(0, after.Delta(before, "crisis_gateway_publish_failures_total"));
        Assert.Equal(1, after.Delta(before, "crisis_gateway_checks_runs_total", ("phase", "submit")));
        Assert.Equal(1, after.Delta(before, "crisis_gateway_checks_runs_total", ("phase", "fire_time")));
        Assert.Equal(1, after.Delta(before, "crisis_gateway_checks_duration_seconds_count", ("phase", "submit")));
        Assert.True(after.Value("crisis_gateway_checks_duration_seconds_sum", ("phase", "submit")) > 0);
        Assert.Equal(1, after.Delta(before, "crisis_gateway_fire_lateness_seconds_count"));
        Assert.True(after.Value("crisis_gateway_fire_lateness_seconds_bucket", ("le", "+Inf")) >= 1);

        Assert.Equal(HttpStatusCode.OK, (await admin.FreezeAsync()).StatusCode);
        Assert.Equal(1, (await ScrapeAsync(anonymous)).Value("crisis_gateway_freeze_active"));
        await admin.UnfreezeAsync();
        Assert.Equal(0, (await ScrapeAsync(anonymous)).Value("crisis_gateway_freeze_active"));
    }

    [Fact]
    public async Task The_gauges_read_postgres_too()
    {
        using var gateway = new TestGateway(settings: Fresh, engine: Engine.Postgres);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme", publisher: new { type = "outbox" });
        await admin.SubmitAsync("acme", "Our autumn opening hours", DateTimeOffset.UtcNow.AddDays(1));
        using var anonymous = gateway.CreateClient();
        var scrape = await ScrapeAsync(anonymous);
        Assert.Equal((1, 0, 0), (scrape.Value("crisis_gateway_posts", ("status", "scheduled")), scrape.Value("crisis_gateway_freeze_active"),
            scrape.Value("crisis_gateway_notifications_backlog")));
        Assert.True(scrape.Has("crisis_gateway_notifications_backlog"));
    }

    [Fact]
    public async Task A_failed_publish_counts_as_an_attempt_and_a_failure_of_its_network()
    {
        using var gateway = new TestGateway(settings: new(Fresh) { ["Gateway:Publishing:MaxAttempts"] = "1" });
        var admin = await gateway.SignInAsync("root", "admin");
        // A webhook nobody listens on: the connection is refused, so the post certainly did not arrive.
        await admin.CreateAccountAsync("acme", network: "mastodon", publisher: new { type = "webhook", url = "http://127.0.0.1:9/hook" });
        using var anonymous = gateway.CreateClient();
        var before = await ScrapeAsync(anonymous);
        var id = (await admin.SubmitAsync("acme", "Our autumn opening hours", DateTimeOffset.UtcNow.AddSeconds(2))).GetProperty("id").GetString()!;
        await admin.WaitForStatusAsync(id, "failed", "held");

        var after = await ScrapeAsync(anonymous);
        Assert.Equal(1, after.Delta(before, "crisis_gateway_publish_attempts_total", ("network", "mastodon"), ("publisher", "webhook")));
        Assert.Equal(1, after.Delta(before, "crisis_gateway_publish_failures_total", ("network", "mastodon"), ("publisher", "webhook")));
    }

    [Fact]
    public async Task Metrics_can_be_switched_off()
    {
        using var gateway = new TestGateway(settings: new() { ["Gateway:Telemetry:Prometheus"] = "false" });
        using var anonymous = gateway.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.NotEqual(HttpStatusCode.OK, (await anonymous.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task One_trace_runs_from_the_submit_through_the_checks_to_the_publish()
    {
        var spans = new System.Collections.Concurrent.ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GatewayTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        using var gateway = new TestGateway();
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme", publisher: new { type = "outbox" });
        var id = (await admin.SubmitAsync("acme", "Our autumn opening hours", DateTimeOffset.UtcNow.AddSeconds(2))).GetProperty("id").GetString()!;
        await admin.WaitForStatusAsync(id, "published");

        var submit = spans.Single(s => s.OperationName == "post.submit" && (string?)s.GetTagItem("post.id") == id);
        var publish = await Eventually.WaitForAsync(() => Task.FromResult(spans.SingleOrDefault(s => s.OperationName == "post.publish" && (string?)s.GetTagItem("post.id") == id)),
            s => s is not null, "the publish span to end");
        Assert.Equal(submit.TraceId, publish!.TraceId);
        var checks = spans.Where(s => s.OperationName == "post.checks" && s.TraceId == submit.TraceId).ToArray();
        Assert.Contains(checks, c => c.ParentSpanId == submit.SpanId && (string?)c.GetTagItem("phase") == "submit");
        Assert.Contains(checks, c => c.ParentSpanId == publish.SpanId && (string?)c.GetTagItem("phase") == "fire_time");
    }

    [Fact]
    public async Task With_an_OTLP_endpoint_set_traces_and_metrics_are_pushed_to_it()
    {
        await using var collector = await OtlpCollector.StartAsync();
        using var gateway = new TestGateway(settings: new()
        {
            [TelemetrySetup.OtlpEndpointKey] = collector.Url,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
        });
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme", publisher: new { type = "outbox" });
        await admin.SubmitAsync("acme", "Our autumn opening hours", DateTimeOffset.UtcNow.AddDays(1));

        // OTLP/HTTP bodies are protobuf, whose strings are plain UTF-8: the span and series names can be found in them.
        await Eventually.WaitForAsync(() => Task.FromResult(collector.Received("/v1/traces")), b => b.Contains("post.submit"), "the submit span at the collector");
        await Eventually.WaitForAsync(() => Task.FromResult(collector.Received("/v1/metrics")), b => b.Contains("crisis_gateway.posts"), "the posts gauge at the collector");
    }

    /// <summary>An OTLP/HTTP receiver on loopback that keeps what it is sent, by path.</summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Path, string Body)> _posts = new();

        private OtlpCollector(WebApplication app) => _app = app;

        public string Url => _app.Urls.First();

        public string Received(string path) => string.Concat(_posts.Where(p => p.Path == path).Select(p => p.Body));

        public static async Task<OtlpCollector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var collector = new OtlpCollector(app);
            app.Run(async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                collector._posts.Enqueue((context.Request.Path.Value ?? "", System.Text.Encoding.UTF8.GetString(body.ToArray())));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
            });
            await app.StartAsync();
            return collector;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    [Fact]
    public async Task Each_link_check_request_is_timed_with_its_method_and_outcome()
    {
        using var gateway = new TestGateway();
        var metrics = gateway.Service<GatewayMetrics>();
        using var collector = new MetricCollector<double>(gateway.Service<System.Diagnostics.Metrics.IMeterFactory>(), GatewayMetrics.MeterName, "crisis_gateway.link_check.duration");
        var fetcher = new TimedUrlFetcher(new AnsweringFetcher(), metrics);
        await fetcher.FetchAsync(HttpMethod.Head, new Uri("https://example.org/ok"), false, CancellationToken.None);
        await fetcher.FetchAsync(HttpMethod.Get, new Uri("https://example.org/down"), false, CancellationToken.None);
        Assert.Equal([("HEAD", "2xx"), ("GET", "error")],
            collector.GetMeasurementSnapshot().Select(m => ((string)m.Tags["method"]!, (string)m.Tags["outcome"]!)));
        Assert.All(collector.GetMeasurementSnapshot(), m => Assert.True(m.Value >= 0));
    }

    private sealed class AnsweringFetcher : IUrlFetcher
    {
        public Task<FetchResponse> FetchAsync(HttpMethod method, Uri url, bool readBody, CancellationToken cancellationToken) =>
            Task.FromResult(url.AbsolutePath == "/ok" ? new FetchResponse(200) : FetchResponse.Failed(FetchError.ConnectionRefused, "refused"));
    }

    private static async Task<Scrape> ScrapeAsync(HttpClient client)
    {
        var response = await client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/metrics answered {response.StatusCode}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        return new Scrape(text);
    }

    /// <summary>The Prometheus text format, read line by line: <c>name{label="value",…} number</c>.</summary>
    private sealed partial class Scrape(string text)
    {
        private readonly (string Name, Dictionary<string, string> Labels, double Value)[] _samples = text.Split('\n')
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => Sample().Match(l))
            .Where(m => m.Success)
            .Select(m => (m.Groups[1].Value,
                Label().Matches(m.Groups[2].Value).ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value),
                double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)))
            .ToArray();

        /// <summary>The sum over the series of that name whose labels include these; 0 when there is none yet.</summary>
        public double Value(string name, params (string Label, string Value)[] labels) => _samples
            .Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Label) == l.Value))
            .Sum(s => s.Value);

        public bool Has(string name) => _samples.Any(s => s.Name == name);

        public double Delta(Scrape before, string name, params (string Label, string Value)[] labels) => Value(name, labels) - before.Value(name, labels);

        [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)")]
        private static partial Regex Sample();

        [GeneratedRegex("""(\w+)="((?:[^"\\]|\\.)*)" """, RegexOptions.IgnorePatternWhitespace)]
        private static partial Regex Label();
    }
}

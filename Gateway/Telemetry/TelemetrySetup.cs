using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gateway.Telemetry;

/// <summary><c>Gateway:Telemetry</c>: the Prometheus scrape endpoint. OTLP export follows the standard <c>OTEL_EXPORTER_OTLP_*</c> variables.</summary>
public sealed class TelemetryOptions
{
    /// <summary>Serve metrics in the Prometheus text format at <see cref="MetricsPath"/>, without a token.</summary>
    public bool Prometheus { get; set; } = true;

    public string MetricsPath { get; set; } = "/metrics";

    /// <summary>
    /// How long one scrape's answer is served again: the gauges read the database, and the endpoint needs no token,
    /// so a burst of scrapes costs one set of queries.
    /// </summary>
    public TimeSpan ScrapeCache { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// OpenTelemetry for the gateway's own meter and activity source, ASP.NET Core and outgoing HTTP: metrics scraped at
/// <c>/metrics</c>, and metrics and traces pushed over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class TelemetrySetup
{
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static void AddServices(IServiceCollection services, IConfiguration configuration, TelemetryOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<GatewayMetrics>();
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);
        if (!options.Prometheus && !otlp)
        {
            return;
        }
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("crisis-gateway"))
            .WithMetrics(m =>
            {
                m.AddMeter(GatewayMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (options.Prometheus)
                {
                    m.AddPrometheusExporter(p => p.ScrapeResponseCacheDurationMilliseconds = (int)options.ScrapeCache.TotalMilliseconds);
                }
            });
        if (otlp)
        {
            // Traces only go somewhere over OTLP, so without it no span is recorded at all.
            telemetry.WithTracing(t => t.AddSource(GatewayTracing.SourceName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation());
            telemetry.UseOtlpExporter();
        }
    }

    public static void Map(WebApplication app, TelemetryOptions options)
    {
        // The gauges exist from the start, not from the first post: a fresh node already reports its queue.
        _ = app.Services.GetRequiredService<GatewayMetrics>();
        if (options.Prometheus)
        {
            // GET only: a scrape is a read, and the endpoint list (and its tests) then know how to call it.
            app.MapPrometheusScrapingEndpoint(options.MetricsPath).WithMetadata(new HttpMethodMetadata([HttpMethods.Get])).AllowAnonymous();
        }
    }
}

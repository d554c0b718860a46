using System.Diagnostics;
using Gateway.Rules.Links;

namespace Gateway.Telemetry;

/// <summary>Times each request of the link check for <c>crisis_gateway.link_check.duration</c>.</summary>
public sealed class TimedUrlFetcher(IUrlFetcher inner, GatewayMetrics metrics) : IUrlFetcher
{
    public async Task<FetchResponse> FetchAsync(HttpMethod method, Uri url, bool readBody, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "cancelled";
        try
        {
            var response = await inner.FetchAsync(method, url, readBody, cancellationToken);
            outcome = response.Error == FetchError.None ? $"{response.Status / 100}xx" : "error";
            return response;
        }
        finally
        {
            metrics.LinkFetched(Stopwatch.GetElapsedTime(started), method.Method, outcome);
        }
    }
}

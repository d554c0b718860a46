using System.Diagnostics;

namespace Gateway.Telemetry;

/// <summary>
/// The <c>CrisisGateway</c> activity source. A post's trace runs from its submit (or last edit) through the checks to
/// its publish: the trigger carries the W3C <c>traceparent</c> it was scheduled under, and the publish continues it.
/// </summary>
public static class GatewayTracing
{
    public const string SourceName = "CrisisGateway";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>The current trace as a W3C <c>traceparent</c>, or null outside one.</summary>
    public static string? CurrentParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>Starts the publish span under the trace the post was scheduled in, if it was recorded.</summary>
    public static Activity? StartPublish(string postId, string? traceparent)
    {
        var parent = ActivityContext.TryParse(traceparent, null, out var context) ? context : default;
        var activity = Source.StartActivity("post.publish", ActivityKind.Consumer, parent);
        activity?.SetTag("post.id", postId);
        return activity;
    }
}

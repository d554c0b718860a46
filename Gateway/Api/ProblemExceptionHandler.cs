using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace Gateway.Api;

/// <summary>Turns refusals into RFC 7807 problem details; anything unexpected becomes a 500 without internals.</summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            ProblemException p => (p.Status, p.Title, p.Detail),
            BadHttpRequestException b => (b.StatusCode, "Invalid request", Describe(b)),
            // A fault of the gateway, not of the request; a bulk call may have been partly applied before it.
            _ => (StatusCodes.Status500InternalServerError, "Internal error",
                "The gateway failed to handle this request; the log has the details. Read the current state before retrying."),
        };
        if (status >= 500)
        {
            log.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        }
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>
    /// What was wrong with a request ASP.NET could not bind, in words for the person sending it (also the Mastodon
    /// proxy's): a missing body is named as such instead of by the handler's parameter type.
    /// </summary>
    public static string Describe(BadHttpRequestException e) => e switch
    {
        { InnerException: JsonException j } => Unreadable(j),
        _ when e.Message.StartsWith("Required parameter", StringComparison.Ordinal) && e.Message.EndsWith("from body.", StringComparison.Ordinal) =>
            "This request needs a JSON body (Content-Type: application/json); none was sent.",
        _ => e.Message,
    };

    /// <summary>Names the field by its JSON path (<c>$.trends[0].keywords</c> → <c>'keywords'</c>), so the person can find it.</summary>
    private static string Unreadable(JsonException e)
    {
        var field = e.Path is null ? null : LastProperty().Match(e.Path) is { Success: true } m ? m.Groups[1].Value : null;
        var at = e.Path is null or "$" ? "" : $" at {e.Path}";
        return field is null || e.Message.Contains($"'{field}'", StringComparison.Ordinal)
            ? $"The JSON body could not be read{at}: {e.Message}"
            : $"The JSON body could not be read{at}: '{field}' {e.Message}";
    }

    [GeneratedRegex(@"\.([^.\[\]]+)(\[\d+\])*$")]
    private static partial Regex LastProperty();
}

using Microsoft.AspNetCore.Diagnostics;

namespace Gateway.Api;

/// <summary>Turns refusals into RFC 7807 problem details; anything unexpected becomes a 500 without internals.</summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            ProblemException p => (p.Status, p.Title, p.Detail),
            BadHttpRequestException b => (b.StatusCode, "Invalid request",
                b.InnerException is System.Text.Json.JsonException j ? $"The JSON body could not be read: {j.Message}" : b.Message),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "The gateway failed to handle this request; nothing was changed by it. The log has the details."),
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
}

using System.Text.Json;
using Gateway.Api;
using Gateway.Publishing;
using Microsoft.AspNetCore.Diagnostics;

namespace Gateway.Proxy;

/// <summary>
/// Mastodon's error format on the proxy's routes: <c>{"error": "…"}</c> as <c>application/json</c>, for refusals,
/// bad input, unknown routes and the rate limit alike (clients read <c>error</c> as the message and fail on any other
/// content type). The gateway's own problem details never reach a Mastodon client.
/// </summary>
public static class MastodonErrors
{
    public const string InvalidToken = "The access token is invalid";

    public const string NotFound = "Record not found";

    /// <summary>The routes that speak Mastodon: its REST API and the OAuth endpoints a client calls itself (not the authorize page).</summary>
    public static bool IsProxyPath(PathString path) =>
        path.StartsWithSegments("/api/v1") || path.StartsWithSegments("/api/v2") || path.StartsWithSegments("/oauth/token") || path.StartsWithSegments("/oauth/revoke");

    public static IResult Result(int status, string error, object? details = null) =>
        Results.Json(details is null ? new Error(error) : new Error(error, details), JsonOptions, statusCode: status);

    public static Task WriteAsync(HttpContext context, int status, string error, object? details = null) => Result(status, error, details).ExecuteAsync(context);

    /// <summary>
    /// Catches what the proxy's handlers and the framework's binding throw, and answers a request no route took, in
    /// Mastodon's format. Runs after authorization, so a refusal there is the handler's own (<see cref="ProxyAuthentication"/>).
    /// </summary>
    public static void Use(WebApplication app) => app.Use(async (context, next) =>
    {
        if (!IsProxyPath(context.Request.Path))
        {
            await next();
            return;
        }
        if (context.Features.Get<IStatusCodePagesFeature>() is { } pages)
        {
            pages.Enabled = false; // an empty 405 or 404 must not become an HTML or problem body
        }
        if (context.GetEndpoint() is null)
        {
            await WriteAsync(context, StatusCodes.Status404NotFound,
                $"The gateway does not offer {context.Request.Method} {context.Request.Path} to Mastodon clients: the README lists what it speaks.");
            return;
        }
        try
        {
            await next();
            if (!context.Response.HasStarted && context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed)
            {
                await WriteAsync(context, StatusCodes.Status405MethodNotAllowed, $"{context.Request.Method} is not allowed on {context.Request.Path}.");
            }
        }
        catch (Exception e) when (!context.Response.HasStarted && Answer(e) is var (status, message, details))
        {
            if (status >= 500)
            {
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MastodonErrors))
                    .LogError(e, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            }
            context.Response.Clear();
            await WriteAsync(context, status, message, details);
        }
    });

    /// <summary>
    /// What an exception answers: a refusal keeps its status (a conflict is Mastodon's 422), unreadable input is 400,
    /// a network that failed is 502, anything else 500 without internals.
    /// </summary>
    private static (int Status, string Message, object? Details) Answer(Exception e) => e switch
    {
        MastodonRefusal r => (r.Status, r.Message, r.Details),
        ProblemException { Status: StatusCodes.Status409Conflict } p => (StatusCodes.Status422UnprocessableEntity, p.Detail, null),
        ProblemException p => (p.Status, p.Detail, null),
        BadHttpRequestException b => (b.StatusCode, ProblemExceptionHandler.Describe(b), null),
        JsonException j => (StatusCodes.Status400BadRequest, $"The JSON body could not be read: {j.Message}", null),
        PublishException p => (p.Status is { } s && (int)s is >= 400 and < 500 ? (int)s : StatusCodes.Status502BadGateway, p.Message, null),
        _ => (StatusCodes.Status500InternalServerError, "The gateway failed to handle this request; its log has the details.", null),
    };

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record Error(string error, object? details = null);
}

/// <summary>A refusal that already has Mastodon's status and words, and possibly details a client may show.</summary>
public sealed class MastodonRefusal(int status, string message, object? details = null) : Exception(message)
{
    public int Status { get; } = status;
    public object? Details { get; } = details;

    public static MastodonRefusal Unprocessable(string message, object? details = null) => new(StatusCodes.Status422UnprocessableEntity, message, details);
}

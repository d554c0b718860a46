using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Gateway.Api;

/// <summary><c>Gateway:RateLimits</c>: how many requests one caller gets in a window, on the API and on the sign-in form.</summary>
public sealed class RateLimitOptions
{
    /// <summary>API requests per window for one user (their token); unauthenticated API calls count per address.</summary>
    public int ApiPermits { get; set; } = 600;

    /// <summary>
    /// Sign-in attempts (posts of the form, good or bad) per window from one address. Tokens are 256 random bits, so
    /// guessing is hopeless anyway; this keeps the form from being a free oracle and the audit of failures readable.
    /// </summary>
    public int SignInPermits { get; set; } = 20;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The framework's rate limiter, per user on <c>/api</c> and per address on the sign-in form. Health, metrics and
/// the API documents are outside <c>/api</c>, so monitoring is never limited.
/// </summary>
public static class RateLimits
{
    public const string SignInPolicy = "sign-in";

    /// <summary>Set on a sign-in the limiter refused, for the page to say so in its own layout: the seconds to wait.</summary>
    private const string RefusedKey = "rate-limits.sign-in-refused";

    public static void AddServices(IServiceCollection services, RateLimitOptions options)
    {
        if (options.ApiPermits < 1 || options.SignInPermits < 1 || options.Window <= TimeSpan.Zero)
        {
            throw new ConfigurationProblem(
                "Gateway:RateLimits: ApiPermits and SignInPermits must be at least 1 and Window longer than zero " +
                $"(they are {options.ApiPermits}, {options.SignInPermits} and {options.Window}).");
        }
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Every /api endpoint, however it is mapped, so a new group cannot forget it.
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Request.Path.StartsWithSegments("/api") || Proxy.MastodonErrors.IsProxyPath(context.Request.Path)
                    ? Window(Caller(context), options.ApiPermits, options.Window)
                    : RateLimitPartition.GetNoLimiter(""));
            o.AddPolicy(SignInPolicy, context => HttpMethods.IsPost(context.Request.Method)
                ? Window(Address(context), options.SignInPermits, options.Window)
                : RateLimitPartition.GetNoLimiter(""));
            o.OnRejected = (rejected, ct) => RefuseAsync(rejected, options, ct);
        });
    }

    /// <summary>On a refused sign-in, the seconds until the next try; null when the request was not refused.</summary>
    public static int? SignInRefused(HttpContext context) => context.Items[RefusedKey] as int?;

    private static RateLimitPartition<string> Window(string key, int permits, TimeSpan window) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
        });

    /// <summary>The user behind the token; the token's owner is who the limit is for, not the address it came from.</summary>
    private static string Caller(HttpContext context) =>
        context.User.Identity is { IsAuthenticated: true, Name: { } name } ? "user:" + name : "address:" + Address(context);

    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask RefuseAsync(OnRejectedContext rejected, RateLimitOptions options, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? (int)Math.Ceiling(retryAfter.TotalSeconds)
            : (int)Math.Ceiling(options.Window.TotalSeconds);
        context.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == SignInPolicy && endpoint.RequestDelegate is { } page)
        {
            // The form answers in its own page, which sees the refusal and signs nobody in.
            context.Items[RefusedKey] = wait;
            await page(context);
            return;
        }
        if (Proxy.MastodonErrors.IsProxyPath(context.Request.Path))
        {
            await Proxy.MastodonErrors.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests");
            return;
        }
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"At most {options.ApiPermits} API requests per {Describe(options.Window)} for one token; try again in {wait} s.",
            },
        });
    }

    private static string Describe(TimeSpan window) =>
        window == TimeSpan.FromMinutes(1) ? "minute" : $"{window.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
}

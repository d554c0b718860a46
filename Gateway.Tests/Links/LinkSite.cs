using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Links;

/// <summary>
/// A real Kestrel server on 127.0.0.1 that plays the web a post links to: every case the link check must tell apart.
/// Reached as 127.0.0.1 and as localhost, which the check treats as two hosts.
/// </summary>
public sealed class LinkSite : IAsyncDisposable
{
    public const string ArticleHtml =
        "<html><head><title>Spring sale starts Monday</title></head><body><h1 id=\"intro\">Spring sale starts Monday</h1>" +
        "<a name=\"legacy\"></a><p>Twenty percent off garden furniture, bicycles and tents in every store until Easter.</p></body></html>";

    /// <summary>What the site shows for any address it does not know, with status 200 (a soft-404 site).</summary>
    public const string CatchAllHtml =
        "<html><head><title>Acme Outdoor</title></head><body><h1>Welcome to Acme Outdoor</h1>" +
        "<p>Browse our tents, bicycles and garden furniture. Free delivery over fifty euros.</p></body></html>";

    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _inFlight;
    private readonly ConcurrentDictionary<string, int> _inFlightByHost = new();

    public sealed record Hit(string Method, string Host, string PathAndQuery, TimeSpan At, string UserAgent);

    private LinkSite(WebApplication app) => _app = app;

    public ConcurrentQueue<Hit> Hits { get; } = new();

    public int Port => new Uri(_app.Urls.First()).Port;

    /// <summary>http://127.0.0.1:port</summary>
    public string Origin => $"http://127.0.0.1:{Port}";

    /// <summary>http://localhost:port, a second host on the same server.</summary>
    public string OtherOrigin => $"http://localhost:{Port}";

    /// <summary>What <c>/promo</c> answers: a page that can die between approval and publishing.</summary>
    public int PromoStatus { get; set; } = 200;

    public int MaxInFlight { get; private set; }
    public ConcurrentDictionary<string, int> MaxInFlightByHost { get; } = new();

    public IReadOnlyList<Hit> HitsOn(string path) => Hits.Where(h => h.PathAndQuery == path).ToArray();

    public static async Task<LinkSite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(1));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var site = new LinkSite(app);
        app.Run(site.AnswerAsync);
        await app.StartAsync();
        return site;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        var host = request.Host.Host;
        var path = request.Path.Value + request.QueryString.Value;
        Hits.Enqueue(new Hit(request.Method, host, path, _clock.Elapsed, request.Headers.UserAgent.ToString()));
        var same = Hits.Count(h => h.PathAndQuery == path); // 1 for the first request to this address
        var response = context.Response;
        var aborted = context.RequestAborted;
        Enter(host);
        try
        {
            switch (request.Path.Value)
            {
                case "/article":
                    await Html(response, ArticleHtml);
                    return;
                case "/promo":
                    response.StatusCode = PromoStatus;
                    await Html(response, ArticleHtml);
                    return;
                case "/photo.png":
                    response.ContentType = "image/png";
                    await response.Body.WriteAsync(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, aborted);
                    return;
                case "/gone-404":
                    response.StatusCode = 404;
                    return;
                case "/gone-410":
                    response.StatusCode = 410;
                    return;
                case "/sale-ended":
                    await Html(response, "<html><head><title>Seite nicht gefunden – Acme</title></head><body><p>Leider.</p></body></html>");
                    return;
                case "/chain/1":
                    Redirect(response, 301, "/chain/2");
                    return;
                case "/chain/2":
                    Redirect(response, 302, "/article");
                    return;
                case "/loop/a":
                    Redirect(response, 302, "/loop/b");
                    return;
                case "/loop/b":
                    Redirect(response, 302, "/loop/a");
                    return;
                case "/endless":
                    Redirect(response, 302, $"/endless?n={int.Parse(request.Query["n"].FirstOrDefault() ?? "0") + 1}");
                    return;
                case "/elsewhere":
                    Redirect(response, 302, $"http://localhost:{Port}/article");
                    return;
                case "/to-loopback":
                    Redirect(response, 302, $"http://127.0.0.1:{Port}/article");
                    return;
                case "/to-internal-name":
                    Redirect(response, 302, $"http://internal.test:{Port}/article");
                    return;
                case "/to-file":
                    Redirect(response, 302, "file:///etc/passwd");
                    return;
                case "/slow":
                    await Task.Delay(TimeSpan.FromSeconds(5), aborted);
                    await Html(response, ArticleHtml);
                    return;
                case "/busy-once":
                    if (same == 1)
                    {
                        response.StatusCode = 429;
                        response.Headers.RetryAfter = "1";
                        return;
                    }
                    await Html(response, ArticleHtml);
                    return;
                case "/busy":
                    response.StatusCode = 429;
                    response.Headers.RetryAfter = "1";
                    return;
                case "/busy-long":
                    response.StatusCode = 503;
                    response.Headers.RetryAfter = "3600";
                    return;
                case "/error-500":
                    response.StatusCode = 500;
                    return;
                case "/members":
                    response.StatusCode = 403;
                    return;
                case "/in/someone":
                    response.StatusCode = 999;
                    return;
                case "/no-head":
                    if (HttpMethods.IsHead(request.Method))
                    {
                        response.StatusCode = 405;
                        return;
                    }
                    await Html(response, ArticleHtml);
                    return;
                case "/gate":
                    // Holds each request until four are in flight (or half a second passes), to show what runs at once.
                    for (var waited = 0; waited < 50 && Volatile.Read(ref _inFlight) < 4; waited++)
                    {
                        await Task.Delay(10, aborted);
                    }
                    await Html(response, ArticleHtml);
                    return;
                default:
                    await Html(response, CatchAllHtml);
                    return;
            }
        }
        finally
        {
            Leave(host);
        }
    }

    private void Enter(string host)
    {
        lock (_inFlightByHost)
        {
            _inFlight++;
            MaxInFlight = Math.Max(MaxInFlight, _inFlight);
            var now = _inFlightByHost.AddOrUpdate(host, 1, (_, n) => n + 1);
            MaxInFlightByHost.AddOrUpdate(host, now, (_, n) => Math.Max(n, now));
        }
    }

    private void Leave(string host)
    {
        lock (_inFlightByHost)
        {
            _inFlight--;
            _inFlightByHost.AddOrUpdate(host, 0, (_, n) => n - 1);
        }
    }

    private static void Redirect(HttpResponse response, int status, string location)
    {
        response.StatusCode = status;
        response.Headers.Location = location;
    }

    private static async Task Html(HttpResponse response, string html)
    {
        response.ContentType = "text/html; charset=utf-8";
        await response.WriteAsync(html);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

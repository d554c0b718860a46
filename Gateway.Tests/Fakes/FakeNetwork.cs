using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Fakes;

/// <summary>How a fake network misbehaves on the next post it is sent (one trouble per post, in order).</summary>
public enum Trouble
{
    /// <summary>Creates the post, then drops the connection without answering (<c>context.Abort()</c>).</summary>
    DropAfterCreate,

    /// <summary>
    /// Creates the post, then closes the connection cleanly (FIN) without a byte of answer: what a server or proxy
    /// closing an idle keep-alive connection looks like, and the case in which SocketsHttpHandler sends a request
    /// again on a new connection if it may.
    /// </summary>
    CloseAfterCreate,

    /// <summary>Creates the post, then never answers (until <see cref="FakeNetwork.ReleaseHangs"/>, then drops).</summary>
    HangAfterCreate,

    /// <summary>Creates the post, then answers 503, as a proxy in front of a server that carried on.</summary>
    ServerErrorAfterCreate,

    /// <summary>429 with the network's own rate-limit answer; nothing created.</summary>
    RateLimited,

    /// <summary>401 with the network's body for a revoked token; nothing created.</summary>
    Revoked,

    /// <summary>The network's validation refusal of the post; nothing created.</summary>
    Invalid,

    /// <summary>Never answers and creates nothing (until <see cref="FakeNetwork.ReleaseHangs"/>, then drops).</summary>
    HangBeforeCreate,
}

/// <summary>A created post as the fake network keeps it, with the connection it came on.</summary>
public sealed record FakePost(string Id, string Author, string Text, string Connection);

/// <summary>
/// The parts every fake network shares: a real Kestrel server on 127.0.0.1:0, the posts it created, the troubles it
/// was told to have, and its OAuth server.
/// </summary>
public abstract class FakeNetwork : IAsyncDisposable
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    protected FakeNetwork(FakeOAuth oauth) => OAuth = oauth;

    public FakeOAuth OAuth { get; }

    public string Url => _app!.Urls.First();

    public ConcurrentQueue<FakePost> Posts { get; } = new();

    public ConcurrentQueue<Trouble> Troubles { get; } = new();

    /// <summary>Every request's method and path, in order, with its connection.</summary>
    public ConcurrentQueue<(string Request, string Connection)> Requests { get; } = new();

    /// <summary>Set when a post hangs, for tests that act while the gateway waits.</summary>
    public TaskCompletionSource Hanging { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How far ahead a 429's reset lies.</summary>
    public TimeSpan RateLimitReset { get; set; } = TimeSpan.FromSeconds(2);

    public void ReleaseHangs() => _release.TrySetResult();

    protected async Task ListenAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            Requests.Enqueue(($"{context.Request.Method} {context.Request.Path}", context.Connection.Id));
            await next(context);
        });
        Map(app);
        await app.StartAsync();
        _app = app;
    }

    protected abstract void Map(WebApplication app);

    protected Trouble? NextTrouble() => Troubles.TryDequeue(out var trouble) ? trouble : null;

    /// <summary>The trouble that strikes before the post exists (<see cref="Trouble.HangBeforeCreate"/>); false when the caller should go on.</summary>
    protected async Task<bool> BeforeCreateAsync(Trouble? trouble, HttpContext context)
    {
        if (trouble != Trouble.HangBeforeCreate)
        {
            return false;
        }
        Hanging.TrySetResult();
        await Task.WhenAny(_release.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
        context.Abort();
        return true;
    }

    /// <summary>The troubles that strike after the post exists; false when the caller should answer normally.</summary>
    protected async Task<bool> AfterCreateAsync(Trouble? trouble, HttpContext context, object serverError)
    {
        switch (trouble)
        {
            case Trouble.DropAfterCreate:
                context.Abort();
                return true;
            case Trouble.CloseAfterCreate:
                var socket = context.Features.Get<IConnectionSocketFeature>()?.Socket
                    ?? throw new InvalidOperationException("Kestrel's socket transport exposes the socket");
                socket.Shutdown(SocketShutdown.Send);
                // Nothing more may go out (Kestrel would try to answer): wait until the client has closed its side.
                await Task.WhenAny(Task.Delay(Timeout.Infinite, context.RequestAborted), Task.Delay(TimeSpan.FromSeconds(30)));
                context.Abort();
                return true;
            case Trouble.HangAfterCreate:
                Hanging.TrySetResult();
                await Task.WhenAny(_release.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
                context.Abort();
                return true;
            case Trouble.ServerErrorAfterCreate:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsJsonAsync(serverError);
                return true;
            default:
                return false;
        }
    }

    protected static async Task<System.Text.Json.JsonElement?> ReadJsonAsync(HttpRequest request)
    {
        try
        {
            using var document = await System.Text.Json.JsonDocument.ParseAsync(request.Body);
            return document.RootElement.Clone();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseHangs();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

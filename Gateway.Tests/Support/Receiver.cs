using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Support;

/// <summary>A real HTTP server on loopback that plays a social network's webhook, answering as the test says.</summary>
public sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    public sealed record Call(string Body, string? IdempotencyKey);

    private Receiver(WebApplication app) => _app = app;

    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>Decides the answer to the n-th call (1-based).</summary>
    public Func<int, Task<int>> Answer { get; set; } = _ => Task.FromResult(200);

    public string Url => _app.Urls.First() + "/hook";

    public static async Task<Receiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new Receiver(app);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            receiver.Calls.Enqueue(new Call(await reader.ReadToEndAsync(), context.Request.Headers["Idempotency-Key"]));
            context.Response.StatusCode = await receiver.Answer(receiver.Calls.Count);
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

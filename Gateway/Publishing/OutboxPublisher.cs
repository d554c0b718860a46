using System.Text.Json;
using Gateway.Accounts;
using Gateway.Posts;

namespace Gateway.Publishing;

/// <summary>The embedded default: appends one JSON line per published post to <c>&lt;DataDir&gt;/outbox.jsonl</c>.</summary>
public sealed class OutboxPublisher(GatewayOptions options) : IPublisher
{
    private readonly SemaphoreSlim _file = new(1, 1);

    public string Type => PublisherSettings.Outbox;

    public string Path => System.IO.Path.Combine(options.DataDir, "outbox.jsonl");

    public async Task<string> PublishAsync(Post post, Account account, DateTimeOffset publishedAt, CancellationToken cancellationToken)
    {
        var line = JsonSerializer.Serialize(new { id = post.Id, account = account.Id, body = post.Body, publishedAt }, JsonDefaults.Options);
        await _file.WaitAsync(cancellationToken);
        try
        {
            // The last moment a freeze can still stop this post.
            cancellationToken.ThrowIfCancellationRequested();
            await File.AppendAllTextAsync(Path, line + "\n", CancellationToken.None);
        }
        finally
        {
            _file.Release();
        }
        return $"outbox:{post.Id}";
    }
}

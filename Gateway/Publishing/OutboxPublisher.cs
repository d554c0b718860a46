using System.Text.Json;
using Gateway.Accounts;
using Gateway.Posts;

namespace Gateway.Publishing;

/// <summary>The embedded default: appends one JSON line per published post to <c>&lt;DataDir&gt;/outbox.jsonl</c>.</summary>
public sealed class OutboxPublisher(GatewayOptions options) : IPublisher, IPublishLookup
{
    private readonly SemaphoreSlim _file = new(1, 1);

    public string Type => PublisherSettings.Outbox;

    public string Path => System.IO.Path.Combine(options.DataDir, "outbox.jsonl");

    // It never fails in a way that leaves the append in doubt, so there is nothing to send twice.
    public bool Deduplicates => false;

    // An append the freeze stopped is stopped: nothing finishes it later.
    public bool MayStillArrive => false;

    public async Task<Delivery> PublishAsync(Post post, Account account, DateTimeOffset publishedAt, CancellationToken cancellationToken)
    {
        var line = JsonSerializer.Serialize(new { id = post.Id, account = account.Id, body = post.Body, publishedAt }, JsonDefaults.Options);
        await _file.WaitAsync(cancellationToken);
        try
        {
            // The last moment a freeze can still stop this post.
            cancellationToken.ThrowIfCancellationRequested();
            await AppendAsync(line);
        }
        finally
        {
            _file.Release();
        }
        return new Delivery(Reference(post));
    }

    public async Task<Delivery?> FindAsync(Post post, Account account, CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return null;
        }
        await _file.WaitAsync(cancellationToken);
        try
        {
            foreach (var line in await File.ReadAllLinesAsync(Path, cancellationToken))
            {
                if (Line(line) is { } entry && entry.Id == post.Id)
                {
                    return new Delivery(Reference(post), At: entry.PublishedAt);
                }
            }
            return null;
        }
        finally
        {
            _file.Release();
        }
    }

    // A line cut short by a crash must not swallow the next one: start on a fresh line when the last ends mid-way.
    private async Task AppendAsync(string line)
    {
        await using var file = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var text = line + "\n";
        if (file.Length > 0)
        {
            file.Seek(-1, SeekOrigin.End);
            if (file.ReadByte() != '\n')
            {
                text = "\n" + text;
            }
        }
        file.Seek(0, SeekOrigin.End);
        await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), CancellationToken.None);
    }

    private static string Reference(Post post) => $"outbox:{post.Id}";

    // A line cut short by a crash mid-write was never a complete post.
    private static Entry? Line(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<Entry>(line, JsonDefaults.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Entry(string? Id, DateTimeOffset? PublishedAt);
}

using System.Net.Http.Json;
using Dapper;
using Gateway.Storage;

namespace Gateway.Notifications;

/// <summary>
/// Delivers the outbox: each (notification, webhook) pair until it succeeds, backing off while a receiver is
/// down. A delivery is marked done only after the receiver accepted it, so it is retried rather than lost; the
/// <c>Idempotency-Key</c> header lets a receiver drop the rare duplicate a crash between the two could cause.
/// </summary>
public sealed class NotificationDispatcher(
    Database database,
    NotificationOptions options,
    IHttpClientFactory clients,
    TimeProvider time,
    ILogger<NotificationDispatcher> log) : BackgroundService
{
    public const string ClientName = "notifications";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Webhooks.Count == 0)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await DeliverDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Delivering notifications failed; trying again shortly");
            }
            await Task.Delay(options.PollInterval, time, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    private async Task DeliverDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var due = await connection.QueryAsync<Due>(new CommandDefinition(
            $"""
            SELECT d.notification_id AS Id, d.webhook AS Webhook, d.attempts AS Attempts, d.next_attempt_at AS NextAttemptAt,
                   n.event AS Event, n.post_id AS PostId, n.account_id AS Account, n.text AS Text, n.created_at AS CreatedAt
            FROM deliveries d JOIN notifications n ON n.id = d.notification_id
            WHERE d.delivered_at IS NULL AND {database.Dialect.AnyOf("d.webhook", "names")}
            ORDER BY d.notification_id
            LIMIT 200
            """, new { names = options.Webhooks.Select(w => w.Name).ToArray() }, cancellationToken: cancellationToken));
        // Each receiver gets its notifications in order: one that waits for a retry holds back the later ones.
        var waiting = new HashSet<string>();
        foreach (var delivery in due)
        {
            var target = options.Webhooks.First(w => w.Name == delivery.Webhook);
            if (waiting.Contains(delivery.Webhook))
            {
                continue;
            }
            if (delivery.NextAttemptAt > time.GetUtcNow())
            {
                waiting.Add(delivery.Webhook);
                continue;
            }
            var error = await SendAsync(target, delivery, cancellationToken);
            if (error is null)
            {
                await connection.ExecuteAsync(
                    "UPDATE deliveries SET delivered_at = @now, attempts = attempts + 1, last_error = NULL WHERE notification_id = @Id AND webhook = @Webhook",
                    new { now = time.GetUtcNow(), delivery.Id, delivery.Webhook });
                continue;
            }
            waiting.Add(delivery.Webhook);
            var delay = TimeSpan.FromTicks(Math.Min(options.MaxRetryDelay.Ticks, options.RetryDelay.Ticks * (1L << Math.Min(delivery.Attempts, 20))));
            await connection.ExecuteAsync(
                "UPDATE deliveries SET attempts = attempts + 1, last_error = @error, next_attempt_at = @next WHERE notification_id = @Id AND webhook = @Webhook",
                new { error, next = time.GetUtcNow() + delay, delivery.Id, delivery.Webhook });
            log.LogWarning("Webhook {Webhook} is not taking notifications ({Error}); next try in {Delay}", delivery.Webhook, error, delay);
        }
    }

    private async Task<string?> SendAsync(WebhookTarget target, Due delivery, CancellationToken cancellationToken)
    {
        object payload = target.Format == "json"
            ? new { id = delivery.Id, @event = delivery.Event, postId = delivery.PostId, account = delivery.Account, text = delivery.Text, createdAt = delivery.CreatedAt }
            : new { text = SlackEscape($"[CrisisGateway] {delivery.Text}") };
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = JsonContent.Create(payload, options: JsonDefaults.Options) };
        request.Headers.Add("Idempotency-Key", $"notification-{delivery.Id}");
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"answered {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return e.Message;
        }
    }

    /// <summary>Slack and Mattermost read &lt;…&gt; as links and mentions; user text must not be able to ping @channel.</summary>
    private static string SlackEscape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private sealed class Due
    {
        public long Id { get; init; }
        public string Webhook { get; init; } = "";
        public int Attempts { get; init; }
        public DateTimeOffset NextAttemptAt { get; init; }
        public string Event { get; init; } = "";
        public string? PostId { get; init; }
        public string? Account { get; init; }
        public string Text { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
    }
}

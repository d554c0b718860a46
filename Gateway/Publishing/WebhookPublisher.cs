using System.Net.Http.Json;
using Gateway.Accounts;
using Gateway.Posts;

namespace Gateway.Publishing;

/// <summary>
/// POSTs the post as JSON to the account's URL. The <c>Idempotency-Key</c> header is the post id, so a receiver
/// can drop the duplicate that a retry after a lost answer would otherwise create.
/// </summary>
public sealed class WebhookPublisher(IHttpClientFactory clients, TimeProvider time) : IPublisher
{
    public string Type => PublisherSettings.Webhook;

    // The receiver's contract (README): it drops a repeated Idempotency-Key.
    public bool Deduplicates => true;

    public async Task<Delivery> PublishAsync(Post post, Account account, DateTimeOffset publishedAt, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, account.Publisher.Url)
        {
            Content = JsonContent.Create(new
            {
                id = post.Id,
                account = account.Id,
                network = account.Network,
                body = post.Body,
                scheduledAt = post.ScheduledAt,
                publishedAt,
            }, options: JsonDefaults.Options),
        };
        request.Headers.Add("Idempotency-Key", post.Id);
        using var response = await NetworkCall.SendAsync(clients.CreateClient(NetworkCall.ClientName), request, "The webhook", time, cancellationToken);
        var location = response.Headers.Location?.ToString();
        return new Delivery(location ?? $"webhook:{(int)response.StatusCode}", location);
    }
}

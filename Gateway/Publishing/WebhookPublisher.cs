using System.Net;
using System.Net.Http.Json;
using Gateway.Accounts;
using Gateway.Posts;
using Gateway.Rules.Net;

namespace Gateway.Publishing;

/// <summary>
/// POSTs the post as JSON to the account's URL. The <c>Idempotency-Key</c> header is the post id, so a receiver
/// can drop the duplicate that a retry after a lost answer would otherwise create.
/// </summary>
public sealed class WebhookPublisher(IHttpClientFactory clients) : IPublisher
{
    public const string ClientName = "webhook-publisher";

    public string Type => PublisherSettings.Webhook;

    public async Task<string> PublishAsync(Post post, Account account, DateTimeOffset publishedAt, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ClientName);
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
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e) when (AddressGuard.RefusalIn(e) is { } refusal)
        {
            throw new PublishException(refusal.Message, transient: false, e);
        }
        catch (HttpRequestException e)
        {
            throw new PublishException($"The webhook could not be reached: {e.Message}", transient: true, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PublishException("The webhook did not answer in time.", transient: true, e);
        }
        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return response.Headers.Location?.ToString() ?? $"webhook:{(int)response.StatusCode}";
            }
            var status = (int)response.StatusCode;
            var transient = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            throw new PublishException($"The webhook answered {status} {response.ReasonPhrase}.", transient);
        }
    }
}

using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Accounts;
using Gateway.Posts;
using Gateway.Rules.Text;

namespace Gateway.Publishing.Bluesky;

/// <summary>
/// Posts to Bluesky as an <c>app.bsky.feed.post</c> record in the account's repository
/// (<c>com.atproto.repo.createRecord</c>), under a record key derived from the post (<see cref="BlueskyRecordKey"/>).
/// The PDS keeps one record per key, so a send that may have arrived is tried again safely, and whether it arrived
/// is asked with <c>com.atproto.repo.getRecord</c> under the same key.
/// </summary>
/// <remarks>Hand-written XRPC over the shared <see cref="NetworkCall"/>: there is no atproto client for .NET on the feed.</remarks>
/// <remarks>
/// Images go up first with <c>com.atproto.repo.uploadBlob</c> (the bytes, their type as Content-Type) and into the
/// record as <c>app.bsky.embed.images</c>, each with its alt text and aspect ratio. A blob is named by its content
/// (its CID), so an upload repeated on a retry is the same blob.
/// </remarks>
public sealed class BlueskyPublisher(BlueskySession sessions, PostImages images, TimeProvider time) : IPublisher, IPublishLookup, IConnectionCheck
{
    public const string ImagesEmbed = "app.bsky.embed.images";

    public const string Collection = "app.bsky.feed.post";

    // app.bsky.feed.post's text: maxGraphemes 300, maxLength 3000 (UTF-8 bytes).
    private const int MaxGraphemes = 300;
    private const int MaxBytes = 3000;

    public string Type => PublisherSettings.Bluesky;

    public bool Deduplicates => true;

    public async Task<Delivery> PublishAsync(Post post, Account account, DateTimeOffset publishedAt, CancellationToken cancellationToken)
    {
        var text = PlainText.Render(post.Body).Text;
        var graphemes = new StringInfo(text).LengthInTextElements;
        if (graphemes > MaxGraphemes || Encoding.UTF8.GetByteCount(text) > MaxBytes)
        {
            throw new PublishException($"{BlueskySession.Network(account)} takes at most {MaxGraphemes} characters and {MaxBytes} bytes of text; " +
                $"this post has {graphemes} characters ({Encoding.UTF8.GetByteCount(text)} bytes) as sent. Shorten it.", PublishFailure.Rejected);
        }
        // The session first: a refused app password fails the post before handles are looked up.
        var session = await sessions.CurrentAsync(account, cancellationToken);
        var facets = await BlueskyFacets.FindAsync(text, (handle, ct) => ResolveAsync(account, handle, ct), cancellationToken);
        var rkey = BlueskyRecordKey.For(post);
        var record = new JsonObject
        {
            ["$type"] = Collection,
            ["text"] = text,
            ["createdAt"] = publishedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["langs"] = new JsonArray(account.Language),
        };
        if (facets.Count > 0)
        {
            record["facets"] = new JsonArray([.. facets.Select(f => f.ToLexicon())]);
        }
        var embedded = new JsonArray();
        foreach (var image in await images.LoadAsync(post, cancellationToken))
        {
            var blob = await PostImages.UploadAsync(() => UploadBlobAsync(image, account, cancellationToken));
            embedded.Add(new JsonObject
            {
                ["alt"] = image.Media.Alt ?? "", // the lexicon requires alt; empty is how it says "none"
                ["image"] = blob,
                ["aspectRatio"] = new JsonObject { ["width"] = image.Item.Width, ["height"] = image.Item.Height },
            });
        }
        if (embedded.Count > 0)
        {
            record["embed"] = new JsonObject { ["$type"] = ImagesEmbed, ["images"] = embedded };
        }
        // The last moment a freeze can still stop this post.
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            using var response = await sessions.SendAsync(account, s => new HttpRequestMessage(HttpMethod.Post, BlueskySession.Xrpc(account, "com.atproto.repo.createRecord"))
            {
                Content = JsonContent.Create(new JsonObject { ["repo"] = s.Subject, ["collection"] = Collection, ["rkey"] = rkey, ["record"] = record.DeepClone() }),
            }, cancellationToken);
            var created = await response.Content.ReadFromJsonAsync<Created>(cancellationToken);
            return Delivery(account, created?.Uri ?? AtUri(session.Subject!, rkey), rkey);
        }
        catch (PublishException e) when (e.Failure == PublishFailure.Uncertain)
        {
            // A lost answer, or an earlier try that did arrive: the PDS refuses a second record under the key with a
            // bare 500. Either way the key says whether the post is there; if it cannot say, the caller decides.
            if (await ThereAsync(post, account, cancellationToken) is { } there)
            {
                return there;
            }
            throw;
        }
    }

    /// <summary>Uploads one image's bytes; answers the blob reference the record embeds.</summary>
    private async Task<JsonNode> UploadBlobAsync(PostImage image, Account account, CancellationToken cancellationToken)
    {
        using var response = await sessions.SendAsync(account, _ =>
        {
            var content = new ByteArrayContent(image.Bytes);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(image.Item.Type);
            return new HttpRequestMessage(HttpMethod.Post, BlueskySession.Xrpc(account, "com.atproto.repo.uploadBlob")) { Content = content };
        }, cancellationToken);
        try
        {
            var answer = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
            return answer?["blob"] is JsonObject blob && blob["ref"] is JsonObject
                ? blob.DeepClone()
                : throw new JsonException("no blob in the answer");
        }
        catch (JsonException e)
        {
            throw new PublishException($"{BlueskySession.Network(account)} answered uploadBlob with something that is not a blob ({e.Message}); nothing was posted.", PublishFailure.Transient, e);
        }
    }

    private async Task<Delivery?> ThereAsync(Post post, Account account, CancellationToken cancellationToken)
    {
        try
        {
            return await FindAsync(post, account, cancellationToken);
        }
        catch (PublishException)
        {
            return null;
        }
    }

    public async Task<Delivery?> FindAsync(Post post, Account account, CancellationToken cancellationToken)
    {
        var rkey = BlueskyRecordKey.For(post);
        var repo = await sessions.RepoAsync(account, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get,
            BlueskySession.Xrpc(account, "com.atproto.repo.getRecord", ("repo", repo), ("collection", Collection), ("rkey", rkey)));
        try
        {
            using var response = await NetworkCall.SendAsync(sessions.Client, request, BlueskySession.Network(account), time, cancellationToken);
            var found = await response.Content.ReadFromJsonAsync<Found>(cancellationToken);
            // Another post under the same key (a hash collision) is not this one.
            return found?.Value is { ValueKind: JsonValueKind.Object } value && value.TryGetProperty("text", out var text)
                && text.ValueKind == JsonValueKind.String && text.GetString() == PlainText.Render(post.Body).Text
                ? Delivery(account, found.Uri ?? AtUri(repo, rkey), rkey)
                : null;
        }
        catch (PublishException e) when (e.Code == "RecordNotFound")
        {
            return null;
        }
        catch (PublishException e) when (e.Failure != PublishFailure.RateLimited)
        {
            throw new PublishException($"{BlueskySession.Network(account)} could not say whether it has the post: {e.Message}", PublishFailure.Transient, e);
        }
        catch (JsonException e)
        {
            throw new PublishException($"{BlueskySession.Network(account)} answered getRecord with something that is not a record.", PublishFailure.Transient, e);
        }
    }

    public async Task<string> VerifyAsync(Account account, CancellationToken cancellationToken)
    {
        using var response = await sessions.SendAsync(account, _ => new HttpRequestMessage(HttpMethod.Get, BlueskySession.Xrpc(account, "com.atproto.server.getSession")), cancellationToken);
        var who = await response.Content.ReadFromJsonAsync<Who>(cancellationToken)
            ?? throw new PublishException($"{BlueskySession.Network(account)} answered getSession without an account.", PublishFailure.Transient);
        return $"@{who.Handle} ({who.Did})";
    }

    // A handle that does not resolve stays text; one that cannot be asked about now is worth another try, nothing was posted.
    private async Task<string?> ResolveAsync(Account account, string handle, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, BlueskySession.Xrpc(account, "com.atproto.identity.resolveHandle", ("handle", handle)));
        try
        {
            using var response = await NetworkCall.SendAsync(sessions.Client, request, BlueskySession.Network(account), time, cancellationToken);
            var did = (await response.Content.ReadFromJsonAsync<Resolved>(cancellationToken))?.Did;
            return did is not null && did.StartsWith("did:", StringComparison.Ordinal) ? did : null;
        }
        catch (PublishException e) when (e.Failure == PublishFailure.Rejected)
        {
            return null;
        }
        catch (PublishException e) when (e.Failure == PublishFailure.Uncertain)
        {
            throw new PublishException($"{BlueskySession.Network(account)} could not resolve @{handle} now; nothing was posted.", PublishFailure.Transient, e);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Delivery Delivery(Account account, string uri, string rkey) =>
        new(uri, $"https://bsky.app/profile/{account.Publisher.Handle}/post/{rkey}");

    private static string AtUri(string did, string rkey) => $"at://{did}/{Collection}/{rkey}";

    private sealed record Created(string? Uri);

    private sealed record Found(string? Uri, JsonElement? Value);

    private sealed record Resolved(string? Did);

    private sealed record Who(string Handle, string Did);
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Accounts;
using Gateway.Media;
using Gateway.Posts;
using Gateway.Rules.Checks;

namespace Gateway.Proxy;

/// <summary>
/// The Mastodon entities the proxy makes itself (https://docs.joinmastodon.org/entities/), written with Mastodon's
/// snake_case and its nulls; what the upstream instance answers is passed through as it came.
/// </summary>
public static class MastodonEntities
{
    /// <summary>The Mastodon version the proxy claims: clients switch features on it, and it speaks 4.x's API.</summary>
    public const string Version = "4.3.0 (compatible; CrisisGateway)";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Mastodon's time format: UTC with milliseconds and a Z.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static IResult Ok(object entity, int status = StatusCodes.Status200OK) => Results.Json(entity, Json, statusCode: status);

    /// <summary>ScheduledStatus: a post the gateway holds, by its gateway id, with its time and text.</summary>
    public static object ScheduledStatus(Post post, IReadOnlyList<object> media) => new
    {
        id = post.Id,
        scheduled_at = Time(post.ScheduledAt),
        @params = new
        {
            text = post.Body,
            poll = (object?)null,
            media_ids = post.Media.Count == 0 ? null : post.Media.Select(m => m.Id).ToArray(),
            sensitive = (bool?)null,
            spoiler_text = (string?)null,
            visibility = "public",
            in_reply_to_id = (string?)null,
            language = (string?)null,
            application_id = (string?)null,
            scheduled_at = (string?)null,
            idempotency = (string?)null,
            with_rate_limit = false,
        },
        media_attachments = media,
    };

    /// <summary>MediaAttachment of an image in the media store; its url is the gateway's (readable with a gateway sign-in).</summary>
    public static object MediaAttachment(MediaItem item, string? description, string baseUrl) => new
    {
        id = item.Id,
        type = "image",
        url = $"{baseUrl}/media/{item.Id}",
        preview_url = $"{baseUrl}/media/{item.Id}",
        remote_url = (string?)null,
        preview_remote_url = (string?)null,
        text_url = (string?)null,
        meta = new
        {
            original = new { width = item.Width, height = item.Height, size = $"{item.Width}x{item.Height}", aspect = item.Height == 0 ? 0 : (double)item.Width / item.Height },
        },
        description,
        blurhash = (string?)null,
    };

    /// <summary>A Status for a post published to a network that is not Mastodon: its id and address there, its text.</summary>
    public static object PublishedElsewhere(Post post, object account) => new
    {
        id = post.PublishRef,
        uri = post.PublishUrl,
        url = post.PublishUrl,
        created_at = Time(post.PublishedAt ?? post.UpdatedAt),
        account,
        content = "<p>" + System.Net.WebUtility.HtmlEncode(Publishing.Mastodon.MastodonPublisher.Text(post)) + "</p>",
        visibility = "public",
        sensitive = false,
        spoiler_text = "",
        media_attachments = Array.Empty<object>(),
        mentions = Array.Empty<object>(),
        tags = Array.Empty<object>(),
        emojis = Array.Empty<object>(),
        reblogs_count = 0,
        favourites_count = 0,
        replies_count = 0,
        in_reply_to_id = (string?)null,
        in_reply_to_account_id = (string?)null,
        reblog = (object?)null,
        language = (string?)null,
        edited_at = (string?)null,
    };

    /// <summary>An Account made from the gateway's account, for networks that have no Mastodon account to ask.</summary>
    public static object Account(Account account, string baseUrl)
    {
        var handle = account.Identity.Handle?.TrimStart('@') ?? account.Id;
        return new
        {
            id = account.Id,
            username = handle,
            acct = handle,
            display_name = account.Identity.Names.FirstOrDefault() ?? account.Id,
            locked = false,
            bot = false,
            discoverable = (bool?)null,
            group = false,
            created_at = Time(account.CreatedAt),
            note = $"<p>{System.Net.WebUtility.HtmlEncode(account.Network)} account, posted through the gateway</p>",
            url = $"{baseUrl}/",
            avatar = "",
            avatar_static = "",
            header = "",
            header_static = "",
            followers_count = 0,
            following_count = 0,
            statuses_count = 0,
            last_status_at = (string?)null,
            emojis = Array.Empty<object>(),
            fields = Array.Empty<object>(),
            source = new { privacy = "public", sensitive = false, language = account.Language.Split('-')[0].ToLowerInvariant(), note = "", fields = Array.Empty<object>() },
        };
    }

    /// <summary>The instance limits of a network, as Mastodon's configuration reports them.</summary>
    /// <remarks>Version 2 adds the streaming and push addresses, neither of which the gateway has.</remarks>
    public static Dictionary<string, object?> Configuration(NetworkLimit? limit, bool v2)
    {
        var media = limit?.Media;
        var types = (media?.Formats ?? (IEnumerable<string>)["jpeg", "png", "gif", "webp"]).Select(f => "image/" + f).ToArray();
        var configuration = new Dictionary<string, object?>
        {
            ["accounts"] = new { max_featured_tags = 0, max_pinned_statuses = 0 },
            ["statuses"] = new { max_characters = limit?.Limit ?? 500, max_media_attachments = media?.Count ?? 0, characters_reserved_per_url = limit?.UrlLength ?? 23 },
            ["media_attachments"] = new
            {
                supported_mime_types = types,
                image_size_limit = media?.Bytes ?? 16 * 1024 * 1024,
                image_matrix_limit = media?.Pixels ?? 33_177_600,
                video_size_limit = 0,
                video_frame_rate_limit = 0,
                video_matrix_limit = 0,
            },
            ["polls"] = new { max_options = 0, max_characters_per_option = 0, min_expiration = 0, max_expiration = 0 },
            ["translation"] = new { enabled = false },
        };
        if (v2)
        {
            configuration["urls"] = new { streaming = (string?)null };
            configuration["vapid"] = new { public_key = "" };
        }
        return configuration;
    }
}

using Dapper;
using Gateway.Media;
using Gateway.Storage;

namespace Gateway.Proxy;

/// <summary>
/// Images uploaded through <c>/api/v2/media</c>: stored (and stripped of metadata) by the <see cref="MediaStore"/>
/// like any upload; the description a client gives becomes the alt text, kept per uploader until a status uses it.
/// </summary>
public sealed class ProxyMedia(Database database, MediaStore media)
{
    /// <summary>Mastodon's limit for a description (MediaAttachment::MAX_DESCRIPTION_LENGTH).</summary>
    public const int MaxDescription = 1500;

    public async Task<(MediaItem Item, string? Description)> UploadAsync(IFormFile file, string? description, string user, CancellationToken cancellationToken)
    {
        description = Valid(description);
        var item = await media.UploadAsync(file, user, cancellationToken);
        await SaveAsync(item.Id, user, description, cancellationToken);
        return (item, description);
    }

    /// <summary>An image this user uploaded through the proxy, or null.</summary>
    public async Task<(MediaItem Item, string? Description)?> GetAsync(string id, string user, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT media_id AS Id, description FROM proxy_media WHERE media_id = @id AND user_name = @user", new { id, user }, cancellationToken: cancellationToken));
        return row is not null && await media.GetAsync(id, cancellationToken) is { } item ? (item, row.Description) : null;
    }

    public async Task<(MediaItem Item, string? Description)> DescribeAsync(string id, string user, string? description, CancellationToken cancellationToken)
    {
        var found = await GetAsync(id, user, cancellationToken) ?? throw new MastodonRefusal(StatusCodes.Status404NotFound, MastodonErrors.NotFound);
        description = Valid(description);
        await SaveAsync(id, user, description, cancellationToken);
        return (found.Item, description);
    }

    private async Task SaveAsync(string id, string user, string? description, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO proxy_media (media_id, user_name, description) VALUES (@id, @user, @description)
            ON CONFLICT (media_id, user_name) DO UPDATE SET description = excluded.description
            """, new { id, user, description }, cancellationToken: cancellationToken));
    }

    private static string? Valid(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            return null;
        }
        return description.Length > MaxDescription
            ? throw MastodonRefusal.Unprocessable($"Validation failed: Description is too long (maximum is {MaxDescription} characters)")
            : UnicodeText.Problem(description) is { } problem ? throw MastodonRefusal.Unprocessable($"Validation failed: Description {problem}") : description.Trim();
    }

    private sealed record Row(string Id, string? Description);
}

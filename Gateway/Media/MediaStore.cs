using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Gateway.Audit;
using Gateway.Storage;

namespace Gateway.Media;

/// <summary>
/// Uploaded images, named by their content: metadata in the <c>media</c> table, bytes in <c>media_content</c>, written
/// in one transaction, so every node of a cluster has every image and a row always has its bytes.
/// </summary>
public sealed partial class MediaStore(Database database, AuditLog audit, ImageCleaner cleaner, GatewayOptions options, TimeProvider time)
{
    private const string Columns =
        "id, type, width, height, bytes, sha256, removed, uploaded_by AS UploadedBy, created_at AS CreatedAt";

    /// <summary>A form's file, refused when empty or over <c>Gateway:Media:MaxBytes</c>, cleaned and stored (the API's upload and the compose page's).</summary>
    public async Task<MediaItem> UploadAsync(Microsoft.AspNetCore.Http.IFormFile file, string actor, CancellationToken cancellationToken)
    {
        if (file.Length > options.Media.MaxBytes)
        {
            throw TooLarge(file.Length);
        }
        if (file.Length == 0)
        {
            throw ProblemException.BadRequest("The file is empty.");
        }
        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, cancellationToken);
        }
        return await UploadAsync(bytes, actor, cancellationToken);
    }

    public ProblemException TooLarge(long? bytes, string what = "file") => new(Microsoft.AspNetCore.Http.StatusCodes.Status413PayloadTooLarge, "Too large",
        $"The {what} is {(bytes is { } b ? $"{b:N0} bytes" : "larger than allowed")}; the gateway accepts images of at most {options.Media.MaxBytes:N0} bytes (Gateway:Media:MaxBytes).");

    /// <summary>Cleans and stores an upload; the same image again answers the item already stored.</summary>
    public async Task<MediaItem> UploadAsync(byte[] upload, string actor, CancellationToken cancellationToken)
    {
        var clean = cleaner.Clean(upload);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(clean.Bytes));
        var id = sha256[..32];
        var item = new MediaItem(id, clean.Type, clean.Width, clean.Height, clean.Bytes.LongLength, sha256, clean.Removed, actor, time.GetUtcNow());
        return await database.InTransactionAsync(async (c, t) =>
        {
            var inserted = await c.ExecuteAsync(
                """
                INSERT INTO media (id, type, width, height, bytes, sha256, removed, uploaded_by, created_at)
                VALUES (@Id, @Type, @Width, @Height, @Bytes, @Sha256, @removed, @UploadedBy, @CreatedAt)
                ON CONFLICT (id) DO NOTHING
                """,
                new { item.Id, item.Type, item.Width, item.Height, item.Bytes, item.Sha256, removed = JsonSerializer.Serialize(item.Removed), item.UploadedBy, item.CreatedAt }, t);
            if (inserted == 0)
            {
                // Stored before (by anyone): what this upload removed is still what it removed.
                var existing = (await c.QuerySingleAsync<MediaRow>($"SELECT {Columns} FROM media WHERE id = @id", new { id }, t)).ToItem();
                return existing with { Removed = clean.Removed };
            }
            await c.ExecuteAsync("INSERT INTO media_content (id, content) VALUES (@id, @content)", new { id, content = clean.Bytes }, t);
            await audit.AppendAsync(c, t, actor, "media.uploaded", id, new { item.Type, item.Width, item.Height, item.Bytes, item.Sha256, item.Removed });
            return item;
        }, cancellationToken);
    }

    public async Task<MediaItem?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        (await GetManyAsync([id], cancellationToken)).GetValueOrDefault(id);

    /// <summary>The stored items among <paramref name="ids"/>; ids that are not media ids are simply not found.</summary>
    public async Task<IReadOnlyDictionary<string, MediaItem>> GetManyAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        var valid = ids.Where(IsId).Distinct().ToArray();
        if (valid.Length == 0)
        {
            return new Dictionary<string, MediaItem>();
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<MediaRow>(new CommandDefinition(
            $"SELECT {Columns} FROM media WHERE {database.Dialect.AnyOf("id", "ids")}", new { ids = valid }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToItem()).ToDictionary(m => m.Id, StringComparer.Ordinal);
    }

    /// <summary>The stored bytes of <paramref name="item"/>.</summary>
    public async Task<byte[]> ReadAsync(MediaItem item, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(
                "SELECT content FROM media_content WHERE id = @Id", new { item.Id }, cancellationToken: cancellationToken))
            // Uploaded before the bytes moved into the database: the file this node wrote then.
            ?? await File.ReadAllBytesAsync(Path.Combine(options.DataDir, "media", item.Id), cancellationToken);
    }

    public static bool IsId(string? id) => id is not null && IdPattern().IsMatch(id);

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex IdPattern();

    private sealed class MediaRow
    {
        public string Id { get; init; } = "";
        public string Type { get; init; } = "";
        public int Width { get; init; }
        public int Height { get; init; }
        public long Bytes { get; init; }
        public string Sha256 { get; init; } = "";
        public string Removed { get; init; } = "[]";
        public string UploadedBy { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }

        public MediaItem ToItem() => new(Id, Type, Width, Height, Bytes, Sha256, JsonSerializer.Deserialize<string[]>(Removed) ?? [], UploadedBy, CreatedAt);
    }
}

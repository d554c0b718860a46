namespace Gateway.Media;

/// <summary>
/// An uploaded image as stored: cleaned of location and device metadata and re-encoded. Content-addressed: its id
/// is the start of the SHA-256 of the stored bytes, so the same image uploaded twice is one item.
/// </summary>
/// <param name="Type">The MIME type, <c>image/jpeg</c>, <c>image/png</c>, <c>image/gif</c> or <c>image/webp</c>.</param>
/// <param name="Removed">What metadata the upload carried and the stored image does not (<see cref="ImageCleaner"/>).</param>
public sealed record MediaItem(string Id, string Type, int Width, int Height, long Bytes, string Sha256, IReadOnlyList<string> Removed,
    string UploadedBy, DateTimeOffset CreatedAt)
{
    /// <summary>The format's short name (<c>jpeg</c>, <c>png</c>, …), as <c>rules/networks.yml</c> lists formats.</summary>
    public string Format => Type.StartsWith("image/", StringComparison.Ordinal) ? Type["image/".Length..] : Type;
}

namespace Gateway.Rules;

/// <summary>
/// An image attached to a post, as the checks see it: its id, alt text (null or blank: none), MIME type
/// (<c>image/jpeg</c>), size in bytes and pixels. The host reads these from its store; the checks never do.
/// </summary>
public sealed record CheckMedia(string Id, string? Alt, string Type, long Bytes, int Width, int Height)
{
    /// <summary>Where a finding about the alt text of the <paramref name="index"/>th image is: <c>media[0].alt</c>.</summary>
    public static string AltLocation(int index) => $"media[{index}].alt";

    /// <summary>The format as <c>rules/networks.yml</c> names it: <c>jpeg</c>, <c>png</c>, <c>gif</c>, <c>webp</c>.</summary>
    public string Format => Type.StartsWith("image/", StringComparison.OrdinalIgnoreCase) ? Type[6..].ToLowerInvariant() : Type.ToLowerInvariant();
}

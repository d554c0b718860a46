namespace Gateway.Media;

/// <summary><c>Gateway:Media</c>: what <c>POST /api/media</c> accepts. Each network's own limits are checks (<c>rules/networks.yml</c>).</summary>
public sealed class MediaOptions
{
    /// <summary>The largest upload accepted, in bytes (<c>Gateway:Media:MaxBytes</c>); larger is a 413 problem.</summary>
    public long MaxBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>The most pixels (width × height) an image may have: read from its header before it is decoded, so a tiny file cannot claim gigabytes.</summary>
    public long MaxPixels { get; set; } = 50_000_000;
}

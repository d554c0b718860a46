using System.Globalization;

namespace Gateway.Rules.Checks;

/// <summary>
/// Blocks a post whose images the account's network would refuse (<c>network.media</c>): more images than it takes,
/// an image larger (bytes or pixels) than it takes, or a format it does not take, from <c>rules/networks.yml</c>.
/// A finding about one image is located at it (<c>media[1]</c>); one about the count at <c>media</c>.
/// </summary>
public sealed class NetworkMediaCheck(NetworkLimits limits) : ICheck
{
    public const string RuleId = "network.media";

    public string Name => "network-media";

    public bool RerunAtFireTime => false;

    public ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
    {
        if (input.Media.Count == 0 || limits.For(input.Account.Network) is not { Media: { } limit } network)
        {
            return ValueTask.FromResult<IReadOnlyList<Finding>>([]);
        }
        var findings = new List<Finding>();
        if (input.Media.Count > limit.Count)
        {
            findings.Add(Block($"The post has {input.Media.Count} images; {network.Network} takes at most {limit.Count}. Remove {input.Media.Count - limit.Count}.",
                "media", network.Network, "count", input.Media.Count, limit.Count));
        }
        for (var i = 0; i < input.Media.Count; i++)
        {
            var image = input.Media[i];
            var where = $"media[{i}]";
            if (!limit.Formats.Contains(image.Format))
            {
                findings.Add(Block($"Image {i + 1} is {image.Format.ToUpperInvariant()}; {network.Network} takes {string.Join(", ", limit.Formats.Select(f => f.ToUpperInvariant()))}.",
                    where, network.Network, "format", null, null, image.Format));
            }
            if (limit.Bytes is { } bytes && image.Bytes > bytes)
            {
                findings.Add(Block($"Image {i + 1} is {image.Bytes:N0} bytes; {network.Network} takes at most {bytes:N0} bytes an image. Make it smaller.",
                    where, network.Network, "bytes", image.Bytes, bytes));
            }
            if (limit.Pixels is { } pixels && (long)image.Width * image.Height > pixels)
            {
                findings.Add(Block($"Image {i + 1} is {image.Width} × {image.Height} pixels; {network.Network} takes at most {pixels:N0} pixels an image. Scale it down.",
                    where, network.Network, "pixels", (long)image.Width * image.Height, pixels));
            }
        }
        return ValueTask.FromResult<IReadOnlyList<Finding>>(findings);
    }

    private static Finding Block(string message, string location, string network, string limitKind, long? value, long? limit, string? format = null)
    {
        var evidence = new Dictionary<string, string> { ["network"] = network, ["limit-kind"] = limitKind };
        if (value is { } v)
        {
            evidence["value"] = v.ToString(CultureInfo.InvariantCulture);
        }
        if (limit is { } l)
        {
            evidence["limit"] = l.ToString(CultureInfo.InvariantCulture);
        }
        if (format is not null)
        {
            evidence["format"] = format;
        }
        return new Finding(RuleId, Severity.Block, message, 0, 0, "", evidence) { Location = location };
    }
}

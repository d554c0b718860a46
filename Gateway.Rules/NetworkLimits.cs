using System.Globalization;
using Gateway.Rules.Links;
using YamlDotNet.RepresentationModel;

namespace Gateway.Rules;

/// <summary>
/// The images a network takes with one post: how many, how large each may be (bytes, pixels), and in which formats
/// (<c>jpeg</c>, <c>png</c>, …). Null bytes or pixels: the network states no limit.
/// </summary>
public sealed record MediaLimit(int Count, long? Bytes, long? Pixels, IReadOnlySet<string> Formats);

/// <summary>How a network counts a post's length, and (<see cref="Media"/>) what images it takes.</summary>
public sealed record NetworkLimit(string Network, int Limit, bool CountGraphemes, int? UrlLength)
{
    /// <summary>Null: the file lists no image limits for the network, and <c>network.media</c> does not judge its posts.</summary>
    public MediaLimit? Media { get; init; }

    /// <summary>The length the network counts for <paramref name="text"/> (as sent: plain text); <paramref name="cut"/> is the offset where the limit is reached, or -1.</summary>
    public int Measure(string text, out int cut)
    {
        cut = -1;
        var length = 0;
        var position = 0;
        // Every http(s) URL counts as the network's shortened length; bare www. domains are left at their length, as Mastodon does.
        var urls = UrlLength is null ? [] : BareUrls.Find(text).Where(u => u.HasScheme).Select(u => (Index: u.Start, u.Length)).ToArray();
        var nextUrl = 0;
        while (position < text.Length)
        {
            int step, weight;
            if (nextUrl < urls.Length && urls[nextUrl].Index == position)
            {
                (step, weight) = (urls[nextUrl].Length, UrlLength!.Value);
                nextUrl++;
            }
            else
            {
                step = CountGraphemes
                    ? StringInfo.GetNextTextElementLength(text, position)
                    : char.IsSurrogatePair(text, position) ? 2 : 1;
                weight = 1;
            }
            if (cut < 0 && length + weight > Limit)
            {
                cut = position;
            }
            length += weight;
            position += step;
        }
        return length;
    }
}

/// <summary>The per-network length and image limits from <c>rules/networks.yml</c>.</summary>
public sealed class NetworkLimits
{
    public const string FileName = "networks.yml";

    private readonly Dictionary<string, NetworkLimit> _limits;

    public NetworkLimits(IEnumerable<NetworkLimit> limits) =>
        _limits = limits.ToDictionary(l => l.Network, StringComparer.OrdinalIgnoreCase);

    public NetworkLimit? For(string network) => _limits.GetValueOrDefault(network);

    public IEnumerable<string> Networks => _limits.Keys;

    public static NetworkLimits Load(string rulesDirectory) =>
        YamlRuleFile.Read(System.IO.Path.Combine(rulesDirectory, FileName), file =>
        {
            file.Keys(file.Root, ["networks"], "section");
            var limits = new List<NetworkLimit>();
            foreach (var ((keyNode, network), valueNode) in file.Entries(file.Mapping(file.Root, "networks"), "a network name"))
            {
                if (valueNode is YamlScalarNode)
                {
                    limits.Add(new NetworkLimit(network, file.PositiveInt(valueNode, $"the limit of '{network}'"), true, null));
                    continue;
                }
                if (valueNode is not YamlMappingNode settings)
                {
                    throw file.Error(valueNode, $"'{network}' must be a number or a mapping with 'limit'");
                }
                file.Keys(settings, ["limit", "unit", "url-length", "media"], "setting");
                var limitNode = YamlRuleFile.Child(settings, "limit") ?? throw file.Error(settings, $"'{network}' needs a 'limit'");
                var unit = YamlRuleFile.Child(settings, "unit") is { } unitNode ? file.Scalar(unitNode, "unit") : "graphemes";
                if (unit is not ("graphemes" or "code-points"))
                {
                    throw file.Error(YamlRuleFile.Child(settings, "unit")!, $"unit must be 'graphemes' or 'code-points', not '{unit}'");
                }
                var urlNode = YamlRuleFile.Child(settings, "url-length");
                limits.Add(new NetworkLimit(
                    network,
                    file.PositiveInt(limitNode, $"the limit of '{network}'"),
                    unit == "graphemes",
                    urlNode is null ? null : file.PositiveInt(urlNode, $"the url-length of '{network}'"))
                {
                    Media = YamlRuleFile.Child(settings, "media") is { } mediaNode ? ReadMedia(file, mediaNode, network) : null,
                });
            }
            return new NetworkLimits(limits);
        });

    private static MediaLimit ReadMedia(YamlRuleFile file, YamlNode node, string network)
    {
        var media = file.AsMapping(node, $"the media limits of '{network}' (count, bytes, pixels, formats)");
        file.Keys(media, ["count", "bytes", "pixels", "formats"], "media setting");
        var count = YamlRuleFile.Child(media, "count") ?? throw file.Error(media, $"the media limits of '{network}' need a 'count'");
        var formats = YamlRuleFile.Child(media, "formats") ?? throw file.Error(media, $"the media limits of '{network}' need 'formats' (jpeg, png, gif, webp)");
        return new MediaLimit(
            file.PositiveInt(count, $"the media count of '{network}'"),
            YamlRuleFile.Child(media, "bytes") is { } bytes ? PositiveLong(file, bytes, $"the media bytes of '{network}'") : null,
            YamlRuleFile.Child(media, "pixels") is { } pixels ? PositiveLong(file, pixels, $"the media pixels of '{network}'") : null,
            file.Strings(formats, $"the media formats of '{network}'").Select(f => f.Value.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal));
    }

    private static long PositiveLong(YamlRuleFile file, YamlNode node, string what) =>
        long.TryParse(file.Scalar(node, what), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw file.Error(node, $"{what} must be a positive whole number");
}

using System.Globalization;
using Gateway.Rules.Links;
using YamlDotNet.RepresentationModel;
using Gateway.Rules.Packs;

namespace Gateway.Rules.Checks;

/// <summary>What one "character" of a network's limit is.</summary>
public enum LengthUnit
{
    /// <summary>A user-perceived character: an emoji with a skin tone counts once (Bluesky).</summary>
    Graphemes,

    /// <summary>A Unicode code point (Mastodon).</summary>
    CodePoints,

    /// <summary>
    /// X's weighted count (twitter-text's config v3, https://github.com/twitter/twitter-text/blob/master/config/v3.json,
    /// and its conformance suite): after NFC, a code point in U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F or
    /// U+2032–U+2037 counts 1, any other (CJK, emoji, …) counts 2.
    /// </summary>
    Weighted,
}

/// <summary>
/// The images a network takes with one post: how many, how large each may be (bytes, pixels), and in which formats
/// (<c>jpeg</c>, <c>png</c>, …). Null bytes or pixels: the network states no limit.
/// </summary>
public sealed record MediaLimit(int Count, long? Bytes, long? Pixels, IReadOnlySet<string> Formats);

/// <summary>How a network counts a post's length, and (<see cref="Media"/>) what images it takes.</summary>
public sealed record NetworkLimit(string Network, int Limit, LengthUnit Unit, int? UrlLength)
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
            while (nextUrl < urls.Length && urls[nextUrl].Index < position)
            {
                nextUrl++; // begun inside a grapheme already counted (a URL after a combining mark): counted as text
            }
            if (nextUrl < urls.Length && urls[nextUrl].Index == position)
            {
                (step, weight) = (urls[nextUrl].Length, UrlLength!.Value);
                nextUrl++;
            }
            else
            {
                (step, weight) = Unit switch
                {
                    LengthUnit.Graphemes => (StringInfo.GetNextTextElementLength(text, position), 1),
                    LengthUnit.CodePoints => (char.IsSurrogatePair(text, position) ? 2 : 1, 1),
                    _ => Weighed(text, position),
                };
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

    /// <summary>
    /// One grapheme's weight on X: each code point of its NFC form weighs 1 or 2. NFC per grapheme rather than of the
    /// whole text keeps every offset in the text as given (composition never joins two graphemes). Hand-written: no
    /// package on the feed implements twitter-text.
    /// </summary>
    private static (int Step, int Weight) Weighed(string text, int position)
    {
        // Below U+0300 nothing combines or recomposes: a character followed by another such is a grapheme of weight 1.
        if (text[position] < '\u0300' && (position + 1 == text.Length || text[position + 1] < '\u0300') && text[position] != '\r')
        {
            return (1, 1);
        }
        var step = StringInfo.GetNextTextElementLength(text, position);
        var weight = 0;
        // Normalised into a stack buffer: a substring per character made X's count the check's largest allocation.
        Span<char> buffer = stackalloc char[64];
        var grapheme = text.AsSpan(position, step);
        ReadOnlySpan<char> composed = grapheme.TryNormalize(buffer, out var written, System.Text.NormalizationForm.FormC)
            ? buffer[..written]
            : grapheme.ToString().Normalize(System.Text.NormalizationForm.FormC);
        foreach (var rune in composed.EnumerateRunes())
        {
            weight += rune.Value is <= 0x10FF or (>= 0x2000 and <= 0x200D) or (>= 0x2010 and <= 0x201F) or (>= 0x2032 and <= 0x2037) ? 1 : 2;
        }
        return (step, weight);
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
                    limits.Add(new NetworkLimit(network, file.PositiveInt(valueNode, $"the limit of '{network}'"), LengthUnit.Graphemes, null));
                    continue;
                }
                if (valueNode is not YamlMappingNode settings)
                {
                    throw file.Error(valueNode, $"'{network}' must be a number or a mapping with 'limit'");
                }
                file.Keys(settings, ["limit", "unit", "url-length", "media"], "setting");
                var limitNode = YamlRuleFile.Child(settings, "limit") ?? throw file.Error(settings, $"'{network}' needs a 'limit'");
                var unit = YamlRuleFile.Child(settings, "unit") is { } unitNode ? file.Scalar(unitNode, "unit") : "graphemes";
                if (unit is not ("graphemes" or "code-points" or "weighted"))
                {
                    throw file.Error(YamlRuleFile.Child(settings, "unit")!, $"unit must be 'graphemes', 'code-points' or 'weighted', not '{unit}'");
                }
                var urlNode = YamlRuleFile.Child(settings, "url-length");
                limits.Add(new NetworkLimit(
                    network,
                    file.PositiveInt(limitNode, $"the limit of '{network}'"),
                    unit switch { "graphemes" => LengthUnit.Graphemes, "code-points" => LengthUnit.CodePoints, _ => LengthUnit.Weighted },
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

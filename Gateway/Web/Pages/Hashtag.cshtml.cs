using Gateway.Hashtags;
using Gateway.Rules.Hashtags;
using Gateway.Rules.Packs;
using Gateway.Rules.Trends;
using Gateway.Trends;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages;

/// <summary>
/// What people post under a hashtag right now, on each network the gateway's accounts are on: the sample, the topic
/// shares and the time span that <c>hashtag.history</c> findings are made of, and for admins a way to make it a live trend.
/// </summary>
public sealed class HashtagModel(HashtagSampler sampler, IRulePackSource packs, HashtagHistoryOptions options, TrendStore trends, TimeProvider time) : GatewayPage
{
    /// <summary>The tag as the gateway compares it: no '#', lower case.</summary>
    public string Tag { get; private set; } = "";

    /// <summary>What each network said, with what the topic packs make of it (null when it could not say).</summary>
    public IReadOnlyList<(HashtagSample Sample, HashtagHistory? History)> Networks { get; private set; } = [];

    /// <summary>The live trend or registry entry the tag already has.</summary>
    public Trend? Known { get; private set; }

    public HashtagHistoryOptions Options => options;

    public async Task<IActionResult> OnGetAsync(string tag, CancellationToken ct)
    {
        Tag = Trend.Key(tag);
        if (Tag.Length is 0 or > 100)
        {
            return NotFound();
        }
        var set = packs.Current;
        Networks = (await sampler.EverywhereAsync(Tag, ct))
            .Select(s => (s, s.Known ? HashtagHistory.Of(set, s.Posts, options) : null))
            .ToArray();
        Known = trends.Current.FirstOrDefault(t => t.Tag == Tag && t.ActiveAt(time.GetUtcNow()));
        return Page();
    }

    /// <summary>The admin trends form with this tag, its largest sensitive topic and what the sample says prefilled.</summary>
    public string TrendLink(HashtagSample sample, HashtagHistory history)
    {
        var topic = history.Topics.FirstOrDefault(t => t.Sensitive) ?? history.Topics.FirstOrDefault();
        var sensitivity = topic is null ? null
            : trends.Sensitivities.Keys.FirstOrDefault(s => topic.Topic.Split('-').Contains(s, StringComparer.OrdinalIgnoreCase));
        var context = topic is null
            ? $"Read on {sample.Network}: {history.Posts} recent posts, no sensitive topic."
            : $"On {sample.Network}, {HashtagHistory.Percent(topic.Share)} of {history.Posts} recent posts are about {topic.Topic}" +
              (topic.Examples.Count > 0 ? $", e.g. \"{Display.Excerpt(topic.Examples[0].Text.ReplaceLineEndings(" "), 200)}\"" : "") + ".";
        var query = new Dictionary<string, string?>
        {
            ["tag"] = Tag,
            ["context"] = Display.Excerpt(context, 1000),
            ["topic"] = topic?.Topic,
            ["sensitivity"] = sensitivity,
        };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/admin/trends", query) + "#push-heading";
    }
}

using System.Text;
using Gateway.Posts;
using Gateway.Publishing.Bluesky;
using static Gateway.Publishing.Bluesky.BlueskyFacets;

namespace Gateway.Tests.Networks;

public sealed class BlueskyFacetsTests
{
    private static readonly Dictionary<string, string> Dids = new()
    {
        ["vugd.bsky.social"] = "did:plc:vugd",
        ["a.bsky.social"] = "did:plc:aaaa",
        ["tokyo.bsky.social"] = "did:plc:tokyo",
    };

    private static Task<IReadOnlyList<Facet>> FindAsync(string text) =>
        BlueskyFacets.FindAsync(text, (handle, _) => Task.FromResult(Dids.GetValueOrDefault(handle)), CancellationToken.None);

    // What a reader sees underlined: the UTF-8 bytes of the range, decoded.
    private static string Covered(string text, Facet facet) =>
        Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)[facet.ByteStart..facet.ByteEnd]);

    [Fact]
    public async Task Offsets_are_utf8_bytes_not_utf16_units_after_a_diacritic()
    {
        // "Ā" is one UTF-16 unit and two UTF-8 bytes.
        var facets = await FindAsync("Ā @a.bsky.social");
        var mention = Assert.Single(facets);
        Assert.Equal((3, 17), (mention.ByteStart, mention.ByteEnd));
        Assert.Equal(new Mention("did:plc:aaaa"), mention.Feature);
    }

    [Fact]
    public async Task Emoji_with_skin_tones_and_zwj_families_before_a_link_mention_and_tag()
    {
        // 👨‍👩‍👧‍👦 is four 4-byte emoji joined by three 3-byte ZWJs (25 bytes, 11 UTF-16 units); 👋🏽 is 8 bytes.
        var text = "👨‍👩‍👧‍👦👋🏽 update https://example.org/storm?x=1 @vugd.bsky.social #Storm2025!";
        var facets = await FindAsync(text);
        Assert.Collection(facets,
            link =>
            {
                Assert.Equal(25 + 8 + " update ".Length, link.ByteStart);
                Assert.Equal("https://example.org/storm?x=1", Covered(text, link));
                Assert.Equal(new Link("https://example.org/storm?x=1"), link.Feature);
            },
            mention =>
            {
                Assert.Equal("@vugd.bsky.social", Covered(text, mention));
                Assert.Equal(new Mention("did:plc:vugd"), mention.Feature);
            },
            tag =>
            {
                Assert.Equal("#Storm2025", Covered(text, tag));
                Assert.Equal(new Tag("Storm2025"), tag.Feature);
            });
    }

    [Theory]
    [InlineData("Внимание: шторм! Подробности https://example.org/ru @vugd.bsky.social #шторм")]
    [InlineData("東京の天気予報：台風が接近中。https://example.jp/台風 @tokyo.bsky.social #台風")]
    [InlineData("Ārkārtas situācija Rīgā, ļoti svarīgi: https://vugd.gov.lv/jaunumi @vugd.bsky.social #Rīga.")]
    public async Task Non_latin_text_before_a_link_mention_and_tag(string text)
    {
        var facets = await FindAsync(text);
        Assert.Equal(3, facets.Count);
        Assert.IsType<Link>(facets[0].Feature);
        Assert.Equal(((Link)facets[0].Feature).Uri, Covered(text, facets[0]));
        Assert.StartsWith("@", Covered(text, facets[1]));
        Assert.Equal(Dids[Covered(text, facets[1])[1..]], ((Mention)facets[1].Feature).Did);
        var tag = (Tag)facets[2].Feature;
        Assert.Equal("#" + tag.Name, Covered(text, facets[2]));
        Assert.DoesNotContain(".", tag.Name); // the sentence's full stop is not the tag's
    }

    [Fact]
    public async Task A_cjk_url_is_linked_over_its_utf8_bytes()
    {
        var text = "東京：https://example.jp/台風";
        var link = Assert.Single(await FindAsync(text));
        Assert.Equal(("東京：".Length * 3, Encoding.UTF8.GetByteCount(text)), (link.ByteStart, link.ByteEnd));
    }

    [Theory]
    [InlineData("Ask @nobody.bsky.social")] // does not resolve: plain text
    [InlineData("Write to help@example.org")] // an address, not a mention
    [InlineData("Since #2025 and # alone")] // a number and a lone sign are not tags
    [InlineData("See https://example.org/#section")] // a fragment is part of the link, not a tag
    public async Task What_is_not_a_mention_or_tag_gets_no_such_facet(string text)
    {
        var facets = await FindAsync(text);
        Assert.All(facets, f => Assert.IsType<Link>(f.Feature));
    }

    [Fact]
    public async Task Serialised_as_the_lexicon_has_it()
    {
        var facet = Assert.Single(await FindAsync("#Rīga"));
        Assert.Equal("""{"index":{"byteStart":0,"byteEnd":6},"features":[{"$type":"app.bsky.richtext.facet#tag","tag":"Rīga"}]}""",
            facet.ToLexicon().ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [Fact]
    public void The_record_key_is_a_tid_from_the_post_within_its_scheduled_second()
    {
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 7, TimeSpan.Zero);
        Post Make(string id, string body, DateTimeOffset when) => new(id, "acme", "ed", body, PostStatus.Scheduled, null, when, [], at, at, null, null, 1);
        var key = BlueskyRecordKey.For(Make("p1", "Storm update", at));

        Assert.True(BlueskyRecordKey.IsTid(key), key);
        Assert.Equal(key, BlueskyRecordKey.For(Make("p1", "Storm update", at)));
        Assert.NotEqual(key, BlueskyRecordKey.For(Make("p2", "Storm update", at)));
        Assert.NotEqual(key, BlueskyRecordKey.For(Make("p1", "Storm update, edited", at)));
        // Keys sort as the posts' times do, second by second.
        Assert.True(string.CompareOrdinal(key, BlueskyRecordKey.For(Make("p0", "Later", at.AddSeconds(1)))) < 0);
        Assert.True(string.CompareOrdinal(BlueskyRecordKey.Encode((ulong)at.ToUnixTimeSeconds() * 1_000_000, 0), key) <= 0);
        Assert.True(string.CompareOrdinal(key, BlueskyRecordKey.Encode((ulong)at.AddSeconds(1).ToUnixTimeSeconds() * 1_000_000, 0)) < 0);
    }

    [Fact]
    public void Tid_encoding_matches_atproto()
    {
        // @atproto/common-web: TID.fromTime(1_700_000_000_000_000, 0) is s32encode(timestamp) + "22".
        Assert.Equal("3ke6kg3wk2222", BlueskyRecordKey.Encode(1_700_000_000_000_000, 0));
        Assert.Equal("3ke6kg3wk2227", BlueskyRecordKey.Encode(1_700_000_000_000_000, 5));
    }
}

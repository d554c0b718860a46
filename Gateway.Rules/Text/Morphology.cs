using Lucene.Net.Analysis;
using Lucene.Net.Analysis.De;
using Lucene.Net.Analysis.Lv;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.Snowball;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Tartarus.Snowball.Ext;
using Lucene.Net.Util;
using Gateway.Rules.Packs;

namespace Gateway.Rules.Text;

/// <summary>One word of a reduced text: its stem's range there and the normalised range it stands for.</summary>
internal readonly record struct ReducedWord(int Start, int Length, int SourceStart, int SourceEnd);

/// <summary>
/// Reduces words to their stems, per language, with Lucene's analysis chain run as a TokenStream over each word
/// (no index): <see cref="EvasionFilter"/> reads hidden spellings; then the language's normalisation and stemmer
/// (Snowball English, German, Dutch and Norwegian; Lucene's Latvian stemmer), kept to inflections by
/// <see cref="InflectionGuard"/>.
/// Terms and post text go through the same chain, so a pack names a word once and its inflections match.
/// </summary>
public static class Morphology
{
    public static readonly IReadOnlyList<string> Languages = ["en", "de", "nl", "nb", "lv"];

    /// <summary>Languages that write compounds as one word, where a term may match as a part.</summary>
    public static readonly IReadOnlyList<string> CompoundLanguages = ["de", "nl", "nb"];

    // Analyzer reuses its token streams per thread, so one instance per language serves every thread.
    private static readonly Dictionary<string, Analyzer> Analyzers = Languages.ToDictionary(l => l, l => (Analyzer)new Chain(l));

    public static bool Knows(string language) => Analyzers.ContainsKey(language);

    /// <summary>A term as matched in reduced text: each word stemmed (diacritics folded after stemming when asked).</summary>
    public static string ReduceTerm(string form, string language, bool fold) =>
        Reduce(NormalizedText.Of(form.Trim(), false), language, fold, null, null, out _).Text.Trim(' ');

    /// <summary>One word's stem, or the word itself when the chain keeps nothing of it.</summary>
    public static string ReduceWord(string word, string language, bool fold)
    {
        var reduced = ReduceTerm(word, language, fold);
        return reduced.Length == 0 ? word : reduced;
    }

    /// <summary>
    /// The normalised text with every word replaced by its stem and everything between words kept, mapped to the
    /// original: a stem stands for its whole word, so a match in here is a span of whole words out there.
    /// Three or more single letters one space apart ("f u c k") are read as one word.
    /// <paramref name="regions"/> of the normalised text come back as the same regions of the reduced one.
    /// </summary>
    internal static NormalizedText Reduce(NormalizedText text, string language, bool fold, List<ReducedWord>? words,
        IReadOnlyList<Region>? regions, out List<Region> reducedRegions)
    {
        var source = text.Text;
        var at = System.Buffers.ArrayPool<int>.Shared.Rent(source.Length + 1); // reduced index of each normalised one
        var builder = new NormalizedText.Builder(source, false); // only Put: characters come mapped already
        Span<char> letters = new char[64]; // a spaced-out word, joined
        var i = 0;
        while (i < source.Length)
        {
            if (!WordChars.IsWordChar(source, i))
            {
                at[i] = builder.Length;
                builder.Put(source[i], text.Starts[i], text.Ends[i]);
                i++;
                continue;
            }
            var end = i + 1;
            while (end < source.Length && WordChars.IsWordChar(source, end))
            {
                end++;
            }
            ReadOnlySpan<char> word = source.AsSpan(i, end - i);
            if (word.Length == 1 && char.IsLetter(word[0]))
            {
                var count = 0;
                var next = i;
                while (count < letters.Length && next + 1 <= source.Length && IsSingleLetter(source, next)
                    && (count == 0 || source[next - 1] == ' '))
                {
                    letters[count++] = source[next];
                    end = next + 1;
                    next += 2;
                }
                if (count >= 3)
                {
                    word = letters[..count];
                }
                else
                {
                    end = i + 1;
                }
            }
            var stemStart = builder.Length;
            at.AsSpan(i, end - i).Fill(stemStart);
            foreach (var c in Stem(word, language, fold))
            {
                builder.Put(c, text.Starts[i], text.Ends[end - 1]);
            }
            words?.Add(new ReducedWord(stemStart, builder.Length - stemStart, i, end));
            i = end;
        }
        at[source.Length] = builder.Length;
        reducedRegions = regions?.Select(r => r with { Start = at[r.Start], End = at[r.End] }).ToList() ?? [];
        System.Buffers.ArrayPool<int>.Shared.Return(at);
        return builder.Build();
    }

    private static bool IsSingleLetter(string text, int index) =>
        index < text.Length && char.IsLetter(text[index])
        && (index + 1 == text.Length || !WordChars.IsWordChar(text, index + 1))
        && (index == 0 || !WordChars.IsWordChar(text, index - 1));

    // Posts repeat their words, and the chain costs about a microsecond a word, so each word is run through it once
    // and remembered (per language and folding; emptied when it grows past a bound, so it cannot grow without end).
    private const int CacheLimit = 100_000;
    private static readonly Dictionary<(string, bool), System.Collections.Concurrent.ConcurrentDictionary<string, string>> Stems =
        Languages.SelectMany(l => new[] { (l, false), (l, true) })
            .ToDictionary(k => k, _ => new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal));

    /// <summary>One word through the language's chain (a TokenStream over the word), remembered.</summary>
    private static string Stem(ReadOnlySpan<char> word, string language, bool fold)
    {
        var cache = Stems[(language, fold)];
        var lookup = cache.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(word, out var known))
        {
            return known;
        }
        var key = word.ToString();
        var stem = key;
        using (var stream = Analyzers[language].GetTokenStream("", key))
        {
            var term = stream.AddAttribute<ICharTermAttribute>();
            stream.Reset();
            if (stream.IncrementToken())
            {
                stem = term.ToString();
            }
            stream.End();
        }
        if (fold && stem.AsSpan().ContainsAnyExceptInRange('\0', '\u007F'))
        {
            stem = NormalizedText.Fold(stem);
        }
        if (cache.Count >= CacheLimit)
        {
            cache.Clear();
        }
        cache[key] = stem;
        return stem;
    }

    private sealed class Chain(string language) : Analyzer
    {
        protected override TokenStreamComponents CreateComponents(string fieldName, TextReader reader)
        {
            var tokenizer = new WordTokenizer(reader);
            var (remember, restore) = InflectionGuard.Around(language);
            TokenStream stream = new EvasionFilter(tokenizer);
            stream = language switch
            {
                "en" => restore(new SnowballFilter(remember(stream), new EnglishStemmer())),
                "de" => restore(new SnowballFilter(remember(new GermanNormalizationFilter(stream)), new Lucene.Net.Tartarus.Snowball.Ext.GermanStemmer())),
                "nl" => restore(new SnowballFilter(remember(stream), new DutchStemmer())),
                "nb" => restore(new SnowballFilter(remember(new ScandinavianNormalizationFilter(stream)), new NorwegianStemmer())),
                "lv" => new LatvianStemFilter(stream),
                _ => throw new ArgumentOutOfRangeException(nameof(language), language, "no stemmer for this language"),
            };
            return new TokenStreamComponents(tokenizer, stream);
        }
    }

    /// <summary>Letters, digits and marks in any script make a word; the text is already lower-cased.</summary>
    private sealed class WordTokenizer(TextReader reader) : CharTokenizer(LuceneVersion.LUCENE_48, reader)
    {
        protected override bool IsTokenChar(int c) => c <= char.MaxValue && WordChars.IsWordChar((char)c)
            || c > char.MaxValue && char.IsLetterOrDigit(char.ConvertFromUtf32(c), 0);
    }
}

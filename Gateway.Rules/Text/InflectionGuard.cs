using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace Gateway.Rules.Text;

/// <summary>
/// Keeps a stemmer to inflections: a word keeps its stem only when the stem is the word minus an inflectional
/// ending of the language (plural, case, tense: "snipers", "Bombenanschläge", "skuddene"); otherwise the word
/// stays as written. Snowball stemmers also strip derivational endings, which joins unrelated words:
/// Dutch "geweldig" (great) would become "geweld" (violence), Norwegian "hele" (whole) would meet "hellig" (holy).
/// </summary>
internal static class InflectionGuard
{
    private static readonly Dictionary<string, string[]> Endings = new()
    {
        ["en"] = ["s", "es", "e", "ed", "d", "ing", "ings", "'s"],
        ["de"] = ["e", "en", "n", "s", "es", "er", "ern", "em"],
        ["nl"] = ["s", "en", "e", "'s", "n"],
        ["nb"] = ["e", "en", "et", "er", "ene", "a", "s", "es", "ers", "ets", "ens", "enes", "ane", "ar"],
    };

    /// <summary>The pair of filters to put around a stemmer (Latvian's stemmer removes case endings only, so it needs none).</summary>
    public static (Func<TokenStream, TokenStream> Before, Func<TokenStream, TokenStream> After) Around(string language)
    {
        if (!Endings.TryGetValue(language, out var endings))
        {
            return (s => s, s => s);
        }
        var memo = new Memo();
        return (s => new Remember(s, memo), s => new Restore(s, memo, endings));
    }

    private sealed class Memo
    {
        public char[] Word = new char[32];
        public int Length;
    }

    private sealed class Remember : TokenFilter
    {
        private readonly ICharTermAttribute _term;
        private readonly Memo _memo;

        public Remember(TokenStream input, Memo memo) : base(input)
        {
            _term = AddAttribute<ICharTermAttribute>();
            _memo = memo;
        }

        public override bool IncrementToken()
        {
            if (!m_input.IncrementToken())
            {
                return false;
            }
            if (_memo.Word.Length < _term.Length)
            {
                _memo.Word = new char[_term.Length * 2];
            }
            _term.Buffer.AsSpan(0, _term.Length).CopyTo(_memo.Word);
            _memo.Length = _term.Length;
            return true;
        }
    }

    private sealed class Restore : TokenFilter
    {
        private readonly ICharTermAttribute _term;
        private readonly Memo _memo;
        private readonly string[] _endings;

        public Restore(TokenStream input, Memo memo, string[] endings) : base(input)
        {
            _term = AddAttribute<ICharTermAttribute>();
            _memo = memo;
            _endings = endings;
        }

        public override bool IncrementToken()
        {
            if (!m_input.IncrementToken())
            {
                return false;
            }
            var word = _memo.Word.AsSpan(0, _memo.Length);
            var stem = _term.Buffer.AsSpan(0, _term.Length);
            if (!IsInflection(word, stem))
            {
                _term.CopyBuffer(_memo.Word, 0, _memo.Length);
            }
            return true;
        }

        private bool IsInflection(ReadOnlySpan<char> word, ReadOnlySpan<char> stem)
        {
            ReadOnlySpan<char> ending;
            if (word.StartsWith(stem))
            {
                ending = word[stem.Length..];
            }
            else if (UndoubledVowel(word, stem))
            {
                ending = word[(stem.Length + 1)..]; // Dutch spells a long vowel once in an open syllable: "moordenaars" → "moordenar"
            }
            else
            {
                return false;
            }
            if (ending.Length > 0 && stem.Length > 0 && ending[0] == stem[^1])
            {
                ending = ending[1..]; // a doubled consonant or vowel undone: "stabbing", "bommen"
            }
            if (ending.IsEmpty)
            {
                return true;
            }
            foreach (var e in _endings)
            {
                if (ending.SequenceEqual(e))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>Whether the stem is the word's start with one vowel of a doubled vowel left out.</summary>
        private static bool UndoubledVowel(ReadOnlySpan<char> word, ReadOnlySpan<char> stem)
        {
            var k = word.CommonPrefixLength(stem);
            return k > 0 && k < word.Length && word[k] == word[k - 1] && "aeiou".Contains(word[k])
                && word.Length > stem.Length && word[(k + 1)..].StartsWith(stem[k..]);
        }
    }
}

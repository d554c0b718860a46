using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace Gateway.Rules.Text;

/// <summary>
/// Reads spellings that hide a word as the word itself, before stemming: leetspeak ("sh1t", "b1tch": see
/// <see cref="Leet"/>), stretched letters ("fuuuck": a run of three or more of one letter becomes one) and homoglyphs (Cyrillic or Greek letters inside a word that also has Latin
/// ones, folded by <see cref="Confusables"/>). Words in one script are left alone, so Greek or Russian text is
/// untouched. (Letters spaced out, "f u c k", span several words and are joined by <see cref="Morphology"/>.)
/// </summary>
internal sealed class EvasionFilter : TokenFilter
{
    private readonly ICharTermAttribute _term;

    public EvasionFilter(TokenStream input) : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
    }

    public override bool IncrementToken()
    {
        if (!m_input.IncrementToken())
        {
            return false;
        }
        _term.Length = Unhide(_term.Buffer.AsSpan(0, _term.Length));
        return true;
    }

    /// <summary>The digits that stand for letters in leetspeak.</summary>
    private static char? LeetLetter(char c) => c switch
    {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        _ => null,
    };

    /// <summary>
    /// A word of letters with a few single digits among them reads as letters: "sh1t", "f0ck". Everyday words
    /// with digits stay: a run of digits is a number unless letters close it on both sides ("covid19", "a113", "24x7";
    /// "sch31ße" is read), a digit that stands for no letter keeps
    /// the word ("b2b", "5g"), and a word needs more letters than digits and two letters at least ("4k", "i5").
    /// </summary>
    public static bool Leet(Span<char> word)
    {
        var (letters, digits) = (0, 0);
        for (var i = 0; i < word.Length; i++)
        {
            if (char.IsAsciiDigit(word[i]))
            {
                var number = i > 0 && char.IsAsciiDigit(word[i - 1]) && (i + 1 == word.Length || !char.IsLetter(word[i + 1]));
                if (LeetLetter(word[i]) is null || number || (i == 1 && char.IsAsciiDigit(word[0])))
                {
                    return false;
                }
                digits++;
            }
            else if (char.IsLetter(word[i]))
            {
                letters++;
            }
        }
        if (digits == 0 || letters < 2 || digits >= letters)
        {
            return false;
        }
        for (var i = 0; i < word.Length; i++)
        {
            word[i] = LeetLetter(word[i]) ?? word[i];
        }
        return true;
    }

    /// <summary>Reads one lower-case word's hidden spelling in place; answers the new length.</summary>
    public static int Unhide(Span<char> buffer)
    {
        var length = buffer.Length;
        Leet(buffer);
        var latin = false;
        var other = false;
        for (var i = 0; i < length; i++)
        {
            var c = buffer[i];
            if (char.IsAsciiLetter(c))
            {
                latin = true;
            }
            else if (Confusables.IsCyrillicOrGreek(c))
            {
                other = true;
            }
        }
        if (latin && other)
        {
            for (var i = 0; i < length; i++)
            {
                buffer[i] = Confusables.Latin(buffer[i]);
            }
        }
        Span<char> original = stackalloc char[Math.Min(length, 256)];
        var keepable = length <= original.Length;
        if (keepable)
        {
            buffer.CopyTo(original);
        }
        var write = 0;
        var read = 0;
        while (read < length)
        {
            var c = buffer[read];
            var run = 1;
            while (read + run < length && buffer[read + run] == c)
            {
                run++;
            }
            var keep = run >= 3 && char.IsLetter(c) ? 1 : run; // "fuuuck": three or more of a letter are one
            for (var k = 0; k < keep; k++)
            {
                buffer[write++] = c;
            }
            read += run;
        }
        if (write < 3 && write < length && keepable)
        {
            original.CopyTo(buffer); // "xxx" or "sooo" is no stretched word: too little is left
            write = length;
        }
        return write;
    }
}

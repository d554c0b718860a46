using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace Gateway.Rules.Text;

/// <summary>
/// Reads spellings that hide a word as the word itself, before stemming: stretched letters ("fuuuck": a run of three
/// or more of one letter becomes one) and homoglyphs (Cyrillic or Greek letters inside a word that also has Latin
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
        Unhide();
        return true;
    }

    private void Unhide()
    {
        var buffer = _term.Buffer;
        var length = _term.Length;
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
            buffer.AsSpan(0, length).CopyTo(original);
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
        _term.Length = write;
    }
}

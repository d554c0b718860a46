using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace Gateway.Rules.Text;

/// <summary>
/// Reads spellings that hide a word as the word itself, before stemming: letters spaced out ("f u c k", three or
/// more single letters one character apart, joined into one token), stretched letters ("fuuuck": a run of three or
/// more of one letter becomes one) and homoglyphs (Cyrillic or Greek letters inside a word that also has Latin ones,
/// folded by <see cref="Confusables"/>). Words in one script are left alone, so Greek or Russian text is untouched.
/// </summary>
internal sealed class EvasionFilter : TokenFilter
{
    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly Queue<State> _queued = new();
    private readonly List<State> _singles = [];
    private readonly System.Text.StringBuilder _joined = new();
    private bool _ended;

    public EvasionFilter(TokenStream input) : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
    }

    public override bool IncrementToken()
    {
        if (_queued.Count > 0)
        {
            RestoreState(_queued.Dequeue());
            return true;
        }
        if (_ended || !m_input.IncrementToken())
        {
            return false;
        }
        if (!IsSingleLetter())
        {
            Unhide();
            return true;
        }
        // A run of single letters: read on until the run ends, then emit it joined (three or more) or as it was.
        _singles.Clear();
        _joined.Clear();
        var start = _offset.StartOffset;
        var end = _offset.EndOffset;
        _singles.Add(CaptureState());
        _joined.Append(_term.Buffer[0]);
        State? after = null;
        while (true)
        {
            if (!m_input.IncrementToken())
            {
                _ended = true;
                break;
            }
            if (IsSingleLetter() && _offset.StartOffset == end + 1)
            {
                _singles.Add(CaptureState());
                _joined.Append(_term.Buffer[0]);
                end = _offset.EndOffset;
                continue;
            }
            Unhide();
            after = CaptureState();
            break;
        }
        if (_singles.Count >= 3)
        {
            RestoreState(_singles[0]);
            _term.SetEmpty().Append(_joined);
            _offset.SetOffset(start, end);
            Unhide();
        }
        else
        {
            RestoreState(_singles[0]);
            for (var i = 1; i < _singles.Count; i++)
            {
                _queued.Enqueue(_singles[i]);
            }
        }
        if (after is not null)
        {
            _queued.Enqueue(after);
        }
        return true;
    }

    public override void Reset()
    {
        base.Reset();
        _queued.Clear();
        _ended = false;
    }

    private bool IsSingleLetter() => _term.Length == 1 && char.IsLetter(_term.Buffer[0]);

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
        _term.Length = write;
    }
}

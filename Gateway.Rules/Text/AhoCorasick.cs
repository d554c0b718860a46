namespace Gateway.Rules.Text;

/// <summary>
/// Finds every occurrence of thousands of strings in one left-to-right pass (Aho–Corasick, 1975).
/// </summary>
/// <remarks>
/// Hand-written on purpose: .NET's <c>SearchValues&lt;string&gt;</c> uses Aho–Corasick inside but only answers
/// "where is the first match of any of them", and a Regex alternation of every term would backtrack or build a
/// huge DFA; we need every overlapping match with its pattern id (to apply word boundaries, allow-lists and
/// longest-match ourselves) over our own normalised buffer, without allocating per character, and with no extra
/// package. The automaton is immutable after construction, so one instance is shared by all threads.
/// </remarks>
public sealed class AhoCorasick
{
    private readonly ushort[] _classOf = new ushort[char.MaxValue + 1]; // 0: a character no pattern contains
    private readonly int _classes;
    private readonly int[] _delta; // full transition table, state * _classes + class: one lookup per character
    private readonly int[] _edgeStart;
    private readonly char[] _edgeChars;
    private readonly int[] _edgeTargets;
    private readonly int[] _fail;
    private readonly int[] _outputStart;
    private readonly int[] _outputs;
    private readonly int[] _lengths;

    /// <param name="patterns">Non-empty strings; a pattern's id is its index. Duplicates are allowed and both reported.</param>
    public AhoCorasick(IReadOnlyList<string> patterns)
    {
        _lengths = patterns.Select(p => p.Length).ToArray();
        var children = new List<SortedDictionary<char, int>> { new() };
        var own = new List<List<int>> { new() };
        for (var id = 0; id < patterns.Count; id++)
        {
            var pattern = patterns[id];
            if (pattern.Length == 0)
            {
                throw new ArgumentException("Patterns must not be empty.", nameof(patterns));
            }
            var state = 0;
            foreach (var c in pattern)
            {
                if (!children[state].TryGetValue(c, out var next))
                {
                    next = children.Count;
                    children[state][c] = next;
                    children.Add(new SortedDictionary<char, int>());
                    own.Add(new List<int>());
                }
                state = next;
            }
            own[state].Add(id);
        }

        var count = children.Count;
        _edgeStart = new int[count + 1];
        for (var s = 0; s < count; s++)
        {
            _edgeStart[s + 1] = _edgeStart[s] + children[s].Count;
        }
        _edgeChars = new char[_edgeStart[count]];
        _edgeTargets = new int[_edgeStart[count]];
        for (var s = 0; s < count; s++)
        {
            var k = _edgeStart[s];
            foreach (var (c, target) in children[s])
            {
                _edgeChars[k] = c;
                _edgeTargets[k] = target;
                k++;
            }
        }
        // Patterns use few distinct characters; number them so the transition table stays small.
        var classes = 1;
        foreach (var pattern in patterns)
        {
            foreach (var c in pattern)
            {
                if (_classOf[c] == 0)
                {
                    _classOf[c] = checked((ushort)classes++);
                }
            }
        }
        _classes = classes;

        // Breadth-first: a state's failure link is the longest proper suffix that is also a prefix of some
        // pattern; its outputs are its own plus those of its failure state.
        _fail = new int[count];
        var outputs = new List<int>[count];
        outputs[0] = own[0];
        var queue = new Queue<int>();
        foreach (var (_, target) in children[0])
        {
            _fail[target] = 0;
            outputs[target] = own[target];
            queue.Enqueue(target);
        }
        while (queue.Count > 0)
        {
            var state = queue.Dequeue();
            foreach (var (c, target) in children[state])
            {
                var fallback = _fail[state];
                int next;
                while ((next = Edge(fallback, c)) < 0 && fallback != 0)
                {
                    fallback = _fail[fallback];
                }
                _fail[target] = next < 0 ? 0 : next;
                outputs[target] = [.. own[target], .. outputs[_fail[target]]];
                queue.Enqueue(target);
            }
        }
        // Turn the goto/failure machine into a DFA: delta(s, a) = goto(s, a), else delta(fail(s), a); BFS order
        // guarantees the failure state's row is complete before it is used.
        _delta = new int[count * _classes];
        var order = new Queue<int>();
        order.Enqueue(0);
        while (order.Count > 0)
        {
            var state = order.Dequeue();
            for (var k = _edgeStart[state]; k < _edgeStart[state + 1]; k++)
            {
                order.Enqueue(_edgeTargets[k]);
            }
            for (var a = 1; a < _classes; a++)
            {
                var row = state * _classes;
                _delta[row + a] = state == 0 ? 0 : _delta[_fail[state] * _classes + a];
            }
            for (var k = _edgeStart[state]; k < _edgeStart[state + 1]; k++)
            {
                _delta[state * _classes + _classOf[_edgeChars[k]]] = _edgeTargets[k];
            }
        }

        _outputStart = new int[count + 1];
        for (var s = 0; s < count; s++)
        {
            _outputStart[s + 1] = _outputStart[s] + outputs[s].Count;
        }
        _outputs = outputs.SelectMany(o => o).ToArray();
    }

    public int PatternCount => _lengths.Length;

    private int Edge(int state, char c)
    {
        var index = Array.BinarySearch(_edgeChars, _edgeStart[state], _edgeStart[state + 1] - _edgeStart[state], c);
        return index >= 0 ? _edgeTargets[index] : -1;
    }

    /// <summary>Calls <paramref name="onMatch"/>(pattern id, start, length) for every occurrence, in order of end position.</summary>
    public void FindAll<TState>(ReadOnlySpan<char> text, ref TState state, MatchHandler<TState> onMatch)
    {
        var current = 0;
        var delta = _delta;
        var classOf = _classOf;
        var classes = _classes;
        for (var i = 0; i < text.Length; i++)
        {
            var symbol = classOf[text[i]];
            current = symbol == 0 ? 0 : delta[current * classes + symbol];
            for (var k = _outputStart[current]; k < _outputStart[current + 1]; k++)
            {
                var id = _outputs[k];
                onMatch(ref state, id, i + 1 - _lengths[id], _lengths[id]);
            }
        }
    }

    public delegate void MatchHandler<TState>(ref TState state, int patternId, int start, int length);
}

using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Gateway.Rules.Packs;

/// <summary>
/// Reads a rule file into YamlDotNet's node model, which keeps each node's line and column, so that every
/// problem a loader finds (not just syntax errors) can name the exact place to fix. <see cref="Read{T}"/> is the
/// only way in: whatever goes wrong, in the YAML or in the loader's reading of it, leaves as a
/// <see cref="RuleFileException"/>, so a broken file can stop a start or a reload but never the process.
/// </summary>
public sealed class YamlRuleFile
{
    /// <summary>Rule files nest a few levels; a runaway nesting would overflow the stack, which no catch can stop.</summary>
    private const int MaxDepth = 64;

    private YamlRuleFile(string path, YamlMappingNode root)
    {
        Path = path;
        Root = root;
    }

    public string Path { get; }
    public YamlMappingNode Root { get; }

    /// <summary>Parses <paramref name="path"/> and lets <paramref name="interpret"/> turn it into rules.</summary>
    public static T Read<T>(string path, Func<YamlRuleFile, T> interpret)
    {
        var file = Parse(path);
        try
        {
            return interpret(file);
        }
        catch (Exception e) when (e is not RuleFileException)
        {
            // A loader that trips over content it did not expect is a bug to fix, but it must not take the gateway
            // down; the file's top is the best place we know. The cause stays inside for tests and logs.
            throw new RuleFileException(path, file.Root.Start.Line, file.Root.Start.Column, $"cannot be read: {e.Message}", e);
        }
    }

    private static YamlRuleFile Parse(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RuleFileException(path, 0, 0, "the file does not exist; set Gateway:RulesDir to the folder with the rule packs");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RuleFileException(path, 0, 0, $"the file cannot be read: {e.Message}", e);
        }
        var scanner = new Scanner(new StringReader(text));
        var parser = new GuardedParser(new Parser(scanner));
        var stream = new YamlStream();
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            throw new RuleFileException(path, e.Start.Line, e.Start.Column, e.Message, e);
        }
        catch (Exception e) when (e is not RuleFileException)
        {
            // YamlDotNet's scanner throws a bare InvalidOperationException on some unclosed flow collections
            // (aaubry/YamlDotNet#541); the bracket left open is the place to fix.
            var (line, column, problem) = parser.OpenFlow is { } open
                ? (open.Line, open.Column, $"this '{parser.OpenFlowBracket}' is never closed")
                : (scanner.CurrentPosition.Line, scanner.CurrentPosition.Column, "the YAML is malformed here");
            throw new RuleFileException(path, line, column, problem, e);
        }
        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode;
            throw new RuleFileException(path, second.Start.Line, second.Start.Column, "a rule file holds one YAML document; remove the '---' before this");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            var at = stream.Documents.Count == 0 ? Mark.Empty : stream.Documents[0].RootNode.Start;
            throw new RuleFileException(path, Math.Max(at.Line, 1), Math.Max(at.Column, 1), "expected a mapping (key: value lines) at the top of the file");
        }
        return new YamlRuleFile(path, root);
    }

    public RuleFileException Error(YamlNode node, string problem) =>
        new(Path, node.Start.Line, node.Start.Column, problem);

    /// <summary>
    /// Rejects any key of <paramref name="node"/> that is not in <paramref name="known"/>, so that a misspelt
    /// setting is an error instead of a silent default. Every loader checks every mapping it reads this way.
    /// </summary>
    public void Keys(YamlMappingNode node, IReadOnlyCollection<string> known, string what = "key")
    {
        foreach (var (key, _) in Entries(node, $"a {what}"))
        {
            if (!known.Contains(key.Value))
            {
                throw Error(key.Node, $"unknown {what} '{key.Value}' (expected {string.Join(", ", known)})");
            }
        }
    }

    /// <summary>The entries of a mapping with their keys read as text; a key that is not text, or appears twice, is an error.</summary>
    public IReadOnlyList<((YamlNode Node, string Value) Key, YamlNode Value)> Entries(YamlMappingNode node, string what)
    {
        var seen = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        var entries = new List<((YamlNode, string), YamlNode)>();
        foreach (var (keyNode, value) in node.Children)
        {
            var key = Scalar(keyNode, what);
            if (seen.TryGetValue(key, out var first))
            {
                throw Error(keyNode, $"'{key}' appears twice (first at {first.Start.Line}:{first.Start.Column})");
            }
            seen[key] = keyNode;
            entries.Add(((keyNode, key), value));
        }
        return entries;
    }

    public YamlMappingNode Mapping(YamlMappingNode parent, string key)
    {
        var node = Child(parent, key) ?? throw Error(parent, $"missing '{key}'");
        return AsMapping(node, $"'{key}'");
    }

    /// <summary>The mapping under <paramref name="key"/>, null when the key is absent, an error when it is something else.</summary>
    public YamlMappingNode? OptionalMapping(YamlMappingNode parent, string key) =>
        Child(parent, key) is { } node ? AsMapping(node, $"'{key}'") : null;

    public YamlMappingNode AsMapping(YamlNode node, string what) =>
        node as YamlMappingNode ?? throw Error(node, $"{what} must be a mapping (key: value)");

    public YamlSequenceNode AsSequence(YamlNode node, string what) =>
        node as YamlSequenceNode ?? throw Error(node, $"{what} must be a list such as [a, b]");

    /// <summary>A list of single values, each with its node for errors.</summary>
    public IReadOnlyList<(YamlNode Node, string Value)> Strings(YamlNode node, string what) =>
        AsSequence(node, what).Children.Select(child => (child, Scalar(child, $"each of {what}"))).ToArray();

    public static YamlNode? Child(YamlMappingNode parent, string key) =>
        parent.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    public string Scalar(YamlNode node, string what) =>
        node is YamlScalarNode { Value: { } value } ? value : throw Error(node, $"{what} must be a single value");

    public bool Bool(YamlNode node, string what) =>
        bool.TryParse(Scalar(node, what), out var value) ? value : throw Error(node, $"{what} must be true or false");

    public int PositiveInt(YamlNode node, string what) =>
        int.TryParse(Scalar(node, what), out var value) && value > 0
            ? value
            : throw Error(node, $"{what} must be a positive whole number");

    /// <summary>
    /// Passes YamlDotNet's events through, remembering the innermost open <c>[…]</c> or <c>{…}</c> (for an error
    /// the library reports without a place) and refusing nesting deeper than <see cref="MaxDepth"/>.
    /// </summary>
    private sealed class GuardedParser(IParser inner) : IParser
    {
        private readonly Stack<(Mark Start, bool Flow, bool Sequence)> _open = new();

        public ParsingEvent? Current => inner.Current;

        public Mark? OpenFlow => _open.Where(o => o.Flow).Select(o => (Mark?)o.Start).FirstOrDefault();

        public char OpenFlowBracket => _open.First(o => o.Flow).Sequence ? '[' : '{';

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }
            switch (inner.Current)
            {
                case SequenceStart s:
                    Push(s.Start, s.Style == YamlDotNet.Core.Events.SequenceStyle.Flow, true);
                    break;
                case MappingStart m:
                    Push(m.Start, m.Style == YamlDotNet.Core.Events.MappingStyle.Flow, false);
                    break;
                case SequenceEnd or MappingEnd:
                    _open.Pop();
                    break;
            }
            return true;
        }

        private void Push(Mark start, bool flow, bool sequence)
        {
            if (_open.Count == MaxDepth)
            {
                throw new YamlException(start, start, $"nested more than {MaxDepth} levels deep");
            }
            _open.Push((start, flow, sequence));
        }
    }
}

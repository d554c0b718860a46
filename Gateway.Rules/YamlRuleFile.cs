using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Rules;

/// <summary>
/// Reads a rule file into YamlDotNet's node model, which keeps each node's line and column, so that every
/// problem a loader finds (not just syntax errors) can name the exact place to fix.
/// </summary>
public sealed class YamlRuleFile
{
    private YamlRuleFile(string path, YamlMappingNode root)
    {
        Path = path;
        Root = root;
    }

    public string Path { get; }
    public YamlMappingNode Root { get; }

    public static YamlRuleFile Load(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new RuleFileException(path, e.Start.Line, e.Start.Column, e.InnerException?.Message ?? e.Message);
        }
        catch (IOException e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new RuleFileException(path, 0, 0, "the file does not exist; set Gateway:RulesDir to the folder with the rule packs");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new RuleFileException(path, 1, 1, "expected a mapping at the top of the file");
        }
        return new YamlRuleFile(path, root);
    }

    public RuleFileException Error(YamlNode node, string problem) =>
        new(Path, node.Start.Line, node.Start.Column, problem);

    public YamlMappingNode Mapping(YamlMappingNode parent, string key)
    {
        var node = Child(parent, key) ?? throw Error(parent, $"missing '{key}'");
        return node as YamlMappingNode ?? throw Error(node, $"'{key}' must be a mapping");
    }

    public static YamlNode? Child(YamlMappingNode parent, string key) =>
        parent.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    public string Scalar(YamlNode node, string what) =>
        node is YamlScalarNode { Value: { } value } ? value : throw Error(node, $"{what} must be a single value");

    public int PositiveInt(YamlNode node, string what) =>
        int.TryParse(Scalar(node, what), out var value) && value > 0
            ? value
            : throw Error(node, $"{what} must be a positive whole number");
}

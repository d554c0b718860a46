using System.Text.RegularExpressions;
using Gateway.Rules.Text;
using YamlDotNet.RepresentationModel;

namespace Gateway.Rules;

/// <summary>
/// Loads every rule pack under a rules folder: each <c>*.yml</c> file in the pack folders <see cref="Folders"/>
/// (<c>rules/topics/</c>, <c>rules/privacy/</c>, <c>rules/account/</c>, <c>rules/network/</c>, <c>rules/media/</c>, and their
/// subfolders) is one pack. Other files and folders (such as <c>networks.yml</c>) belong to other loaders.
/// All or nothing: the first problem in any file throws a <see cref="RuleFileException"/> naming file, line and
/// column, and nothing is returned.
/// </summary>
public static class RulePacks
{
    public static readonly IReadOnlySet<string> Detectors =
        new HashSet<string> { "payment-card", "iban", "email", "phone", "language", "hashtag-count", "mention-count", "wrong-account", "alt-missing" };

    private static readonly string[] TopLevelKeys =
    [
        "rule", "category", "message", "link", "diacritics", "morphology", "scopes", "only-for", "severity", "accounts",
        "terms", "allow", "patterns", "detector", "stopwords", "limits", "advice", "examples",
    ];

    private static readonly Dictionary<string, Scope> ScopeNames = new()
    {
        ["prose"] = Scope.Prose,
        ["hashtag"] = Scope.Hashtag,
        ["link-text"] = Scope.LinkText,
        ["image-alt"] = Scope.ImageAlt,
        ["html"] = Scope.Html,
    };

    private static readonly Regex LanguageCode = new("^(any|[a-z]{2,3})$", RegexOptions.NonBacktracking);
    private static readonly Regex RuleId = new(@"^(topic|privacy|account|network|hashtag|media)\.[a-z0-9-]+$", RegexOptions.NonBacktracking);

    public static readonly IReadOnlyList<string> Folders = ["topics", "privacy", "account", "network", "media"];

    public static RulePackSet Load(string rulesDirectory)
    {
        if (!Directory.Exists(rulesDirectory))
        {
            throw new RuleFileException(rulesDirectory, 0, 0, "the rules folder does not exist");
        }
        var files = Folders.Select(f => Path.Combine(rulesDirectory, f))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.yml", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var packs = new List<RulePack>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in files)
        {
            var pack = LoadFile(path);
            if (seen.TryGetValue(pack.Rule, out var other))
            {
                throw YamlRuleFile.Read(path, file => file.Error(YamlRuleFile.Child(file.Root, "rule")!, $"rule '{pack.Rule}' is already defined in {other}"));
            }
            seen[pack.Rule] = path;
            packs.Add(pack);
        }
        return new RulePackSet(packs, LoadCompoundWords(Path.Combine(rulesDirectory, CompoundWordsFile)));
    }

    /// <summary>The words a compound's rest must be (<c>rules/compound-words.yml</c>: language → words); optional.</summary>
    public const string CompoundWordsFile = "compound-words.yml";

    private static Dictionary<string, IReadOnlyList<string>> LoadCompoundWords(string path)
    {
        var words = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return words;
        }
        return YamlRuleFile.Read(path, file =>
        {
            foreach (var (languageNode, list) in file.AsMapping(file.Root, "compound words (language → words)").Children)
            {
                var language = Language(file, languageNode);
                if (!Morphology.CompoundLanguages.Contains(language))
                {
                    throw file.Error(languageNode, $"compound words are read for {string.Join(", ", Morphology.CompoundLanguages)} only, not '{language}'");
                }
                words[language] = file.Strings(list, $"the compound words of '{language}'").Select(w => w.Value).ToArray();
            }
            return words;
        });
    }

    public static RulePack LoadFile(string path) => YamlRuleFile.Read(path, file => Read(file, path));

    private static RulePack Read(YamlRuleFile file, string path)
    {
        var root = file.Root;
        file.Keys(root, TopLevelKeys);
        var ruleNode = YamlRuleFile.Child(root, "rule") ?? throw file.Error(root, "missing 'rule' (a stable id such as topic.violence)");
        var rule = file.Scalar(ruleNode, "rule");
        if (!RuleId.IsMatch(rule))
        {
            throw file.Error(ruleNode, $"rule '{rule}' must look like topic.name, privacy.name, account.name, network.name or media.name (lower case, digits, '-')");
        }
        var messageNode = YamlRuleFile.Child(root, "message") ?? throw file.Error(root, "missing 'message' (say why it matters and what to do)");
        var message = file.Scalar(messageNode, "message").Trim();
        if (message.Length == 0)
        {
            throw file.Error(messageNode, "message must not be empty");
        }
        var category = YamlRuleFile.Child(root, "category") is { } categoryNode ? file.Scalar(categoryNode, "category") : rule[(rule.IndexOf('.') + 1)..];
        var fold = false;
        if (YamlRuleFile.Child(root, "diacritics") is { } diacriticsNode)
        {
            fold = file.Scalar(diacriticsNode, "diacritics") switch
            {
                "insensitive" => true,
                "sensitive" => false,
                var other => throw file.Error(diacriticsNode, $"diacritics must be 'sensitive' or 'insensitive', not '{other}'"),
            };
        }

        var stems = true;
        if (YamlRuleFile.Child(root, "morphology") is { } morphologyNode)
        {
            stems = file.Scalar(morphologyNode, "morphology") switch
            {
                "stems" => true,
                "off" => false,
                var other => throw file.Error(morphologyNode, $"morphology must be 'stems' or 'off', not '{other}'"),
            };
        }

        string? detector = null;
        if (YamlRuleFile.Child(root, "detector") is { } detectorNode)
        {
            detector = file.Scalar(detectorNode, "detector");
            if (!Detectors.Contains(detector))
            {
                throw file.Error(detectorNode, $"unknown detector '{detector}' (expected one of {string.Join(", ", Detectors)})");
            }
        }

        var terms = new List<PackTerm>();
        if (YamlRuleFile.Child(root, "terms") is { } termsNode)
        {
            ReadTerms(file, termsNode, fold, allowed: false, terms);
        }
        if (YamlRuleFile.Child(root, "allow") is { } allowNode)
        {
            ReadTerms(file, allowNode, fold, allowed: true, terms);
        }
        var patterns = YamlRuleFile.Child(root, "patterns") is { } patternsNode ? ReadPatterns(file, patternsNode) : [];
        if (detector is null && terms.All(t => t.Allowed) && patterns.Count == 0)
        {
            throw file.Error(root, "a pack needs 'terms', 'patterns' or a 'detector'");
        }

        var stopwords = new Dictionary<string, IReadOnlyList<string>>();
        if (YamlRuleFile.Child(root, "stopwords") is { } stopwordsNode)
        {
            foreach (var (languageNode, wordsNode) in file.AsMapping(stopwordsNode, "stopwords").Children)
            {
                var language = Language(file, languageNode);
                stopwords[language] = Strings(file, wordsNode, $"the stop words of '{language}'")
                    .Select(w => NormalizedText.Key(w.Value, false)).ToArray();
            }
        }
        if (detector == "language" && stopwords.Count < 2)
        {
            throw file.Error(root, "the language detector needs 'stopwords' for at least two languages");
        }

        var severity = ReadSeverityTable(file, root);
        return new RulePack
        {
            Rule = rule,
            File = path,
            Category = category,
            Message = message,
            Link = YamlRuleFile.Child(root, "link") is { } linkNode ? file.Scalar(linkNode, "link") : null,
            FoldDiacritics = fold,
            Stems = stems,
            Severity = severity,
            OnlyFor = YamlRuleFile.Child(root, "only-for") is { } onlyNode
                ? Strings(file, onlyNode, "only-for").Select(s => s.Value).ToHashSet(StringComparer.Ordinal)
                : null,
            Scopes = YamlRuleFile.Child(root, "scopes") is { } scopesNode
                ? Strings(file, scopesNode, "scopes").Select(s => ScopeNames.TryGetValue(s.Value, out var scope)
                    ? scope
                    : throw file.Error(s.Node, $"unknown scope '{s.Value}' (expected {string.Join(", ", ScopeNames.Keys)}; code, URLs and mentions are never checked for words)")).ToHashSet()
                : ScopeNames.Values.ToHashSet(),
            Terms = terms,
            Patterns = patterns,
            Detector = detector,
            Stopwords = stopwords,
            Limits = YamlRuleFile.Child(root, "limits") is { } limitsNode ? ReadLimits(file, limitsNode, "limits") : new Dictionary<string, int>(),
            Advice = YamlRuleFile.Child(root, "advice") is { } adviceNode ? ReadLimits(file, adviceNode, "advice") : new Dictionary<string, int>(),
            Examples = YamlRuleFile.Child(root, "examples") is { } examplesNode ? ReadExamples(file, examplesNode) : [],
        };
    }

    private static void ReadTerms(YamlRuleFile file, YamlNode node, bool fold, bool allowed, List<PackTerm> terms)
    {
        var what = allowed ? "allow" : "terms";
        foreach (var (languageNode, byLanguage) in file.AsMapping(node, what).Children)
        {
            var language = Language(file, languageNode);
            if (allowed)
            {
                AddTerms(file, byLanguage, language, 0, fold, true, terms);
                continue;
            }
            foreach (var (certaintyNode, list) in file.AsMapping(byLanguage, $"the terms of '{language}' (certainty 1, 2, 3 → list)").Children)
            {
                AddTerms(file, list, language, Certainty(file, certaintyNode), fold, false, terms);
            }
        }
    }

    private static void AddTerms(YamlRuleFile file, YamlNode list, string language, int certainty, bool fold, bool allowed, List<PackTerm> terms)
    {
        foreach (var (node, value) in Strings(file, list, "a term list"))
        {
            var forms = value.Split('|', StringSplitOptions.TrimEntries);
            foreach (var form0 in forms)
            {
                var asWritten = form0.Length > 1 && form0[0] == '=';
                var written = asWritten ? form0[1..] : form0;
                var part = written.Length > 1 && written.EndsWith('-') ? CompoundPart.Head
                    : written.Length > 1 && written.StartsWith('-') ? CompoundPart.Tail
                    : CompoundPart.None;
                var form = part == CompoundPart.None ? written : written.Trim('-');
                var key = NormalizedText.Key(form, fold);
                if (key.Length == 0 || key.Contains(NormalizedText.Separator))
                {
                    throw file.Error(node, $"empty form in term '{value}'");
                }
                if (part != CompoundPart.None && (allowed || !Morphology.CompoundLanguages.Contains(language) || key.Contains(' ')))
                {
                    throw file.Error(node, $"compound part '{written}': only one word, only in terms, only for {string.Join(", ", Morphology.CompoundLanguages)}");
                }
                terms.Add(new PackTerm(language, forms[0].TrimStart('=').Trim('-'), form, key, certainty, allowed, part, asWritten));
            }
        }
    }

    private static List<PackPattern> ReadPatterns(YamlRuleFile file, YamlNode node)
    {
        if (node is not YamlSequenceNode sequence)
        {
            throw file.Error(node, "patterns must be a list of { regex, certainty, lang }");
        }
        var patterns = new List<PackPattern>();
        foreach (var item in sequence)
        {
            var mapping = file.AsMapping(item, "a pattern");
            file.Keys(mapping, ["regex", "certainty", "lang", "unless"], "pattern key");
            var regexNode = YamlRuleFile.Child(mapping, "regex") ?? throw file.Error(mapping, "a pattern needs 'regex'");
            var source = file.Scalar(regexNode, "regex");
            var regex = CompileRegex(file, regexNode, source);
            var unless = YamlRuleFile.Child(mapping, "unless") is { } unlessNode
                ? CompileRegex(file, unlessNode, file.Scalar(unlessNode, "unless"))
                : null;
            var certainty = YamlRuleFile.Child(mapping, "certainty") is { } c ? Certainty(file, c) : 3;
            var language = YamlRuleFile.Child(mapping, "lang") is { } l ? Language(file, l) : "any";
            patterns.Add(new PackPattern(language, regex, certainty, source, unless));
        }
        return patterns;
    }

    private static Regex CompileRegex(YamlRuleFile file, YamlNode node, string source)
    {
        try
        {
            return new Regex(source, RegexOptions.NonBacktracking | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw file.Error(node, $"bad regex: {e.Message}");
        }
    }

    private static SeverityTable ReadSeverityTable(YamlRuleFile file, YamlMappingNode root)
    {
        var defaults = YamlRuleFile.Child(root, "severity") is { } severityNode
            ? ReadSeverities(file, severityNode)
            : SeverityTable.Standard;
        var accounts = new Dictionary<string, IReadOnlyDictionary<int, Severity?>>(StringComparer.Ordinal);
        if (YamlRuleFile.Child(root, "accounts") is { } accountsNode)
        {
            foreach (var (key, value) in file.AsMapping(accountsNode, "accounts (account id or kind → severities)").Children)
            {
                accounts[file.Scalar(key, "an account id or kind")] = ReadSeverities(file, value);
            }
        }
        return new SeverityTable(defaults, accounts);
    }

    private static Dictionary<int, Severity?> ReadSeverities(YamlRuleFile file, YamlNode node)
    {
        var table = new Dictionary<int, Severity?>();
        if (node is YamlScalarNode)
        {
            var severity = SeverityOrOff(file, node);
            for (var certainty = 1; certainty <= 3; certainty++)
            {
                table[certainty] = severity;
            }
            return table;
        }
        foreach (var (key, value) in file.AsMapping(node, "severity (one severity, or certainty 1, 2, 3 → severity)").Children)
        {
            table[Certainty(file, key)] = SeverityOrOff(file, value);
        }
        return table;
    }

    private static Severity? SeverityOrOff(YamlRuleFile file, YamlNode node)
    {
        var text = file.Scalar(node, "a severity");
        if (text == "off")
        {
            return null;
        }
        return SeverityNames.TryParse(text, out var severity)
            ? severity
            : throw file.Error(node, $"unknown severity '{text}' (expected block, review, warning, info or off)");
    }

    private static int Certainty(YamlRuleFile file, YamlNode node) =>
        int.TryParse(file.Scalar(node, "a certainty"), out var value) && value is >= 1 and <= 3
            ? value
            : throw file.Error(node, "certainty must be 1 (maybe), 2 (likely) or 3 (sure)");

    private static string Language(YamlRuleFile file, YamlNode node)
    {
        var language = file.Scalar(node, "a language");
        return LanguageCode.IsMatch(language)
            ? language
            : throw file.Error(node, $"'{language}' is not a language code (en, de, nl, nb, lv, … or any)");
    }

    private static Dictionary<string, int> ReadLimits(YamlRuleFile file, YamlNode node, string what)
    {
        var limits = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in file.AsMapping(node, what).Children)
        {
            var network = file.Scalar(key, "a network");
            limits[network] = file.PositiveInt(value, $"the {what} of '{network}'");
        }
        return limits;
    }

    private static List<PackExample> ReadExamples(YamlRuleFile file, YamlNode node)
    {
        if (node is not YamlSequenceNode sequence)
        {
            throw file.Error(node, "examples must be a list of { fire: TEXT } or { pass: TEXT }");
        }
        var examples = new List<PackExample>();
        foreach (var item in sequence)
        {
            var mapping = file.AsMapping(item, "an example");
            file.Keys(mapping, ["fire", "pass", "lang", "account", "network", "media"], "example key");
            var fire = YamlRuleFile.Child(mapping, "fire");
            var pass = YamlRuleFile.Child(mapping, "pass");
            if ((fire is null) == (pass is null))
            {
                throw file.Error(mapping, "an example needs exactly one of 'fire' or 'pass'");
            }
            examples.Add(new PackExample(
                file.Scalar(fire ?? pass!, "an example"),
                fire is not null,
                YamlRuleFile.Child(mapping, "lang") is { } l ? Language(file, l) : "en",
                YamlRuleFile.Child(mapping, "account") is { } a ? file.Scalar(a, "account") : "brand",
                YamlRuleFile.Child(mapping, "network") is { } n ? file.Scalar(n, "network") : "x",
                item.Start.Line)
            {
                Media = YamlRuleFile.Child(mapping, "media") is { } m ? file.Strings(m, "media (the alt texts of its images, \"\" for none)").Select(a => a.Value).ToArray() : [],
            });
        }
        return examples;
    }

    /// <summary>A list, or one value standing for a list of one (<c>only-for: brand</c>).</summary>
    private static IReadOnlyList<(YamlNode Node, string Value)> Strings(YamlRuleFile file, YamlNode node, string what) =>
        node is YamlScalarNode ? [(node, file.Scalar(node, what))] : file.Strings(node, what);
}

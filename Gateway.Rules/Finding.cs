namespace Gateway.Rules;

/// <summary>
/// One diagnostic about a post, shaped like a compiler's: a stable rule id, a severity, a message that says why
/// and what to do, and the exact span (UTF-16 offsets into the original Markdown body) it is about.
/// </summary>
public sealed record Finding(
    string Rule,
    Severity Severity,
    string Message,
    int Start,
    int Length,
    string Match,
    IReadOnlyDictionary<string, string>? Evidence = null)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public int End => Start + Length;
}

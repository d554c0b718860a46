namespace Gateway.Rules;

/// <summary>
/// One diagnostic about a post, shaped like a compiler's: a stable rule id, a severity, a message that says why
/// and what to do, and the exact span (UTF-16 offsets into the original Markdown body, or the alt text <see cref="Location"/> names) it is about.
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
    /// <summary>
    /// Where the span is when it is not in the body: <c>media[0].alt</c>, the first image's alt text (Start and
    /// Length are offsets into that text). Null: the body.
    /// </summary>
    public string? Location { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public int End => Start + Length;
}

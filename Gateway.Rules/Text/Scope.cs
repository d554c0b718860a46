namespace Gateway.Rules.Text;

/// <summary>What part of a post a piece of text is. Checks decide per scope whether words there count.</summary>
public enum Scope
{
    Prose,
    Hashtag,
    Mention,
    LinkText,
    Url,
    Code,
    ImageAlt,
    Html,
}

/// <summary>A run of the original body in one scope: <c>Body.Substring(Start, Length)</c>.</summary>
public readonly record struct TextSegment(Scope Scope, int Start, int Length)
{
    public int End => Start + Length;

    /// <summary>Code and URLs are not checked for words; everything else (including link text) is.</summary>
    public bool IsWordChecked => Scope is not (Scope.Code or Scope.Url or Scope.Mention);
}

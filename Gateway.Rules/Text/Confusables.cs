namespace Gateway.Rules.Text;

/// <summary>
/// The Cyrillic and Greek lower-case letters that UTS #39 (confusables.txt) lists as confusable with a Latin letter,
/// with the Latin letter their skeleton folds to.
/// </summary>
/// <remarks>
/// A small table by hand on purpose: the full confusables data (about 6,000 mappings, no maintained .NET package here)
/// mostly covers symbols and scripts that never pass for Latin letters in a post; text is lower-cased before this,
/// so only lower-case letters are needed.
/// </remarks>
internal static class Confusables
{
    private static readonly Dictionary<char, char> ToLatin = new()
    {
        // Cyrillic
        ['а'] = 'a', ['с'] = 'c', ['ԁ'] = 'd', ['е'] = 'e', ['һ'] = 'h', ['і'] = 'i', ['ј'] = 'j', ['ӏ'] = 'l',
        ['о'] = 'o', ['р'] = 'p', ['ԛ'] = 'q', ['ѕ'] = 's', ['ԝ'] = 'w', ['х'] = 'x', ['у'] = 'y', ['ѵ'] = 'v',
        // Greek
        ['α'] = 'a', ['ι'] = 'i', ['κ'] = 'k', ['ν'] = 'v', ['ο'] = 'o', ['ρ'] = 'p', ['υ'] = 'u', ['γ'] = 'y',
    };

    public static bool IsCyrillicOrGreek(char c) => c is >= '\u0370' and <= '\u03FF' or >= '\u0400' and <= '\u052F';

    /// <summary>The Latin letter <paramref name="c"/> imitates, or <paramref name="c"/> itself.</summary>
    public static char Latin(char c) => ToLatin.TryGetValue(c, out var latin) ? latin : c;
}

using System.Globalization;
using System.Text;

namespace Gateway.Rules.Text;

/// <summary>Unicode-aware word characters: letters, digits and combining marks in any script.</summary>
public static class WordChars
{
    public static bool IsWordChar(char c)
    {
        if (c < 0x80)
        {
            return char.IsAsciiLetterOrDigit(c);
        }
        if (char.IsSurrogate(c))
        {
            return false;
        }
        return IsWordCategory(CharUnicodeInfo.GetUnicodeCategory(c));
    }

    public static bool IsWordChar(string text, int index)
    {
        var c = text[index];
        if (char.IsHighSurrogate(c) && Rune.TryGetRuneAt(text, index, out var rune))
        {
            return IsWordCategory(Rune.GetUnicodeCategory(rune));
        }
        if (char.IsLowSurrogate(c) && index > 0 && Rune.TryGetRuneAt(text, index - 1, out var previous))
        {
            return IsWordCategory(Rune.GetUnicodeCategory(previous));
        }
        return IsWordChar(c);
    }

    private static bool IsWordCategory(UnicodeCategory category) => category is
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
        or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
        or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
        or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
}

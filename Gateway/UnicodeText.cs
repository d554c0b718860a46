using System.Buffers;
using System.Text;

namespace Gateway;

/// <summary>
/// Text a request may carry: well-formed UTF-16 without Unicode noncharacters. A lone surrogate cannot be stored
/// as UTF-8 without loss, and noncharacters (U+FFFE, U+FDD0…) are not text; .NET's normalisation refuses some of
/// them, so they are turned away at the edge, where the field can still be named.
/// </summary>
public static class UnicodeText
{
    /// <summary>What is wrong with <paramref name="text"/> in words, or null when it is fine.</summary>
    public static string? Problem(ReadOnlySpan<char> text)
    {
        // By hand: the runtime's decoders replace bad sequences silently, and it has no test for noncharacters.
        for (var i = 0; i < text.Length;)
        {
            if (text[i] < 0xD800)
            {
                i++;
                continue;
            }
            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != OperationStatus.Done)
            {
                return $"has a lone surrogate U+{(int)text[i]:X4} at position {i}; send well-formed Unicode text";
            }
            if (rune.Value is >= 0xFDD0 and <= 0xFDEF || (rune.Value & 0xFFFE) == 0xFFFE)
            {
                return $"has the noncharacter U+{rune.Value:X4} at position {i}, which is not text";
            }
            i += consumed;
        }
        return null;
    }
}

using System.Text.RegularExpressions;

namespace Gateway.Rules.Checks;

/// <summary>Finds payment data by shape and checksum, in the original body (e-mail and phone: <see cref="EmailAddresses"/>, <see cref="PhoneNumberKinds"/>).</summary>
public static class PrivacyDetectors
{
    private const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    private static readonly Regex CardShape = new(@"\b\d(?:[ -]?\d){12,18}\b", Options);
    private static readonly Regex IbanShape = new(@"\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,31}\b", Options);

    private static readonly Dictionary<string, int> IbanLengths = new(StringComparer.Ordinal)
    {
        ["AT"] = 20, ["BE"] = 16, ["CH"] = 21, ["DE"] = 22, ["DK"] = 18, ["EE"] = 20, ["ES"] = 24, ["FI"] = 18,
        ["FR"] = 27, ["GB"] = 22, ["IE"] = 22, ["IT"] = 27, ["LT"] = 20, ["LU"] = 20, ["LV"] = 21, ["NL"] = 18,
        ["NO"] = 15, ["PL"] = 28, ["PT"] = 25, ["SE"] = 24,
    };

    /// <summary>Luhn-valid card numbers of 13 to 19 digits starting like a card (2–6), spaces or dashes allowed.</summary>
    public static IEnumerable<(int Start, int Length)> PaymentCards(string text)
    {
        if (DigitCount(text) < 13)
        {
            yield break;
        }
        foreach (Match match in CardShape.Matches(text))
        {
            var digits = Digits(match.Value);
            if (digits.Length is >= 13 and <= 19 && digits[0] is >= '2' and <= '6' && Luhn(digits))
            {
                yield return (match.Index, match.Length);
            }
        }
    }

    public static bool Luhn(string digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    /// <summary>IBANs with a valid ISO 13616 mod-97 checksum (and the right length for countries we know).</summary>
    public static IEnumerable<(int Start, int Length)> Ibans(string text)
    {
        if (DigitCount(text) < 10)
        {
            yield break;
        }
        foreach (Match match in IbanShape.Matches(text))
        {
            // The shape may run on into the next word ("… 00 today"): try the longest prefix ending at a group boundary first.
            var value = match.Value;
            for (var end = value.Length; end > 0; end = value.LastIndexOf(' ', end - 1))
            {
                var candidate = value[..end].Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
                if (IsIban(candidate))
                {
                    yield return (match.Index, end);
                    break;
                }
                if (end <= 0)
                {
                    break;
                }
            }
        }
    }

    public static bool IsIban(string iban)
    {
        if (iban.Length is < 15 or > 34 || !char.IsAsciiLetterUpper(iban[0]) || !char.IsAsciiLetterUpper(iban[1])
            || !char.IsAsciiDigit(iban[2]) || !char.IsAsciiDigit(iban[3]))
        {
            return false;
        }
        if (IbanLengths.TryGetValue(iban[..2], out var length) && length != iban.Length)
        {
            return false;
        }
        var remainder = 0;
        foreach (var c in iban[4..] + iban[..4])
        {
            if (char.IsAsciiDigit(c))
            {
                remainder = (remainder * 10 + (c - '0')) % 97;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
            }
            else
            {
                return false;
            }
        }
        return remainder == 1;
    }

    // Cheap pre-check: most posts have too few digits to hold a card, IBAN or phone number.
    internal static int DigitCount(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                count++;
            }
        }
        return count;
    }

    private static string Digits(string value) => new(value.Where(char.IsAsciiDigit).ToArray());
}

using System.Text.RegularExpressions;

namespace Gateway;

/// <summary>User names and account ids: short, lower-case, safe in URLs, logs and file names.</summary>
public static partial class Names
{
    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex Pattern();

    public static bool IsValid(string value) => Pattern().IsMatch(value);

    public static string Require(string? value, string what)
    {
        var name = value?.Trim() ?? "";
        return Pattern().IsMatch(name)
            ? name
            : throw ProblemException.BadRequest(
                $"{what} '{value}' is not valid: use 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.");
    }
}

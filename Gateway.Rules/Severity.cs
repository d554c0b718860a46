namespace Gateway.Rules;

/// <summary>How much a finding matters, in ascending order so that the worst finding is the maximum.</summary>
public enum Severity
{
    Info,
    Warning,
    Review,
    Block,
}

public static class SeverityNames
{
    public static string ToName(this Severity severity) => severity switch
    {
        Severity.Info => "info",
        Severity.Warning => "warning",
        Severity.Review => "review",
        Severity.Block => "block",
        _ => throw new ArgumentOutOfRangeException(nameof(severity)),
    };

    public static bool TryParse(string? text, out Severity severity)
    {
        foreach (var candidate in Enum.GetValues<Severity>())
        {
            if (string.Equals(candidate.ToName(), text, StringComparison.OrdinalIgnoreCase))
            {
                severity = candidate;
                return true;
            }
        }
        severity = default;
        return false;
    }
}

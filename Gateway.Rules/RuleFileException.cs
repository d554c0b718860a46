namespace Gateway.Rules;

/// <summary>A rule file that cannot be used, with the place to fix it: <c>rules/networks.yml:12:5: limit must be a positive number</c>.</summary>
public sealed class RuleFileException(string file, long line, long column, string problem, Exception? cause = null)
    : Exception($"{file}:{line}:{column}: {problem}", cause)
{
    public string File { get; } = file;
    public long Line { get; } = line;
    public long Column { get; } = column;
    public string Problem { get; } = problem;

    /// <summary>The same line with the file named from <paramref name="directory"/>, for pages that need not show the server's paths.</summary>
    public string RelativeTo(string directory) => $"{System.IO.Path.GetRelativePath(directory, File)}:{Line}:{Column}: {Problem}";
}

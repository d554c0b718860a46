namespace Gateway.Users;

public static class Role
{
    public const string Editor = "editor";
    public const string Reviewer = "reviewer";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Editor, Reviewer, Admin];

    public static string Parse(string? text) =>
        All.FirstOrDefault(r => string.Equals(r, text?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw ProblemException.BadRequest($"Unknown role '{text}'. Use one of: {string.Join(", ", All)}.");
}

using System.Text;
using Gateway.Audit;

namespace Gateway.Freeze;

/// <summary>A crisis statement and how long it took from submission to publication.</summary>
public sealed record StatementRecord(string PostId, string Account, DateTimeOffset SubmittedAt, DateTimeOffset? PublishedAt, double? Seconds);

/// <summary>
/// One freeze seen afterwards, for the post-mortem the crisis guides ask for: who froze and why, what was held,
/// what statements went out and how fast, the reviews, who unfroze.
/// </summary>
public sealed record Incident(
    string Id,
    string Scope,
    IReadOnlyList<string> Accounts,
    DateTimeOffset FrozenAt,
    string FrozenBy,
    string Reason,
    DateTimeOffset? LiftedAt,
    string? LiftedBy,
    string? LiftReason,
    IReadOnlyList<string>? HeldPosts = null,
    IReadOnlyList<StatementRecord>? Statements = null,
    IReadOnlyList<AuditEntry>? Timeline = null)
{
    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine($"# Incident {Id}").AppendLine();
        md.AppendLine($"- **Frozen:** {FrozenAt:O} by {Escape(FrozenBy)} — {Escape(Reason)}");
        md.AppendLine($"- **Scope:** {(Accounts.Count == 0 ? "the whole queue" : string.Join(", ", Accounts.Select(Escape)))}");
        md.AppendLine(LiftedAt is null
            ? "- **Unfrozen:** not yet"
            : $"- **Unfrozen:** {LiftedAt:O} by {Escape(LiftedBy ?? "")} — {Escape(LiftReason ?? "")} (after {(LiftedAt.Value - FrozenAt).TotalMinutes:0} min)");
        md.AppendLine().AppendLine("## Statements").AppendLine();
        foreach (var s in Statements ?? [])
        {
            md.AppendLine(s.PublishedAt is null
                ? $"- {s.PostId} on {Escape(s.Account)}: submitted {s.SubmittedAt:O}, not published"
                : $"- {s.PostId} on {Escape(s.Account)}: submitted {s.SubmittedAt:O}, published {s.PublishedAt:O} ({s.Seconds:0} s later)");
        }
        md.AppendLine().AppendLine($"## Held posts ({HeldPosts?.Count ?? 0})").AppendLine();
        foreach (var id in HeldPosts ?? [])
        {
            md.AppendLine($"- {id}");
        }
        md.AppendLine().AppendLine("## Timeline").AppendLine();
        foreach (var e in Timeline ?? [])
        {
            md.AppendLine($"- {e.At:O} **{Escape(e.Actor)}** `{e.Action}` {Escape(e.Subject ?? "")} {Escape(e.Details ?? "")}".TrimEnd());
        }
        return md.ToString();
    }

    /// <summary>User text cannot add headings, links, HTML or emphasis to the report.</summary>
    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text.ReplaceLineEndings(" "))
        {
            if ("\\`*_{}[]()<>#+-!|~".Contains(c))
            {
                escaped.Append('\\');
            }
            escaped.Append(c);
        }
        return escaped.ToString();
    }
}

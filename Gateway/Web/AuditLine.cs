using System.Globalization;
using System.Text.Json;
using Gateway.Audit;

namespace Gateway.Web;

/// <summary>
/// An audit entry as a line of a log: its subject as a link to what it names (a post, user, account, incident or
/// trend) and its details as labelled values instead of JSON.
/// </summary>
public static class AuditLine
{
    /// <summary>Where the subject of an entry lives in the dashboard; null when it names nothing the dashboard shows.</summary>
    public static string? SubjectLink(AuditEntry entry)
    {
        if (string.IsNullOrEmpty(entry.Subject))
        {
            return null;
        }
        var subject = Uri.EscapeDataString(entry.Subject);
        var kind = entry.Action.Split('.')[0];
        return kind switch
        {
            "post" or "review" => "/posts/" + subject,
            "user" => "/admin/users#user-" + subject,
            "account" => "/admin/accounts?edit=" + subject,
            "freeze" or "unfreeze" => "/incidents/" + subject,
            "trend" or "tripwire" => "/admin/trends",
            _ => null,
        };
    }

    /// <summary>The details' fields in their order, each as a label and its value in words; nulls and empty lists left out.</summary>
    public static IReadOnlyList<(string Label, string Value)> Details(AuditEntry entry)
    {
        if (string.IsNullOrEmpty(entry.Details))
        {
            return [];
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(entry.Details);
        }
        catch (JsonException)
        {
            return [("details", entry.Details)];
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return [("details", Text(document.RootElement))];
            }
            return document.RootElement.EnumerateObject()
                .Select(p => (Label: Label(p.Name), Value: Text(p.Value)))
                .Where(p => p.Value.Length > 0)
                .ToArray();
        }
    }

    /// <summary><c>scheduledAt</c> reads as "scheduled at".</summary>
    private static string Label(string name)
    {
        var label = new System.Text.StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && label.Length > 0)
            {
                label.Append(' ');
            }
            label.Append(char.ToLowerInvariant(c));
        }
        return label.ToString();
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(Text).Where(t => t.Length > 0)),
        _ => string.Join("; ", value.EnumerateObject().Select(p => $"{Label(p.Name)}: {Text(p.Value)}")),
    };
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Audit;

/// <summary>One audited action. <see cref="Details"/> is stored as JSON text and shown as a JSON object.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Action, string? Subject, [property: JsonIgnore] string? Details)
{
    [JsonPropertyName("details")]
    public JsonElement? DetailsJson => Details is null ? null : JsonDocument.Parse(Details).RootElement;
}

using Gateway.Rules;
using Gateway.Rules.Checks;
using Gateway.Rules.Packs;
using Gateway.Rules.Trends;
using Gateway.Trends;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages.Admin;

/// <summary>What hashtags mean today: the live trends admins push, next to the registry from <c>rules/hashtags.yml</c>.</summary>
public sealed class TrendsModel(TrendStore trends, IRulePackSource packs) : GatewayPage
{
    [BindProperty]
    public string? Tag { get; set; }

    [BindProperty]
    public string? Context { get; set; }

    [BindProperty]
    public string? Sensitivity { get; set; }

    /// <summary>A topic pack the trend raises (<c>violence</c>), or empty.</summary>
    [BindProperty]
    public string? Topic { get; set; }

    /// <summary>Comma-separated.</summary>
    [BindProperty]
    public string? Keywords { get; set; }

    /// <summary>A <c>datetime-local</c> value, read in the reader's zone.</summary>
    [BindProperty]
    public string? ExpiresAt { get; set; }

    public IReadOnlyList<Trend> Current { get; private set; } = [];

    public IEnumerable<string> Sensitivities => trends.Sensitivities.Keys;

    public IReadOnlyList<string> Topics => SensitiveTopicCheck.Topics(packs.Current);

    public Severity? Weight(string sensitivity) => trends.Sensitivities.TryGetValue(sensitivity, out var s) ? s : null;

    /// <summary>Pushed trends live in the database and can be deleted; registry entries are changed in the file.</summary>
    public static bool IsLive(Trend trend) => trend.Source != "registry";

    /// <summary>The form may come prefilled from a hashtag's page ("make it a live trend").</summary>
    public void OnGet(string? tag, string? context, string? topic, string? sensitivity)
    {
        (Tag, Context, Topic, Sensitivity) = (tag, context, topic, sensitivity);
        Current = trends.Current;
    }

    public Task<IActionResult> OnPostPushAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        var keywords = (Keywords ?? "").Split([',', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var request = new TrendRequest(Tag, Context, Sensitivity, keywords, Display.ToIso(ExpiresAt, Zone), string.IsNullOrWhiteSpace(Topic) ? null : Topic);
        var saved = await trends.UpsertAsync(new TrendsRequest([request]), Me.Name, ct);
        return Done(NoticeKind.Success, $"Trend #{saved[0].Tag} is live.", "/Admin/Trends");
    }, LoadAsync);

    public Task<IActionResult> OnPostDeleteAsync(string? trend, CancellationToken ct) => AttemptAsync(async () =>
    {
        await trends.DeleteAsync(trend ?? "", Me.Name, ct);
        return Done(NoticeKind.Info, $"Trend #{Trend.Key(trend ?? "")} deleted.", "/Admin/Trends");
    }, LoadAsync);

    private Task LoadAsync()
    {
        Current = trends.Current;
        return Task.CompletedTask;
    }
}

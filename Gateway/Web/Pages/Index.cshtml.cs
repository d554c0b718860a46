using System.Globalization;
using Gateway.Accounts;
using Gateway.Auth;
using Gateway.Posts;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages;

/// <summary>The queue: posts by time, as a list or as a week, filtered by account and status.</summary>
public sealed class IndexModel(PostStore posts, PostAccess access, AccountStore accounts, TimeProvider time) : GatewayPage
{
    public const int ListLimit = 500;

    [BindProperty(SupportsGet = true)]
    public string? Account { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    /// <summary><c>list</c> or <c>week</c>.</summary>
    [BindProperty(SupportsGet = true)]
    public string? View { get; set; }

    /// <summary>Any day of the week to show (yyyy-MM-dd, in the reader's zone); this week when empty.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Week { get; set; }

    public IReadOnlyList<Post> Posts { get; private set; } = [];

    public IReadOnlyList<Account> Accounts { get; private set; } = [];

    public bool IsWeek => View == "week";

    public DateOnly WeekStart { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Accounts = (await accounts.ListAsync(ct)).Where(a => PostAccess.MayRead(Me, a)).ToArray();
        var account = string.IsNullOrEmpty(Account) ? null : Account;
        PostStatus? status;
        IReadOnlyList<string>? within;
        try
        {
            status = string.IsNullOrEmpty(Status) ? null : PostTransitions.Parse(Status);
            within = await access.VisibleAccountsAsync(Me, account, ct);
        }
        catch (ProblemException e)
        {
            // An unknown status or another's account shows nothing, not everything: a filter that silently does not filter misleads.
            Error = e.Detail;
            Response.StatusCode = e.Status;
            return;
        }
        if (!IsWeek)
        {
            Posts = await posts.ListAsync(status, account, ListLimit, ct, within: within);
            return;
        }
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), Zone).DateTime);
        var day = DateOnly.TryParseExact(Week, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var asked)
            && asked.Year is >= 2000 and <= 9000 ? asked : today;
        WeekStart = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
        Posts = await posts.ListAsync(status, account, 5000, ct, StartOf(WeekStart), StartOf(WeekStart.AddDays(7)), within);
    }

    public IEnumerable<Post> On(DateOnly day) =>
        Posts.Where(p => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(p.ScheduledAt, Zone).DateTime) == day);

    public string LocalTimeOfDay(Post post) => TimeZoneInfo.ConvertTime(post.ScheduledAt, Zone).ToString("HH:mm", CultureInfo.InvariantCulture);

    public string WeekLink(int weeks) =>
        Url.Page("/Index", new { Account, Status, View = "week", Week = WeekStart.AddDays(7 * weeks).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) })!;

    private DateTimeOffset StartOf(DateOnly day)
    {
        var wall = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(wall, Zone.GetUtcOffset(wall)).ToUniversalTime();
    }
}

using System.Globalization;
using Gateway.Accounts;
using Gateway.Auth;
using Gateway.Posts;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages;

/// <summary>
/// The queue: posts by time, as a list, a week or a month, filtered by account and status. In the calendars a post the
/// reader may change is moved to another day (dragged) or time ("Move to"), through the API's reschedule path.
/// </summary>
public sealed class IndexModel(PostStore posts, PostAccess access, AccountStore accounts, PostService service, TimeProvider time) : GatewayPage
{
    public const int ListLimit = 500;

    [BindProperty(SupportsGet = true)]
    public string? Account { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    /// <summary><c>list</c>, <c>week</c> or <c>month</c>.</summary>
    [BindProperty(SupportsGet = true)]
    public string? View { get; set; }

    /// <summary>Any day of the week to show (yyyy-MM-dd, in the reader's zone); this week when empty.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Week { get; set; }

    /// <summary>Any day of the month to show (yyyy-MM or yyyy-MM-dd, in the reader's zone); this month when empty.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Month { get; set; }

    public IReadOnlyList<Post> Posts { get; private set; } = [];

    public bool IsMonth => View == "month";

    /// <summary>The first of the month shown, and the Monday and Sunday that bound its weeks.</summary>
    public DateOnly MonthStart { get; private set; }

    public DateOnly GridStart { get; private set; }

    public DateOnly GridEnd { get; private set; }

    public DateOnly Today { get; private set; }

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
        if (!IsWeek && !IsMonth)
        {
            Posts = await posts.ListAsync(status, account, ListLimit, ct, within: within);
            return;
        }
        Writable = Accounts.Where(a => PostAccess.MayWrite(Me, a)).Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        Today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), Zone).DateTime);
        if (IsMonth)
        {
            var month = Day(Month, "yyyy-MM") ?? Day(Month, "yyyy-MM-dd") ?? Today;
            MonthStart = new DateOnly(month.Year, month.Month, 1);
            GridStart = Monday(MonthStart);
            GridEnd = Monday(MonthStart.AddMonths(1).AddDays(-1)).AddDays(6);
        }
        else
        {
            WeekStart = Monday(Day(Week, "yyyy-MM-dd") ?? Today);
            (GridStart, GridEnd) = (WeekStart, WeekStart.AddDays(6));
        }
        // A draft saved without a time has no day to be shown on: the list (status draft) has it.
        Posts = (await posts.ListAsync(status, account, 5000, ct, StartOf(GridStart), StartOf(GridEnd.AddDays(1)), within)).Where(p => !p.Untimed).ToArray();
    }

    /// <summary>The accounts the reader writes for: their posts in a calendar can be moved.</summary>
    public IReadOnlySet<string> Writable { get; private set; } = new HashSet<string>();

    public bool MayMove(Post post) => Writable.Contains(post.Account) && PostTransitions.IsEditable(post.Status);

    /// <summary>
    /// Moves a post to <paramref name="to"/> (a <c>datetime-local</c> value in the reader's zone) by the API's reschedule
    /// path: the checks run again and may send it to review. The calendar's script asks with fetch and shows the answer
    /// by the post; without script the form posts and the page says what happened.
    /// </summary>
    public async Task<IActionResult> OnPostMoveAsync(string? id, string? to, CancellationToken ct)
    {
        var fetched = Request.Headers["X-Requested-With"] == "fetch";
        try
        {
            if (!IsEditor)
            {
                throw ProblemException.Forbidden("Only editors and admins move posts.");
            }
            var iso = Display.ToIso(to, Zone) ?? throw ProblemException.BadRequest("Pick the day and time to move the post to.");
            var moved = await service.RescheduleAsync(id ?? "", new ReschedulePost(iso), Me, ct);
            Notice = $"Moved {moved.Account}'s post to {Display.ToLocalInput(moved.ScheduledAt, Zone).Replace('T', ' ')} ({Zone.Id}): it is {Display.StatusText(moved.Status)}.{Display.FrozenNote(moved)}";
            return fetched ? new JsonResult(new { status = PostTransitions.Name(moved.Status), message = Notice }) : RedirectToPage("/Index", Here);
        }
        catch (ProblemException e)
        {
            if (fetched)
            {
                return new JsonResult(new { status = (string?)null, message = $"Not moved: {e.Detail}" }) { StatusCode = e.Status };
            }
            Response.StatusCode = e.Status;
            await OnGetAsync(ct);
            Error = $"Not moved: {e.Detail}";
            return Page();
        }
    }

    /// <summary>The filters and view now shown, for links and forms that come back here.</summary>
    public object Here => new { Account, Status, View, Week, Month };

    public string MonthLink(int months) =>
        Url.Page("/Index", new { Account, Status, View = "month", Month = MonthStart.AddMonths(months).ToString("yyyy-MM", CultureInfo.InvariantCulture) })!;

    private static DateOnly? Day(string? text, string format) =>
        DateOnly.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day.Year is >= 2000 and <= 9000 ? day : null;

    private static DateOnly Monday(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

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

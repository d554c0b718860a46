using Gateway.Accounts;
using Gateway.Auth;
using Gateway.Freeze;
using Gateway.Reviews;
using Gateway.Rules;
using Gateway.Rules.Text;
using Gateway.Scheduling;
using Gateway.Users;

namespace Gateway.Posts;

/// <summary>
/// The way into the queue: submit, edit, reschedule, cancel. Each runs the checks and lets them decide the status;
/// <see cref="PostQueue"/> keeps the Quartz trigger in step with it. The way out is <see cref="PublishJob"/>.
/// </summary>
public sealed class PostService(
    PostStore posts,
    AccountStore accounts,
    CheckPipeline checks,
    PostQueue queue,
    ReviewPolicy policy,
    ReviewStore reviews,
    FreezeStore freezes,
    Media.MediaStore media,
    GatewayOptions options,
    Telemetry.GatewayMetrics metrics,
    TimeProvider time)
{
    // A sanity bound, above every network's; the networks' own limits are the network.media check.
    private const int MaxMedia = 20;

    // Mastodon's limit for a description; X takes 1,000 and Bluesky and LinkedIn state none.
    private const int MaxAlt = 1500;

    // A submit that took a moment to type may name a time a few seconds gone; anything older is a mistake.
    private static readonly TimeSpan PastTolerance = TimeSpan.FromMinutes(1);

    // A group is written by a person for the accounts they handle; more than this is a mistake or a script gone wrong.
    private const int MaxGroup = 50;

    public async Task<Post> SubmitAsync(SubmitPost request, User author, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.GatewayTracing.Source.StartActivity("post.submit");
        if (request.Accounts is not null)
        {
            throw ProblemException.BadRequest("Give 'account' for one account or 'accounts' for several, not both.");
        }
        var account = await WritableAccountAsync(request.Account, author, cancellationToken);
        var body = ValidBody(request.Body);
        var frozen = (await freezes.GetAsync(cancellationToken)).Covering(account.Id);
        if (request.CrisisStatement && (author.Role != Role.Admin || frozen is null))
        {
            throw author.Role != Role.Admin
                ? ProblemException.Forbidden("Only admins submit crisis statements.")
                : ProblemException.BadRequest($"Account '{account.Id}' is not frozen: a crisis statement is for a freeze; submit an ordinary post.");
        }
        if (request.CrisisStatement && request.Draft)
        {
            throw ProblemException.BadRequest("A crisis statement is not saved as a draft: it goes to review as soon as it is written.");
        }
        // A statement goes out the moment it is approved; its time is when it was written.
        var (scheduledAt, untimed) = request.CrisisStatement ? (time.GetUtcNow(), false) : request.Draft ? DraftTime(request.ScheduledAt) : (ValidTime(request.ScheduledAt), false);
        var images = await ValidMediaAsync(request.Media, cancellationToken);
        var post = await NewPostAsync(account, author, body, images, scheduledAt, untimed, request.Draft, request.CrisisStatement, null, cancellationToken,
            forNow: request.ScheduledAt is null);
        activity?.SetTag("post.id", post.Id);
        activity?.SetTag("post.status", PostTransitions.Name(post.Status));
        await queue.SubmitAsync(post, cancellationToken);
        return post with { Frozen = frozen };
    }

    /// <summary>
    /// One post per account, linked by a new group id, each checked, reviewed and frozen as its own account says.
    /// Every account, the body and the time are validated before any post is made: all are created or none.
    /// </summary>
    public async Task<PostGroup> SubmitGroupAsync(SubmitPost request, User author, CancellationToken cancellationToken)
    {
        if (request.Account is not null)
        {
            throw ProblemException.BadRequest("Give 'account' for one account or 'accounts' for several, not both.");
        }
        if (request.CrisisStatement)
        {
            throw ProblemException.BadRequest("A crisis statement goes to one frozen account at a time: use 'account'.");
        }
        if (request.Accounts is not { Count: > 0 and <= MaxGroup } ids)
        {
            throw ProblemException.BadRequest($"'accounts' must list 1 to {MaxGroup} account ids.");
        }
        if (ids.Select(i => i.Trim()).GroupBy(i => i, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw ProblemException.BadRequest($"'accounts' names '{twice.Key}' more than once.");
        }
        var targets = new List<Account>();
        foreach (var id in ids)
        {
            targets.Add(await WritableAccountAsync(id, author, cancellationToken));
        }
        var body = ValidBody(request.Body);
        var (scheduledAt, untimed) = request.Draft ? DraftTime(request.ScheduledAt) : (ValidTime(request.ScheduledAt), false);
        var images = await ValidMediaAsync(request.Media, cancellationToken);
        var group = Guid.CreateVersion7().ToString("N");
        var freeze = await freezes.GetAsync(cancellationToken);
        var batch = new List<Post>();
        foreach (var account in targets)
        {
            var post = await NewPostAsync(account, author, body, images, scheduledAt, untimed, request.Draft, false, group, cancellationToken,
                forNow: request.ScheduledAt is null);
            batch.Add(post with { Frozen = freeze.Covering(account.Id) });
        }
        await queue.SubmitAsync(batch, cancellationToken);
        return new PostGroup(group, batch);
    }

    /// <summary>The posts of a group that <paramref name="user"/> may read: 404 when there is no such group.</summary>
    public async Task<PostGroup> GroupAsync(string group, User user, CancellationToken cancellationToken)
    {
        var members = await posts.GroupAsync(group, cancellationToken);
        if (members.Count == 0)
        {
            throw ProblemException.NotFound($"No group with id '{group}'.");
        }
        var readable = new List<Post>();
        foreach (var post in members)
        {
            if (await accounts.GetAsync(post.Account, cancellationToken) is { } account && PostAccess.MayRead(user, account))
            {
                readable.Add(post);
            }
        }
        return readable.Count > 0
            ? new PostGroup(group, readable)
            : throw ProblemException.Forbidden($"{user.Name} is not an editor of any account in group '{group}'.");
    }

    /// <summary>Sends a draft on the usual path: checked again, to review or scheduled, at its time or a new one.</summary>
    public async Task<Post> SubmitDraftAsync(string id, SubmitDraft? request, User actor, CancellationToken cancellationToken)
    {
        var post = await ExistingAsync(id, cancellationToken);
        var account = await WritableAccountAsync(post.Account, actor, cancellationToken);
        if (post.Status != PostStatus.Draft)
        {
            throw ProblemException.Conflict($"The post is {PostTransitions.Name(post.Status)}, not a draft: it was submitted already.");
        }
        var now = time.GetUtcNow();
        var scheduledAt = request?.ScheduledAt is { } text && !string.IsNullOrWhiteSpace(text) ? ValidTime(text)
            : post.Untimed ? throw ProblemException.BadRequest($"The draft has no time yet: give it one by editing it, or submit it with 'scheduledAt' (e.g. {now.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}).")
            : post.ScheduledAt < now - PastTolerance ? throw ProblemException.BadRequest(
                $"The draft's time {post.ScheduledAt:O} has passed (now is {now:O}): submit it with a new 'scheduledAt'.")
            : post.ScheduledAt < now ? now : post.ScheduledAt;
        var images = await ValidMediaAsync(StoredMedia(post), cancellationToken);
        var (findings, demanded) = await AssessAsync(post.Body, images, account, scheduledAt, post.Author, cancellationToken);
        var outcome = FourEyes.Decide(findings, demanded, post.CrisisStatement);
        var submitted = await queue.ChangeAsync(new PostChange(id, outcome.Status, actor.Name, "post.submitted", outcome.Reason)
        {
            ExpectedFrom = PostStatus.Draft,
            ScheduledAt = scheduledAt,
            Findings = findings,
            RequiredApprovals = outcome.RequiredApprovals,
            Untimed = false,
        }, cancellationToken) ?? throw ProblemException.Conflict("The draft changed while you were submitting it; load it again and retry.");
        return submitted with { Frozen = (await freezes.GetAsync(cancellationToken)).Covering(submitted.Account) };
    }

    /// <param name="forNow">
    /// Submitted without a time: if it needs review it is scheduled <see cref="GatewayOptions.ReviewWindow"/> ahead,
    /// decided here with its state from its one assessment. At "now" the gate would expire it unreviewed.
    /// </param>
    private async Task<Post> NewPostAsync(Account account, User author, string body, IReadOnlyList<Image> images, DateTimeOffset scheduledAt, bool untimed,
        bool draft, bool crisisStatement, string? group, CancellationToken cancellationToken, bool forNow = false)
    {
        var (findings, demanded) = await AssessAsync(body, images, account, scheduledAt, author.Name, cancellationToken);
        var outcome = FourEyes.Decide(findings, demanded, crisisStatement);
        if (forNow && !draft && !crisisStatement && outcome.Status == PostStatus.PendingReview)
        {
            scheduledAt += options.ReviewWindow;
        }
        var now = time.GetUtcNow();
        return new Post(Guid.CreateVersion7().ToString("N"), account.Id, author.Name, body, draft ? PostStatus.Draft : outcome.Status,
            draft ? DraftReason(outcome.Status) : outcome.Reason, scheduledAt, findings, now, now, null, null, 1, outcome.RequiredApprovals,
            crisisStatement, Group: group, Untimed: untimed) { Media = [.. images.Select(i => i.Post)] };
    }

    private static string DraftReason(PostStatus onSubmit) =>
        $"A draft: nothing is scheduled until it is submitted. Submitted as it is, it would be {PostTransitions.Name(onSubmit)}.";

    /// <summary>A draft's time may be missing (then it is checked as of now) or already past: it is not scheduled.</summary>
    private (DateTimeOffset At, bool Untimed) DraftTime(string? text) =>
        string.IsNullOrWhiteSpace(text) ? (time.GetUtcNow(), true) : (Iso8601.Parse(text, "scheduledAt"), false);

    public async Task<IReadOnlyList<Finding>> PreviewAsync(CheckDraft request, User user, CancellationToken cancellationToken)
    {
        var account = await WritableAccountAsync(request.Account, user, cancellationToken);
        var scheduledAt = request.ScheduledAt is null ? time.GetUtcNow() : Iso8601.Parse(request.ScheduledAt, "scheduledAt");
        return await RunChecksAsync(ValidBody(request.Body), await ValidMediaAsync(request.Media, cancellationToken), account, scheduledAt, cancellationToken);
    }

    /// <summary>Changes the body and/or time, which re-runs every check: what was reviewed is no longer what will go out.</summary>
    public Task<Post> EditAsync(string id, EditPost request, User actor, CancellationToken cancellationToken) =>
        ChangeContentAsync(id, request, actor, "post.edited", cancellationToken);

    private async Task<Post> ChangeContentAsync(string id, EditPost request, User actor, string action, CancellationToken cancellationToken)
    {
        var post = await ExistingAsync(id, cancellationToken);
        var account = await WritableAccountAsync(post.Account, actor, cancellationToken);
        if (!PostTransitions.IsEditable(post.Status))
        {
            throw ProblemException.Conflict($"The post is {PostTransitions.Name(post.Status)}; it can no longer be changed.");
        }
        var body = request.Body is null ? post.Body : ValidBody(request.Body);
        var draft = post.Status == PostStatus.Draft; // an edited draft stays a draft, its time still free
        var (scheduledAt, untimed) = request.ScheduledAt is null ? (post.Untimed ? time.GetUtcNow() : post.ScheduledAt, post.Untimed)
            : draft ? DraftTime(request.ScheduledAt) : (ValidTime(request.ScheduledAt), false);
        var images = await ValidMediaAsync(request.Media ?? StoredMedia(post), cancellationToken);
        var (findings, demanded) = await AssessAsync(body, images, account, scheduledAt, post.Author, cancellationToken);
        var reviewed = FourEyes.InReview(post.Status) || await reviews.AnyAsync(id, cancellationToken);
        var outcome = FourEyes.Decide(findings, demanded, post.CrisisStatement, reviewed ? post.RequiredApprovals : null);
        var changed = await queue.ChangeAsync(new PostChange(id, draft ? PostStatus.Draft : outcome.Status, actor.Name, action,
            draft ? DraftReason(outcome.Status) : outcome.Reason)
        {
            ExpectedFrom = post.Status,
            Body = body,
            Media = request.Media is null ? null : [.. images.Select(i => i.Post)],
            ScheduledAt = scheduledAt,
            Findings = findings,
            RequiredApprovals = outcome.RequiredApprovals,
            Untimed = untimed,
        }, cancellationToken) ?? throw ProblemException.Conflict("The post changed while you were editing it; load it again and retry.");
        await reviews.VoidOutdatedAsync(id, changed.ContentHash, time.GetUtcNow(), cancellationToken);
        return changed with { Frozen = (await freezes.GetAsync(cancellationToken)).Covering(changed.Account) };
    }

    public Task<Post> RescheduleAsync(string id, ReschedulePost request, User actor, CancellationToken cancellationToken) =>
        ChangeContentAsync(id, new EditPost(null, request.ScheduledAt ?? throw ProblemException.BadRequest("'scheduledAt' is required.")), actor, "post.rescheduled", cancellationToken);

    public async Task<Post> CancelAsync(string id, User actor, CancellationToken cancellationToken)
    {
        var post = await ExistingAsync(id, cancellationToken);
        await WritableAccountAsync(post.Account, actor, cancellationToken);
        var cancelled = await queue.ChangeAsync(new PostChange(id, PostStatus.Cancelled, actor.Name, "post.cancelled", $"Cancelled by {actor.Name}.")
        {
            ExpectedFrom = post.Status,
        }, cancellationToken) ?? throw ProblemException.Conflict("The post changed while you were cancelling it; load it again and retry.");
        return cancelled;
    }

    /// <summary>After a crisis: gives held posts new times, spaced apart, each checked again (the world has changed).</summary>
    public async Task<IReadOnlyList<BulkResult>> ReleaseAsync(ReleasePosts request, User actor, CancellationToken cancellationToken)
    {
        var ids = RequireIds(request.Ids);
        var start = ValidTime(request.ScheduledAt ?? throw ProblemException.BadRequest("'scheduledAt' is required: the time the first post goes out."));
        if (request.SpacingMinutes is < 0 or > 24 * 60)
        {
            throw ProblemException.BadRequest("'spacingMinutes' must be between 0 and 1440.");
        }
        // Every time is computed before any post moves: a call either changes nothing or reports on each id.
        var room = (Iso8601.Latest - start).TotalMinutes;
        var times = ids.Select((_, i) => (double)request.SpacingMinutes * i <= room
            ? start.AddMinutes(request.SpacingMinutes * i).ToString("O")
            : throw ProblemException.BadRequest(
                $"'scheduledAt' plus {i} × {request.SpacingMinutes} minutes (post {i + 1} of {ids.Length}) is past {Iso8601.Latest:yyyy-MM-dd}; pick an earlier start or a shorter spacing."))
            .ToArray();
        var results = new List<BulkResult>();
        for (var i = 0; i < ids.Length; i++)
        {
            var (id, at) = (ids[i], times[i]);
            results.Add(await BulkAsync(id, () => RescheduleAsync(id, new ReschedulePost(at), actor, cancellationToken)));
        }
        return results;
    }

    public async Task<IReadOnlyList<BulkResult>> CancelAsync(CancelPosts request, User actor, CancellationToken cancellationToken)
    {
        var results = new List<BulkResult>();
        foreach (var id in RequireIds(request.Ids))
        {
            results.Add(await BulkAsync(id, () => CancelAsync(id, actor, cancellationToken)));
        }
        return results;
    }

    private static async Task<BulkResult> BulkAsync(string id, Func<Task<Post>> action)
    {
        try
        {
            return new BulkResult(id, PostTransitions.Name((await action()).Status), null);
        }
        catch (ProblemException e)
        {
            return new BulkResult(id, null, e.Detail); // one bad id does not stop the others
        }
    }

    private static string[] RequireIds(IReadOnlyList<string>? ids) =>
        ids is { Count: > 0 and <= 1000 } ? ids.Distinct().ToArray() : throw ProblemException.BadRequest("'ids' must list 1 to 1000 post ids.");

    /// <summary>The checks' findings plus the review policy's, and how many approvals the post would need.</summary>
    private async Task<(IReadOnlyList<Finding> Findings, int RequiredApprovals)> AssessAsync(
        string body, IReadOnlyList<Image> images, Account account, DateTimeOffset scheduledAt, string author, CancellationToken cancellationToken)
    {
        var findings = await RunChecksAsync(body, images, account, scheduledAt, cancellationToken);
        var earlier = await posts.CountByAuthorAsync(author, cancellationToken);
        var demand = policy.Evaluate(new PolicyInput(account.Id, body, scheduledAt, earlier, findings));
        return ([.. demand.Findings, .. findings], demand.RequiredApprovals);
    }

    private Task<IReadOnlyList<Finding>> RunChecksAsync(string body, IReadOnlyList<Image> images, Account account, DateTimeOffset scheduledAt, CancellationToken cancellationToken) =>
        metrics.RunChecksAsync(checks, new CheckInput(body, account.Profile, scheduledAt, time.GetUtcNow()) { Media = [.. images.Select(i => i.Check)] },
            CheckPhase.Submit, cancellationToken);

    /// <summary>A stored post's images as a request names them, to be checked again with it.</summary>
    private static IReadOnlyList<MediaRequest?> StoredMedia(Post post) => [.. post.Media.Select(m => new MediaRequest(m.Id, m.Alt))];

    /// <summary>An image of a post as it is stored with the post, and as the checks see it.</summary>
    private sealed record Image(PostMedia Post, CheckMedia Check);

    /// <summary>The images in order, each an uploaded media id with well-formed alt text; any other is a 400 naming it.</summary>
    private async Task<IReadOnlyList<Image>> ValidMediaAsync(IReadOnlyList<MediaRequest?>? requested, CancellationToken cancellationToken)
    {
        if (requested is null or { Count: 0 })
        {
            return [];
        }
        if (requested.Count > MaxMedia)
        {
            throw ProblemException.BadRequest($"'media' lists {requested.Count} images; the gateway takes at most {MaxMedia} a post.");
        }
        var stored = await media.GetManyAsync([.. requested.Select(m => m?.Id?.Trim() ?? "")], cancellationToken);
        var images = new List<Image>();
        for (var i = 0; i < requested.Count; i++)
        {
            var id = requested[i]?.Id?.Trim();
            if (string.IsNullOrEmpty(id))
            {
                throw ProblemException.BadRequest($"'media[{i}].id' is required: the id POST /api/media answered.");
            }
            var item = stored.GetValueOrDefault(id) ?? throw ProblemException.BadRequest($"'media[{i}].id' '{id}' is not an uploaded image; upload it with POST /api/media first.");
            var alt = requested[i]!.Alt;
            if (alt is not null && (alt.Length > MaxAlt || UnicodeText.Problem(alt) is not null))
            {
                throw ProblemException.BadRequest(alt.Length > MaxAlt
                    ? $"'media[{i}].alt' is {alt.Length} characters; at most {MaxAlt}."
                    : $"'media[{i}].alt' {UnicodeText.Problem(alt)}.");
            }
            alt = string.IsNullOrWhiteSpace(alt) ? null : alt.Trim();
            images.Add(new Image(new PostMedia(item.Id, alt), new CheckMedia(item.Id, alt, item.Type, item.Bytes, item.Width, item.Height)));
        }
        return images;
    }

    private async Task<Post> ExistingAsync(string id, CancellationToken cancellationToken) =>
        await posts.GetAsync(id, cancellationToken) ?? throw ProblemException.NotFound($"No post with id '{id}'.");

    private async Task<Account> WritableAccountAsync(string? accountId, User user, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(accountId))
        {
            throw ProblemException.BadRequest("'account' is required: the id of the account the post goes to.");
        }
        var account = await accounts.GetAsync(accountId.Trim(), cancellationToken)
            ?? throw ProblemException.BadRequest($"Unknown account '{accountId}'. GET /api/accounts lists the accounts.");
        if (!PostAccess.MayWrite(user, account))
        {
            throw ProblemException.Forbidden($"{user.Name} is not an editor of account '{account.Id}'; an admin can add them.");
        }
        return account;
    }

    private string ValidBody(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            throw ProblemException.BadRequest("'body' is empty: write the post in Markdown.");
        }
        if (body.Length > options.MaxBodyLength)
        {
            throw ProblemException.BadRequest($"'body' is {body.Length} characters; the gateway accepts at most {options.MaxBodyLength}.");
        }
        return TextProblem(body) is { } problem ? throw ProblemException.BadRequest($"'body' {problem}") : body;
    }

    /// <summary>Why the checks could not read <paramref name="body"/> (not text, or Markdown nested too deep), or null; the API and the CLI ask first.</summary>
    public static string? TextProblem(string body)
    {
        if (UnicodeText.Problem(body) is { } problem)
        {
            return problem + ".";
        }
        try
        {
            MarkdownNesting.Check(body);
            return null;
        }
        catch (MarkdownTooDeepException e)
        {
            return e.Message;
        }
    }

    private DateTimeOffset ValidTime(string? text)
    {
        var now = time.GetUtcNow();
        if (text is null)
        {
            return now;
        }
        var at = Iso8601.Parse(text, "scheduledAt");
        if (at < now - PastTolerance)
        {
            throw ProblemException.BadRequest($"'scheduledAt' {text} is in the past (now is {now:O}); pick a time from now on.");
        }
        return at < now ? now : at;
    }
}

using Gateway.Accounts;
using Gateway.Posts;
using Gateway.Users;

namespace Gateway.Auth;

/// <summary>
/// Who may see and change an account's posts, the one rule behind the API, the pages and the services. A post is
/// for the editors of its account, reviewers and admins, and so are its reviews and comments: the post carries
/// the thread too (a rejection's comment is its status reason), so the post and its thread are never split.
/// Editors of other accounts see none of it; reviewers see every account, since any of them may be asked.
/// </summary>
/// <remarks>
/// A plain class rather than an ASP.NET authorization handler: the services take a <see cref="User"/>, not a
/// <c>ClaimsPrincipal</c>, and the command line runs them without a request.
/// </remarks>
public sealed class PostAccess(PostStore posts, AccountStore accounts)
{
    public static bool MayWrite(User user, Account account) =>
        user.Role == Role.Admin || user.Role == Role.Editor && account.Editors.Contains(user.Name);

    public static bool MayRead(User user, Account account) => SeesEveryAccount(user) || MayWrite(user, account);

    /// <summary>The post, if <paramref name="user"/> may read it: 404 when there is none, 403 when it is another account's.</summary>
    public async Task<Post> ReadAsync(string id, User user, CancellationToken cancellationToken)
    {
        var post = await posts.GetAsync(id, cancellationToken) ?? throw ProblemException.NotFound($"No post with id '{id}'.");
        if (!SeesEveryAccount(user) && (await accounts.GetAsync(post.Account, cancellationToken) is not { } account || !MayRead(user, account)))
        {
            throw NotEditor(user, post.Account);
        }
        return post;
    }

    /// <summary>
    /// The accounts whose posts a list may show <paramref name="user"/>: null for every account, else the accounts
    /// they edit. Asking for another account (<paramref name="requested"/>) is refused rather than answered with an
    /// empty list, which would read as "nothing is queued there".
    /// </summary>
    public async Task<IReadOnlyList<string>?> VisibleAccountsAsync(User user, string? requested, CancellationToken cancellationToken)
    {
        if (SeesEveryAccount(user))
        {
            return null;
        }
        var visible = (await accounts.ListAsync(cancellationToken)).Where(a => MayRead(user, a)).Select(a => a.Id).ToArray();
        return requested is null || visible.Contains(requested) ? visible : throw NotEditor(user, requested);
    }

    private static bool SeesEveryAccount(User user) => user.Role is Role.Admin or Role.Reviewer;

    private static ProblemException NotEditor(User user, string account) =>
        ProblemException.Forbidden($"{user.Name} is not an editor of account '{account}': its posts, reviews and comments are for its editors, reviewers and admins.");
}

using System.Data.Common;
using Gateway.Posts;
using Gateway.Storage;

namespace Gateway.Scheduling;

/// <summary>
/// The one place where a post's state and its trigger change together, for everything people do to a post (submit,
/// edit, cancel, review, override). The change commits first, with the trigger it calls for (<see cref="Post.TriggerAt"/>),
/// then Quartz is brought in line with what was committed; a stop between the two is repaired by
/// <see cref="QueueReconciler"/> from the committed column. The fire-time path needs none of this: the trigger that
/// fired is spent, and whatever the gate decides leaves the post without one.
/// </summary>
public sealed class PostQueue(Database database, PostStore posts, PostScheduler scheduler)
{
    public async Task<Post> SubmitAsync(Post post, CancellationToken cancellationToken)
    {
        await posts.InsertAsync(post, cancellationToken);
        await scheduler.SyncAsync(post, cancellationToken);
        return post;
    }

    /// <summary>Inserts several posts in one commit (a group: all or none), then gives each its trigger.</summary>
    public async Task<IReadOnlyList<Post>> SubmitAsync(IReadOnlyList<Post> batch, CancellationToken cancellationToken)
    {
        await database.InTransactionAsync(async (c, t) =>
        {
            foreach (var post in batch)
            {
                await posts.InsertAsync(c, t, post);
            }
            return true;
        }, cancellationToken);
        foreach (var post in batch)
        {
            await scheduler.SyncAsync(post, cancellationToken);
        }
        return batch;
    }

    /// <summary>Applies <paramref name="change"/> (null when a precondition no longer holds) and the trigger that goes with it.</summary>
    public async Task<Post?> ChangeAsync(PostChange change, CancellationToken cancellationToken)
    {
        var changed = await posts.ChangeAsync(change, cancellationToken);
        if (changed is not null)
        {
            await scheduler.SyncAsync(changed, cancellationToken);
        }
        return changed;
    }

    /// <summary>Runs <paramref name="work"/>, which changes one post, in a transaction, then gives the post its trigger.</summary>
    public async Task<Post> ChangeAsync(Func<DbConnection, DbTransaction, Task<Post>> work, CancellationToken cancellationToken)
    {
        var changed = await database.InTransactionAsync(work, cancellationToken);
        await scheduler.SyncAsync(changed, cancellationToken);
        return changed;
    }
}

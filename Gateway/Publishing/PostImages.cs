using Gateway.Media;
using Gateway.Posts;

namespace Gateway.Publishing;

/// <summary>One image of a post as a publisher sends it: what the post says of it, what was stored, and the stored bytes.</summary>
public sealed record PostImage(PostMedia Media, MediaItem Item, byte[] Bytes)
{
    /// <summary>A file name for networks that want one in a multipart upload.</summary>
    public string FileName => $"{Item.Id}.{Item.Format switch { "jpeg" => "jpg", var f => f }}";
}

/// <summary>Reads a post's images for its publisher, in the post's order.</summary>
public sealed class PostImages(MediaStore store)
{
    /// <summary>
    /// Runs one image upload. A lost answer there means an image may sit unattached on the network, never that the post
    /// went out: so it is a failure worth another try (<see cref="PublishFailure.Transient"/>), not an unconfirmed send.
    /// </summary>
    public static async Task<T> UploadAsync<T>(Func<Task<T>> upload)
    {
        try
        {
            return await upload();
        }
        catch (PublishException e) when (e.Failure == PublishFailure.Uncertain)
        {
            throw new PublishException($"{e.Message} (while uploading an image; the post itself was not sent)", PublishFailure.Transient, e);
        }
    }

    public async Task<IReadOnlyList<PostImage>> LoadAsync(Post post, CancellationToken cancellationToken)
    {
        if (post.Media.Count == 0)
        {
            return [];
        }
        var items = await store.GetManyAsync([.. post.Media.Select(m => m.Id)], cancellationToken);
        var images = new List<PostImage>();
        foreach (var media in post.Media)
        {
            var item = items.GetValueOrDefault(media.Id)
                ?? throw new PublishException($"Image {media.Id} of the post is not stored on this gateway; nothing was sent.", PublishFailure.Rejected);
            byte[] bytes;
            try
            {
                bytes = await store.ReadAsync(item, cancellationToken);
            }
            catch (IOException e)
            {
                throw new PublishException($"Image {media.Id} of the post could not be read from the data directory ({e.Message}); nothing was sent.", PublishFailure.Rejected, e);
            }
            images.Add(new PostImage(media, item, bytes));
        }
        return images;
    }
}

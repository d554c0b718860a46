namespace Gateway.Posts;

/// <summary>
/// One image of a post, in the post's order: an uploaded media id (<c>POST /api/media</c>) and its alt text.
/// Both are part of what a reviewer approves (<see cref="Post.ContentHash"/>).
/// </summary>
public sealed record PostMedia(string Id, string? Alt);

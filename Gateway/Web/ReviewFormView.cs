using Gateway.Posts;

namespace Gateway.Web;

/// <summary>What <c>_ReviewForm</c> needs: the post as the reviewer read it (its hash pins the verdict to that version).</summary>
public sealed record ReviewFormView(Post Post, bool IsContributor, bool MayReview, IReadOnlyList<string> ApprovedBy, string? Comment = null);

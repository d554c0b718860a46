using Gateway.Posts;

namespace Gateway.Tests;

public sealed class PostTransitionsTests
{
    [Theory]
    [InlineData(PostStatus.Published)]
    [InlineData(PostStatus.Cancelled)]
    public void Final_statuses_go_nowhere(PostStatus final) =>
        Assert.All(Enum.GetValues<PostStatus>(), to => Assert.False(PostTransitions.IsAllowed(final, to)));

    [Fact]
    public void Only_a_scheduled_post_can_start_publishing_and_only_a_publishing_one_can_be_published()
    {
        Assert.Equal([PostStatus.Scheduled], Enum.GetValues<PostStatus>().Where(s => PostTransitions.IsAllowed(s, PostStatus.Publishing)));
        Assert.Equal([PostStatus.Held, PostStatus.Publishing], Enum.GetValues<PostStatus>().Where(s => PostTransitions.IsAllowed(s, PostStatus.Published)));
    }

    [Fact]
    public void A_held_post_is_published_only_as_an_unconfirmed_send_its_network_confirms()
    {
        var held = new Post("p", "a", "eve", "Hi", PostStatus.Held, null, DateTimeOffset.UnixEpoch, [], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null, null, 1);
        Assert.False(PostTransitions.IsAllowed(held, PostStatus.Published));
        Assert.True(PostTransitions.IsAllowed(held with { Unconfirmed = true }, PostStatus.Published));
        Assert.True(PostTransitions.IsAllowed(held, PostStatus.Cancelled));
        Assert.False(PostTransitions.IsAllowed(held with { Status = PostStatus.Cancelled, Unconfirmed = true }, PostStatus.Published));
        Assert.True(PostTransitions.IsAllowed(held with { Status = PostStatus.Publishing }, PostStatus.Published));
    }

    [Fact]
    public void Statuses_have_their_exact_api_names()
    {
        Assert.Equal(
            ["pending_review", "scheduled", "blocked", "held", "publishing", "published", "failed", "rejected", "expired", "cancelled", "draft"],
            Enum.GetValues<PostStatus>().Select(PostTransitions.Name));
        Assert.Equal(PostStatus.PendingReview, PostTransitions.Parse("pending_review"));
    }

    [Fact]
    public void A_draft_leaves_only_by_its_checks_or_a_cancel_and_nothing_becomes_one_again()
    {
        Assert.Equal([PostStatus.PendingReview, PostStatus.Scheduled, PostStatus.Blocked, PostStatus.Cancelled, PostStatus.Draft],
            Enum.GetValues<PostStatus>().Where(s => PostTransitions.IsAllowed(PostStatus.Draft, s)));
        Assert.Equal([PostStatus.Draft], Enum.GetValues<PostStatus>().Where(s => PostTransitions.IsAllowed(s, PostStatus.Draft)));
        Assert.True(PostTransitions.IsEditable(PostStatus.Draft));
        var draft = new Post("p", "a", "eve", "Hi", PostStatus.Draft, null, DateTimeOffset.UnixEpoch, [], DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null, null, 1);
        Assert.Null(draft.TriggerAt); // never waits in Quartz
    }

    [Fact]
    public void What_is_in_flight_or_final_cannot_be_edited()
    {
        Assert.False(PostTransitions.IsEditable(PostStatus.Publishing));
        Assert.False(PostTransitions.IsEditable(PostStatus.Published));
        Assert.False(PostTransitions.IsEditable(PostStatus.Cancelled));
        Assert.True(PostTransitions.IsEditable(PostStatus.Held));
        Assert.True(PostTransitions.IsEditable(PostStatus.Rejected));
    }
}

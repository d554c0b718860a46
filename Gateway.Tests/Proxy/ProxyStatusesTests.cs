using System.Net;
using Gateway.Tests.Hashtags;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Gateway.Tests.Proxy.ProxyHarness;

namespace Gateway.Tests.Proxy;

/// <summary>
/// POST /api/v1/statuses becomes a gateway post on the usual path, and the answer tells the client what became of it:
/// each row of the README's mapping table, the Idempotency-Key, and the scheduled statuses a client lists and edits.
/// </summary>
public sealed class ProxyStatusesTests
{
    private const string Clean = "Storm update: all stores are open.";

    // Over Mastodon's 500 characters: blocked by network.length.
    private static readonly string TooLong = "We are aware of the fire at our Hamburg plant. " + new string('x', 600);

    private const string Sensitive = "Our thoughts are with the victims of the shooting.";

    [Fact]
    public async Task A_status_for_now_that_goes_out_within_the_wait_answers_200_with_the_upstream_status_its_real_id_and_url()
    {
        await using var h = await StartAsync();

        var response = await h.Client.PostAsync("/api/v1/statuses", Form(("status", Clean), ("visibility", "public")));

        var status = await MastodonJsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("published", response.Headers.GetValues("X-Gateway-Status").Single());
        var upstream = Assert.Single(h.Fake.Statuses);
        Assert.Equal(upstream.Id, status.GetProperty("id").GetString());
        Assert.Equal($"{h.Fake.Url}/@acme/{upstream.Id}", status.GetProperty("url").GetString());
        Assert.Equal(Clean, upstream.Text);
        var post = Assert.Single((await (await h.Admin.GetAsync("/api/posts?account=acme")).ReadJsonAsync()).EnumerateArray());
        Assert.Equal("ed", post.GetProperty("author").GetString());
        Assert.Equal(upstream.Id, post.GetProperty("publishRef").GetString());
    }

    [Fact]
    public async Task A_repeat_with_the_same_idempotency_key_answers_the_same_status_and_makes_no_second_post()
    {
        await using var h = await StartAsync();

        var ids = new List<string>();
        foreach (var body in (string[])[Clean, Clean + " (sent again)"])
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/statuses") { Content = Support.Api.JsonContent(new { status = body }) };
            request.Headers.Add("Idempotency-Key", "abc-123");
            var response = await h.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            ids.Add((await MastodonJsonAsync(response)).GetProperty("id").GetString()!);
        }

        Assert.Equal(ids[0], ids[1]);
        Assert.Single(h.Fake.Statuses);
        Assert.Single((await (await h.Admin.GetAsync("/api/posts?account=acme")).ReadJsonAsync()).EnumerateArray());
    }

    [Fact]
    public async Task Concurrent_repeats_of_one_key_make_one_post()
    {
        await using var h = await StartAsync();
        // Later, so that every answer is the same ScheduledStatus (one for now might go out between two answers).
        var at = DateTimeOffset.UtcNow.AddHours(1).ToString("O");

        var sends = Enumerable.Range(0, 5).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/statuses") { Content = Form(("status", Clean), ("scheduled_at", at)) };
            request.Headers.Add("Idempotency-Key", "same-key");
            var response = await h.Client.SendAsync(request);
            var json = await MastodonJsonAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {json}");
            return json.GetProperty("id").GetString();
        });
        var ids = await Task.WhenAll(sends);

        Assert.Single(ids.Distinct());
        Assert.Single((await (await h.Admin.GetAsync("/api/posts?account=acme")).ReadJsonAsync()).EnumerateArray());
    }

    [Fact]
    public async Task A_status_for_now_not_yet_sent_within_the_wait_answers_202_with_a_scheduled_status_not_a_status()
    {
        await using var h = await StartAsync(new() { ["Gateway:Proxy:PublishWait"] = "00:00:00" });

        var response = await h.Client.PostAsync("/api/v1/statuses", Form(("status", Clean)));

        var body = await MastodonJsonAsync(response);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("scheduled", response.Headers.GetValues("X-Gateway-Status").Single());
        Assert.Equal(Clean, body.GetProperty("params").GetProperty("text").GetString());
        Assert.True(body.TryGetProperty("scheduled_at", out _));
        Assert.False(body.TryGetProperty("url", out _)); // not a Status: nothing claims it went out
    }

    [Fact]
    public async Task A_status_with_scheduled_at_answers_200_with_a_scheduled_status_which_the_client_lists_moves_and_cancels()
    {
        await using var h = await StartAsync();
        var at = DateTimeOffset.UtcNow.AddHours(2);

        var response = await h.Client.PostAsync("/api/v1/statuses", Form(("status", Clean), ("scheduled_at", at.ToString("O"))));

        var scheduled = await MastodonJsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = scheduled.GetProperty("id").GetString()!;
        Assert.Equal(at.ToUnixTimeSeconds(), DateTimeOffset.Parse(scheduled.GetProperty("scheduled_at").GetString()!).ToUnixTimeSeconds());
        Assert.Equal("scheduled", await h.Admin.StatusAsync(id));

        var list = await MastodonJsonAsync(await h.Client.GetAsync("/api/v1/scheduled_statuses"));
        Assert.Equal(id, Assert.Single(list.EnumerateArray()).GetProperty("id").GetString());

        var later = at.AddHours(1);
        var moved = await h.Client.PutAsync($"/api/v1/scheduled_statuses/{id}", Support.Api.JsonContent(new { scheduled_at = later.ToString("O") }));
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(later.ToUnixTimeSeconds(), DateTimeOffset.Parse((await MastodonJsonAsync(moved)).GetProperty("scheduled_at").GetString()!).ToUnixTimeSeconds());

        var soon = await h.Client.PutAsync($"/api/v1/scheduled_statuses/{id}", Form(("scheduled_at", DateTimeOffset.UtcNow.AddMinutes(2).ToString("O"))));
        Assert.Equal("The scheduled date must be in the future", await ErrorAsync(soon, HttpStatusCode.UnprocessableEntity));

        var cancelled = await h.Client.DeleteAsync($"/api/v1/scheduled_statuses/{id}");
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("{}", await cancelled.Content.ReadAsStringAsync());
        Assert.Equal("cancelled", await h.Admin.StatusAsync(id));
        Assert.Empty((await MastodonJsonAsync(await h.Client.GetAsync("/api/v1/scheduled_statuses"))).EnumerateArray());
        Assert.Equal("Record not found", await ErrorAsync(await h.Client.GetAsync($"/api/v1/scheduled_statuses/{id}"), HttpStatusCode.NotFound));
        Assert.Empty(h.Fake.Statuses);
    }

    [Fact]
    public async Task Scheduled_at_less_than_five_minutes_ahead_is_refused_as_Mastodon_does_and_makes_no_post()
    {
        await using var h = await StartAsync();

        var response = await h.Client.PostAsync("/api/v1/statuses", Form(("status", Clean), ("scheduled_at", DateTimeOffset.UtcNow.AddMinutes(4).ToString("O"))));

        Assert.Equal("The scheduled date must be in the future", await ErrorAsync(response, HttpStatusCode.UnprocessableEntity));
        Assert.Empty((await (await h.Admin.GetAsync("/api/posts")).ReadJsonAsync()).EnumerateArray());
    }

    [Fact]
    public async Task A_blocked_status_is_a_422_whose_error_is_the_findings_messages_and_the_post_is_kept_for_its_author()
    {
        await using var h = await StartAsync();

        var response = await h.Client.PostAsync("/api/v1/statuses", Form(("status", TooLong)));

        var error = await ErrorAsync(response, HttpStatusCode.UnprocessableEntity);
        var details = (await MastodonJsonAsync(response)).GetProperty("details");
        var post = await h.Editor.GetPostAsync(details.GetProperty("post").GetString()!);
        Assert.Equal("blocked", post.GetProperty("status").GetString());
        var finding = post.GetProperty("findings").EnumerateArray().First(f => f.GetProperty("severity").GetString() == "block");
        Assert.Contains(finding.GetProperty("message").GetString()!.TrimEnd('.'), error);
        Assert.Equal("blocked", details.GetProperty("status").GetString());
        Assert.Empty(h.Fake.Statuses);
    }

    [Fact]
    public async Task A_status_that_needs_review_answers_202_queued_and_waits_for_a_reviewer()
    {
        await using var h = await StartAsync();

        var response = await h.Client.PostAsync("/api/v1/statuses", Form(("status", Sensitive)));

        var body = await MastodonJsonAsync(response);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("pending_review", response.Headers.GetValues("X-Gateway-Status").Single());
        // Given the review window (30 minutes), not "now", at which the gateway would expire it unreviewed.
        Assert.True(DateTimeOffset.Parse(body.GetProperty("scheduled_at").GetString()!) > DateTimeOffset.UtcNow.AddMinutes(25), body.ToString());
        Assert.Equal("pending_review", await h.Admin.StatusAsync(body.GetProperty("id").GetString()!));
        var listed = await MastodonJsonAsync(await h.Client.GetAsync("/api/v1/scheduled_statuses"));
        Assert.Equal(body.GetProperty("id").GetString(), Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString());
        Assert.Empty(h.Fake.Statuses);
    }

    [Fact]
    public async Task During_a_freeze_a_status_is_accepted_as_queued_and_nothing_goes_out()
    {
        await using var h = await StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await h.Admin.FreezeAsync("crisis drill")).StatusCode);

        var response = await h.Client.PostAsync("/api/v1/statuses", Form(("status", Clean)));

        var body = await MastodonJsonAsync(response);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("crisis drill", Uri.UnescapeDataString(response.Headers.GetValues("X-Gateway-Frozen").Single()));
        var id = body.GetProperty("id").GetString()!;
        Assert.Contains(await h.Admin.WaitForStatusAsync(id, "held"), "held");
        Assert.Empty(h.Fake.Statuses);
    }

    [Theory]
    [InlineData("spoiler_text", "CW", "Content warnings")]
    [InlineData("visibility", "unlisted", "public statuses only")]
    [InlineData("in_reply_to_id", "1", "Replies")]
    [InlineData("language", "de", "posts in en-GB")]
    public async Task What_the_gateway_would_silently_drop_is_refused_with_a_clear_error_and_makes_no_post(string field, string value, string said)
    {
        await using var h = await StartAsync();

        var response = await h.Client.PostAsync("/api/v1/statuses", Form(("status", Clean), (field, value)));

        Assert.Contains(said, await ErrorAsync(response, HttpStatusCode.UnprocessableEntity));
        Assert.Empty((await (await h.Admin.GetAsync("/api/posts")).ReadJsonAsync()).EnumerateArray());
    }

    [Fact]
    public async Task An_empty_status_is_refused_in_Mastodons_format_not_as_problem_details()
    {
        await using var h = await StartAsync();

        var empty = await h.Client.PostAsync("/api/v1/statuses", Form(("status", "")));
        var broken = await h.Client.PostAsync("/api/v1/statuses", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));

        Assert.Contains("empty", await ErrorAsync(empty, HttpStatusCode.BadRequest));
        Assert.Contains("could not be read", await ErrorAsync(broken, HttpStatusCode.BadRequest));
    }

    /// <summary>Fails the first check run over a marked body: any failure (client gone, a database blip) while the post is made.</summary>
    private sealed class FailsOnce : Gateway.Rules.ICheck
    {
        private int _runs;
        public string Name => "fails-once";
        public bool RerunAtFireTime => false;
        public ValueTask<IReadOnlyList<Gateway.Rules.Finding>> RunAsync(Gateway.Rules.CheckInput input, CancellationToken cancellationToken) =>
            input.Body.Contains("MARK", StringComparison.Ordinal) && Interlocked.Increment(ref _runs) == 1
                ? throw new TimeoutException("database blip")
                : ValueTask.FromResult<IReadOnlyList<Gateway.Rules.Finding>>([]);
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_after_a_failed_submit_makes_the_post_once()
    {
        await using var h = await StartAsync(services: s => s.AddSingleton<Gateway.Rules.ICheck, FailsOnce>());
        HttpRequestMessage Status() => new(HttpMethod.Post, "/api/v1/statuses")
        {
            Content = Form(("status", "Road closures today MARK")), Headers = { { "Idempotency-Key", "k-1" } },
        };

        var first = await h.Client.SendAsync(Status());
        var made = await (await h.Admin.GetAsync("/api/posts?account=acme")).ReadJsonAsync();
        var retry = await h.Client.SendAsync(Status());

        Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        Assert.Equal(0, made.GetArrayLength()); // nothing was made: the key is free for the retry
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("published", retry.Headers.GetValues(Gateway.Proxy.StatusAnswer.Header).Single());
        Assert.Single(h.Fake.Statuses);
    }

    [Fact]
    public async Task A_status_for_now_whose_hashtag_is_not_known_at_submit_is_not_left_in_review_at_a_passing_time()
    {
        // The tag's first read outlasts the budget: the submit's one assessment does not know it, and decides state and time from that.
        await using var h = await StartAsync(new() { ["Gateway:HashtagHistory:Budget"] = "00:00:01" });
        h.Fake.Seed("springfield", TagTimelines.Shooting);
        h.Fake.TagDelay = TimeSpan.FromSeconds(1.6);
        h.Fake.TagReadFault = n => n == 1 ? Fakes.FakeMastodon.TagFault.Slow : Fakes.FakeMastodon.TagFault.None;

        var answer = await h.Client.PostAsync("/api/v1/statuses", Form(("status", "Our stand at the fair #springfield")));
        var json = await MastodonJsonAsync(answer);

        var state = answer.Headers.GetValues(Gateway.Proxy.StatusAnswer.Header).Single();
        // Not "in review at now", where it would expire unreviewed while the client was told it is queued.
        Assert.False(state == "pending_review" && DateTimeOffset.Parse(json.GetProperty("scheduled_at").GetString()!) < DateTimeOffset.UtcNow.AddMinutes(5), $"{(int)answer.StatusCode} {state}: {json}");
    }
}

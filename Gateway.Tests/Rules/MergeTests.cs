using Gateway.Rules;

namespace Gateway.Tests.Rules;

public class MergeTests
{
    private const string Body = "0123456789abcdefghij";

    private static Finding F(string rule, Severity severity, int start, int length, string message = "m") =>
        new(rule, severity, message, start, length, Body.Substring(start, length));

    [Fact]
    public void Overlapping_hits_of_one_rule_become_one_finding_at_the_highest_severity()
    {
        var merged = CheckPipeline.Merge(Body, [F("topic.a", Severity.Warning, 2, 5, "weak"), F("topic.a", Severity.Block, 4, 6, "strong")]);
        var finding = Assert.Single(merged);
        Assert.Equal((2, 8), (finding.Start, finding.Length));
        Assert.Equal(Severity.Block, finding.Severity);
        Assert.Equal("strong", finding.Message);
        Assert.Equal("23456789", finding.Match);
    }

    [Fact]
    public void Different_rules_on_the_same_span_merge_and_name_each_other()
    {
        var merged = CheckPipeline.Merge(Body, [F("topic.b", Severity.Review, 1, 3), F("topic.a", Severity.Block, 1, 3), F("topic.c", Severity.Review, 1, 3)]);
        var finding = Assert.Single(merged);
        Assert.Equal("topic.a", finding.Rule);
        Assert.Equal(Severity.Block, finding.Severity);
        Assert.Equal("topic.b,topic.c", finding.Evidence!["also"]);
    }

    [Fact]
    public void Separate_spans_and_different_rules_on_different_spans_stay_apart_in_a_stable_order()
    {
        var input = new[]
        {
            F("topic.b", Severity.Warning, 10, 2),
            F("network.length", Severity.Block, 5, 15),
            F("topic.a", Severity.Review, 0, 2),
            F("topic.a", Severity.Review, 3, 2),
        };
        var first = CheckPipeline.Merge(Body, input).Select(f => $"{f.Rule}@{f.Start}").ToArray();
        Assert.Equal(["topic.a@0", "topic.a@3", "network.length@5", "topic.b@10"], first);
        Assert.Equal(first, CheckPipeline.Merge(Body, input.Reverse()).Select(f => $"{f.Rule}@{f.Start}"));
    }
}

using Gateway.Reviews;
using Gateway.Rules;
using Gateway.Tests.Support;

namespace Gateway.Tests;

public sealed class ReviewPolicyTests
{
    private static ReviewPolicy Load(string yaml) => ReviewPolicy.Load(RulesCopy.With(("policy.yml", yaml)));

    private static Finding Hit(string rule, Severity severity = Severity.Review) => new(rule, severity, "m", 0, 1, "x");

    [Fact]
    public void The_shipped_policy_asks_review_only_for_review_findings_and_two_approvals_for_tragedy()
    {
        var policy = ReviewPolicy.Load(Paths.Rules);
        Assert.Equal(TimeSpan.FromHours(72), policy.ExpireAfter);
        var clean = policy.Evaluate(new PolicyInput("acme", "Hello https://example.com", DateTimeOffset.UtcNow, 0, []));
        Assert.Equal((0, 0), (clean.Findings.Count, clean.RequiredApprovals));
        Assert.Equal(1, policy.Evaluate(new PolicyInput("acme", "x", DateTimeOffset.UtcNow, 9, [Hit("topic.politics")])).RequiredApprovals);
        Assert.Equal(2, policy.Evaluate(new PolicyInput("acme", "x", DateTimeOffset.UtcNow, 9, [Hit("topic.politics"), Hit("topic.death-tragedy")])).RequiredApprovals);
    }

    [Fact]
    public void Every_rule_the_shipped_policy_names_is_a_rule_the_gateway_has()
    {
        // A misspelt id silently asks for fewer approvals than the team decided, so the shipped file is held to the real ids.
        var packRules = Gateway.Rules.Packs.StaticRulePackSource.Load(Paths.Rules).Current.Packs.Select(p => p.Rule);
        var builtIn = typeof(Finding).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);
        var known = packRules.Concat(builtIn).ToHashSet();
        var named = ReviewPolicy.Load(Paths.Rules).RuleApprovals.Keys;
        Assert.NotEmpty(named);
        Assert.All(named, rule => Assert.Contains(known, id => id == rule || id.StartsWith(rule + ".", StringComparison.Ordinal)));
    }

    [Fact]
    public void Links_office_hours_and_new_editors_are_reasons_to_review()
    {
        var policy = Load("""
            review:
              links: true
              new-editors: 2
              office-hours: { time-zone: Europe/Oslo, days: [mon, tue, wed, thu, fri], from: "08:00", to: "17:00" }
            approvals-for:
              accounts: { acme: 3 }
            """);
        var mondayNoonOslo = new DateTimeOffset(2026, 11, 30, 11, 0, 0, TimeSpan.Zero);
        var sundayNoonOslo = new DateTimeOffset(2026, 11, 29, 11, 0, 0, TimeSpan.Zero);
        Assert.Empty(policy.Evaluate(new PolicyInput("other", "Plain text", mondayNoonOslo, 5, [])).Findings);

        var link = policy.Evaluate(new PolicyInput("other", "See www.example.com", mondayNoonOslo, 5, []));
        Assert.Contains("link", Assert.Single(link.Findings).Message);
        Assert.Equal(1, link.RequiredApprovals);
        Assert.Contains("office hours", policy.Evaluate(new PolicyInput("other", "Plain", sundayNoonOslo, 5, [])).Findings.Single().Message);
        Assert.Contains("first 2 posts", policy.Evaluate(new PolicyInput("other", "Plain", mondayNoonOslo, 1, [])).Findings.Single().Message);
        Assert.Equal(3, policy.Evaluate(new PolicyInput("acme", "Plain", mondayNoonOslo, 1, [])).RequiredApprovals);
    }

    [Fact]
    public void Rule_prefixes_raise_the_approvals_only_for_their_family()
    {
        var policy = Load("approvals-for:\n  rules:\n    topic.death: 2\n");
        Assert.Equal(2, policy.Evaluate(new PolicyInput("a", "x", default, 9, [Hit("topic.death.disaster")])).RequiredApprovals);
        Assert.Equal(1, policy.Evaluate(new PolicyInput("a", "x", default, 9, [Hit("topic.deathmetal")])).RequiredApprovals);
        Assert.Equal(0, policy.Evaluate(new PolicyInput("a", "x", default, 9, [Hit("topic.death", Severity.Warning)])).RequiredApprovals);
    }

    [Theory]
    [InlineData("approvals: 5\n", 1, 12, "1, 2 or 3")]
    [InlineData("expire-after: soon\n", 1, 15, "72h")]
    [InlineData("review:\n  office-hours:\n    time-zone: Mars/Olympus\n    from: \"08:00\"\n    to: \"17:00\"\n", 3, 16, "unknown time zone")]
    [InlineData("review:\n  acounts: [a]\n", 2, 3, "unknown setting 'acounts'")]
    [InlineData("reviewers:\n  acme: rita\n", 2, 9, "must be a list")]
    public void A_broken_policy_names_file_line_and_problem(string yaml, int line, int column, string problem)
    {
        var error = Assert.Throws<RuleFileException>(() => Load(yaml));
        Assert.EndsWith("policy.yml", error.File);
        Assert.Equal((line, column), ((int)error.Line, (int)error.Column));
        Assert.Contains(problem, error.Problem);
    }
}

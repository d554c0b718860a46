using Gateway.Rules;
using Gateway.Tests.Support;
using NSubstitute;

namespace Gateway.Tests;

public sealed class HashtagContextCheckTests
{
    [Fact]
    public async Task A_known_hashtag_gets_a_finding_over_the_whole_tag()
    {
        var registry = HashtagRegistry.Load(Paths.Rules);
        var source = Substitute.For<ITrendSource>();
        source.Current.Returns(registry.Hashtags);
        source.Sensitivities.Returns(registry.Sensitivities);
        var findings = await new HashtagContextCheck(source).RunAsync(
            new CheckInput("We #MeToo love pizza", new AccountProfile("a", "x", "brand", "en"), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow), default);
        var finding = Assert.Single(findings);
        Assert.Equal(("#MeToo", 3, 6, Severity.Review), (finding.Match, finding.Start, finding.Length, finding.Severity));
    }
}

using Gateway.Rules;
using Gateway.Rules.Checks;

namespace Gateway.Tests.Rules;

public class WrongAccountCheckTests
{
    private static readonly AccountProfile Acme = TestRules.Accounts.Accounts[0];
    private static readonly AccountProfile AcmeDe = TestRules.Accounts.Accounts[1];

    private static IReadOnlyList<Finding> Run(string body, AccountProfile account, IAccountDirectory? directory = null) =>
        new WrongAccountCheck(TestRules.Source, directory ?? TestRules.Accounts).RunAsync(TestRules.Input(body, account), default).AsTask().Result;

    [Fact]
    public void Another_accounts_name_suggests_that_account_with_evidence()
    {
        const string body = "Neu bei Acme Deutschland: der Katalog!";
        var finding = Assert.Single(Run(body, Acme));
        Assert.Equal(("account.wrong-account", Severity.Review, "Acme Deutschland"), (finding.Rule, finding.Severity, finding.Match));
        Assert.Equal(body.IndexOf("Acme Deutschland", StringComparison.Ordinal), finding.Start);
        Assert.Contains("did you mean acme-de (@acme_de)?", finding.Message, StringComparison.Ordinal);
        Assert.Equal(("acme-de", "name"), (finding.Evidence!["account"], finding.Evidence["named-by"]));
    }

    [Fact]
    public void Another_accounts_handle_counts_as_a_mention_only()
    {
        Assert.Equal("handle", Assert.Single(Run("Follow @ACME_DE for more", Acme)).Evidence!["named-by"]);
        Assert.Empty(Run("Follow acme_de for more", Acme));
        Assert.Empty(Run("Follow @acme_design and @acme_de.bsky.social", Acme));
    }

    [Theory]
    [InlineData("acme-de", "Neu bei Acme Deutschland: der Katalog!")] // the right account
    [InlineData("acct", "Acme and Acme Deutschland at the fair")] // names its own account too
    [InlineData("acct", "@acme and @acme_de at the fair")]
    [InlineData("acct", "Acme-Deutschland-Fans aufgepasst")] // not the name as a whole word
    [InlineData("acct", "Mehr auf https://acme.example/@acme_de")] // inside a link
    [InlineData("acct", "Spring is here! Come and see us this weekend.")]
    public void No_finding_when_the_post_fits_its_account(string account, string body)
    {
        var findings = Run(body, TestRules.Accounts.Accounts.Single(a => a.Id == account));
        Assert.True(findings.Count == 0, TestRules.Describe(findings));
    }

    [Fact]
    public void A_name_two_accounts_share_is_nobodys_wrong_account()
    {
        var directory = new StaticAccountDirectory([
            Acme with { Names = ["Acme", "Roadrunner"] },
            AcmeDe with { Names = ["Acme Deutschland", "Roadrunner"] },
        ]);
        Assert.Empty(Run("The Roadrunner is back", Acme, directory));
    }

    [Fact]
    public async Task A_changed_directory_is_used_for_the_next_post()
    {
        var directory = new SwappableDirectory { Accounts = [Acme] };
        var check = new WrongAccountCheck(TestRules.Source, directory);
        var input = TestRules.Input("Neu bei Acme Deutschland", Acme);
        Assert.Empty(await check.RunAsync(input, default));
        directory.Accounts = [Acme, AcmeDe];
        Assert.Single(await check.RunAsync(input, default));
    }

    private sealed class SwappableDirectory : IAccountDirectory
    {
        public IReadOnlyList<AccountProfile> Accounts { get; set; } = [];
    }
}

using Gateway.Rules.Packs;

namespace Gateway.Rules.Checks;

/// <summary>
/// Personal content on an account that speaks for an organisation (<c>account.personal-content</c>): first-person
/// anecdotes, drinking, party slang, "my boss". The pack says which account kinds it applies to (brand).
/// </summary>
public sealed class PersonalContentCheck(IRulePackSource packs) : PackCheck(packs, RulePrefix)
{
    public const string RulePrefix = "account.";

    public override string Name => "personal-content";
}

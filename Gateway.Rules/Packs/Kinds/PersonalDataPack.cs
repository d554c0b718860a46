namespace Gateway.Rules.Packs.Kinds;

/// <summary>
/// <c>extends: personal-data</c>: personal data found by a detector rather than by words; <c>detect</c> names it.
/// The detector's certainty says how personal the data is, the pack's severities what that weighs (<see cref="Checks.PrivacyCheck"/>).
/// </summary>
public sealed record PersonalDataPack : IPackOptions
{
    public required PersonalData Detect { get; init; }
}

/// <summary>What a personal-data pack detects, in the order detectors claim text (a card number is not also a phone number).</summary>
public enum PersonalData
{
    PaymentCard,
    Iban,
    Email,
    Phone,
}

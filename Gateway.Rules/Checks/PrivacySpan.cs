using Gateway.Rules.Packs;

namespace Gateway.Rules.Checks;

/// <summary>
/// Personal or payment data a privacy detector found: its span in the original body, how sure it is that the data
/// is someone's own (certainty 1–3, which the pack's severity table turns into a severity) and what kind it is.
/// </summary>
public readonly record struct PrivacySpan(int Start, int Length, int Certainty, string? Kind = null, string? Region = null);

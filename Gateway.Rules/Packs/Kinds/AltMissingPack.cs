namespace Gateway.Rules.Packs.Kinds;

/// <summary>
/// <c>extends: alt-missing</c>: an image without alt text. The images come with the post, not the pack; the pack
/// holds the message (<c>{image}</c> is the image's number) and severities per account kind (<see cref="Checks.AltTextCheck"/>).
/// </summary>
public sealed record AltMissingPack : IPackOptions;

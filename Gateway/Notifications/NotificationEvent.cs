namespace Gateway.Notifications;

/// <summary>
/// Something the team should hear about. <see cref="Roles"/> says who cares (empty: everyone, as for a freeze);
/// <see cref="Account"/> lets receivers subscribe per account; <see cref="Author"/> is whose post it is (their inbox hears of its fate).
/// </summary>
public sealed record NotificationEvent(string Event, IReadOnlyList<string> Roles, string? Account, string? PostId, string Text, string? Author = null);

namespace Gateway.Users;

public sealed record User(string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt);

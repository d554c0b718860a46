namespace Gateway.Storage;

/// <summary>The schema as an append-only list of migrations. Never edit a shipped one: add the next.</summary>
public static class Schema
{
    public static IReadOnlyList<string> Migrations(ISqlDialect dialect) =>
    [
        $"""
        CREATE TABLE users (
            name TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            disabled_at TEXT NULL
        );
        CREATE TABLE accounts (
            id TEXT PRIMARY KEY,
            network TEXT NOT NULL,
            kind TEXT NOT NULL,
            language TEXT NOT NULL,
            publisher TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE account_editors (
            account_id TEXT NOT NULL REFERENCES accounts (id),
            user_name TEXT NOT NULL REFERENCES users (name),
            PRIMARY KEY (account_id, user_name)
        );
        CREATE TABLE posts (
            id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts (id),
            author TEXT NOT NULL,
            body TEXT NOT NULL,
            status TEXT NOT NULL,
            status_reason TEXT NULL,
            scheduled_at TEXT NOT NULL,
            findings TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            published_at TEXT NULL,
            publish_ref TEXT NULL,
            version INTEGER NOT NULL
        );
        CREATE INDEX ix_posts_status_scheduled ON posts (status, scheduled_at);
        CREATE INDEX ix_posts_account ON posts (account_id, scheduled_at);
        CREATE TABLE freezes (
            id TEXT PRIMARY KEY,
            reason TEXT NOT NULL,
            frozen_by TEXT NOT NULL,
            frozen_at TEXT NOT NULL,
            lifted_by TEXT NULL,
            lifted_at TEXT NULL,
            lift_reason TEXT NULL
        );
        CREATE INDEX ix_freezes_active ON freezes (lifted_at);
        CREATE TABLE audit (
            id {dialect.AutoIncrementKey},
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT NULL,
            details TEXT NULL
        );
        CREATE INDEX ix_audit_action ON audit (action, id);
        CREATE INDEX ix_audit_subject ON audit (subject, id);
        """,
    ];
}

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
        $"""
        ALTER TABLE posts ADD COLUMN required_approvals INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE reviews (
            id {dialect.AutoIncrementKey},
            post_id TEXT NOT NULL REFERENCES posts (id),
            reviewer TEXT NOT NULL,
            verdict TEXT NOT NULL,
            comment TEXT NULL,
            content_hash TEXT NOT NULL,
            at TEXT NOT NULL,
            voided_at TEXT NULL
        );
        CREATE INDEX ix_reviews_post ON reviews (post_id, id);
        CREATE UNIQUE INDEX ux_reviews_one_approval ON reviews (post_id, reviewer, content_hash) WHERE verdict = 'approve';
        CREATE TABLE comments (
            id {dialect.AutoIncrementKey},
            post_id TEXT NOT NULL REFERENCES posts (id),
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE INDEX ix_comments_post ON comments (post_id, id);
        CREATE TABLE notifications (
            id {dialect.AutoIncrementKey},
            event TEXT NOT NULL,
            post_id TEXT NULL,
            account_id TEXT NULL,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE deliveries (
            notification_id INTEGER NOT NULL REFERENCES notifications (id),
            webhook TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt_at TEXT NOT NULL,
            delivered_at TEXT NULL,
            last_error TEXT NULL,
            PRIMARY KEY (notification_id, webhook)
        );
        CREATE INDEX ix_deliveries_due ON deliveries (delivered_at, next_attempt_at);
        """,
        """
        ALTER TABLE freezes ADD COLUMN scope TEXT NOT NULL DEFAULT 'global';
        ALTER TABLE freezes ADD COLUMN rule TEXT NULL;
        CREATE TABLE freeze_accounts (
            freeze_id TEXT NOT NULL REFERENCES freezes (id),
            account_id TEXT NOT NULL REFERENCES accounts (id),
            PRIMARY KEY (freeze_id, account_id)
        );
        CREATE INDEX ix_freeze_accounts_account ON freeze_accounts (account_id);
        ALTER TABLE posts ADD COLUMN crisis_statement INTEGER NOT NULL DEFAULT 0;
        """,
        """
        CREATE TABLE trends (
            tag TEXT PRIMARY KEY,
            context TEXT NOT NULL,
            sensitivity TEXT NOT NULL,
            keywords TEXT NOT NULL,
            expires_at TEXT NULL,
            pushed_by TEXT NOT NULL,
            pushed_at TEXT NOT NULL
        );
        """,
        // Who had a hand in a post's text or time: none of them may give its second opinion. Existing posts get
        // their author and whoever edited them, from the audit log.
        // unconfirmed: held because a send was interrupted; the network may have it (publishers that can look answer).
        """
        CREATE TABLE post_contributors (
            post_id TEXT NOT NULL REFERENCES posts (id),
            user_name TEXT NOT NULL,
            PRIMARY KEY (post_id, user_name)
        );
        INSERT INTO post_contributors (post_id, user_name) SELECT id, author FROM posts;
        INSERT INTO post_contributors (post_id, user_name)
            SELECT DISTINCT a.subject, a.actor FROM audit a JOIN posts p ON p.id = a.subject WHERE a.action = 'post.edited'
            ON CONFLICT DO NOTHING;
        ALTER TABLE posts ADD COLUMN unconfirmed INTEGER NOT NULL DEFAULT 0;
        UPDATE posts SET unconfirmed = 1 WHERE status = 'held'
            AND (status_reason LIKE 'Stopped while publishing%' OR status_reason LIKE 'The gateway stopped while this post was being published%');
        """,
        // An account's connection: its secrets as one Data Protection payload (never plain), and what the network said.
        // oauth_pending: an authorization on its way through the network's consent page, found again by its state.
        """
        CREATE TABLE account_connections (
            account_id TEXT PRIMARY KEY REFERENCES accounts (id),
            secret TEXT NULL,
            identity TEXT NULL,
            checked_at TEXT NULL,
            expires_at TEXT NULL,
            problem TEXT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE oauth_pending (
            state_hash TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts (id),
            user_name TEXT NOT NULL,
            secret TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        ALTER TABLE posts ADD COLUMN publish_url TEXT NULL;
        """,
        // nodes: the gateways sharing this database, each checking in; a send whose node stopped checking in is settled by the others.
        // data_protection_keys: the key ring every node shares, so a secret saved on one node opens on another.
        """
        CREATE TABLE nodes (
            id TEXT PRIMARY KEY,
            started_at TEXT NOT NULL,
            seen_at TEXT NOT NULL
        );
        ALTER TABLE posts ADD COLUMN publishing_node TEXT NULL;
        ALTER TABLE posts ADD COLUMN held_for TEXT NULL;
        CREATE INDEX ix_posts_held_for ON posts (held_for);
        CREATE TABLE data_protection_keys (
            name TEXT PRIMARY KEY,
            xml TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        """,
        // Who an account is, for the checks: its handle and brand names (wrong account), the region its phone numbers
        // are read in, its own published numbers and e-mail domains (privacy). Lists are JSON arrays; NULL is none.
        """
        ALTER TABLE accounts ADD COLUMN handle TEXT NULL;
        ALTER TABLE accounts ADD COLUMN names TEXT NULL;
        ALTER TABLE accounts ADD COLUMN phone_region TEXT NULL;
        ALTER TABLE accounts ADD COLUMN phones TEXT NULL;
        ALTER TABLE accounts ADD COLUMN email_domains TEXT NULL;
        """,
        // The trigger each post should have (Post.TriggerAt), committed with its state: Quartz is brought in line after
        // the commit, and QueueReconciler repairs a stop between the two from this column.
        """
        ALTER TABLE posts ADD COLUMN trigger_at TEXT NULL;
        UPDATE posts SET trigger_at = scheduled_at WHERE status = 'scheduled' OR (status = 'pending_review' AND crisis_statement = 0);
        CREATE INDEX ix_posts_trigger_at ON posts (trigger_at);
        """,
        // The topic pack a live trend belongs to (violence for a shooting): its findings weigh at least review while
        // the trend is live. NULL is none.
        """
        ALTER TABLE trends ADD COLUMN topic TEXT NULL;
        """,
        // Posts written once for several accounts share a group id; a draft may be saved without a time (untimed:
        // scheduled_at then holds when it was saved, for ordering, and nothing is scheduled).
        """
        ALTER TABLE posts ADD COLUMN group_id TEXT NULL;
        ALTER TABLE posts ADD COLUMN untimed INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX ix_posts_group ON posts (group_id);
        """,
        // API tokens, several per user, each named, revocable and optionally expiring. The token every user had moves
        // here as 'initial'; users.token_hash stays (SQLite cannot drop a UNIQUE column) and is never read again.
        """
        CREATE TABLE api_tokens (
            id TEXT PRIMARY KEY,
            user_name TEXT NOT NULL REFERENCES users (name),
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            expires_at TEXT NULL,
            last_used_at TEXT NULL,
            revoked_at TEXT NULL
        );
        CREATE INDEX ix_api_tokens_user ON api_tokens (user_name, created_at);
        INSERT INTO api_tokens (id, user_name, name, token_hash, created_at)
            SELECT 'initial-' || name, name, 'initial', token_hash, created_at FROM users;
        UPDATE users SET token_hash = 'unused:' || name;
        """,
        // Each user's in-app notifications (the dashboard's bell): the event's text copied per recipient, read or not.
        $"""
        CREATE TABLE user_notifications (
            id {dialect.AutoIncrementKey},
            user_name TEXT NOT NULL REFERENCES users (name),
            event TEXT NOT NULL,
            post_id TEXT NULL,
            account_id TEXT NULL,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            read_at TEXT NULL
        );
        CREATE INDEX ix_user_notifications_user ON user_notifications (user_name, read_at, id);
        """,
        // Uploaded images (their bytes are files in the data directory, named by id), and each post's images in order
        // as a JSON array of {id, alt}; NULL is none.
        """
        CREATE TABLE media (
            id TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            bytes BIGINT NOT NULL,
            sha256 TEXT NOT NULL,
            removed TEXT NOT NULL,
            uploaded_by TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        ALTER TABLE posts ADD COLUMN media TEXT NULL;
        """,
        // The Mastodon-compatible proxy: tokens bound to one user and one account (stored hashed), the OAuth apps
        // clients register and their short-lived codes, each user's Idempotency-Keys for an hour, and the descriptions
        // (alt texts) given to images uploaded through the proxy, by uploader.
        """
        CREATE TABLE proxy_tokens (
            id TEXT PRIMARY KEY,
            user_name TEXT NOT NULL REFERENCES users (name),
            account_id TEXT NOT NULL REFERENCES accounts (id),
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            client_id TEXT NULL,
            scopes TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_used_at TEXT NULL,
            revoked_at TEXT NULL
        );
        CREATE INDEX ix_proxy_tokens_account ON proxy_tokens (account_id, created_at);
        CREATE TABLE proxy_apps (
            client_id TEXT PRIMARY KEY,
            secret_hash TEXT NOT NULL,
            name TEXT NOT NULL,
            redirect_uris TEXT NOT NULL,
            scopes TEXT NOT NULL,
            website TEXT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE proxy_codes (
            code_hash TEXT PRIMARY KEY,
            client_id TEXT NOT NULL REFERENCES proxy_apps (client_id),
            user_name TEXT NOT NULL,
            account_id TEXT NOT NULL,
            redirect_uri TEXT NOT NULL,
            challenge TEXT NOT NULL,
            scopes TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE TABLE proxy_idempotency (
            user_name TEXT NOT NULL,
            account_id TEXT NOT NULL,
            idempotency_key TEXT NOT NULL,
            post_id TEXT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (user_name, account_id, idempotency_key)
        );
        CREATE TABLE proxy_media (
            media_id TEXT NOT NULL REFERENCES media (id),
            user_name TEXT NOT NULL,
            description TEXT NULL,
            PRIMARY KEY (media_id, user_name)
        );
        """,
    ];
}

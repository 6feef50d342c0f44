-- The security activity of each account (append-only; purged after `activity_keep`).
CREATE TABLE security_activity (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    ip TEXT,
    user_agent TEXT,
    detail TEXT
);
CREATE INDEX security_activity_user ON security_activity (user_id, at);
CREATE INDEX security_activity_at ON security_activity (at);

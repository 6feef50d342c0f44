-- Users, roles and the security flows' state, after Flask-Security-Too's fsqla v3 model.
--
-- `email_key` and `username_key` hold the lower-cased address and user name. They carry the
-- unique indexes, so uniqueness and look-ups are case-insensitive through a plain index on
-- every backend; the datastore keeps them in sync with `email` and `username`.

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    username TEXT,
    username_key TEXT,
    password TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    fs_uniquifier TEXT NOT NULL,
    fs_token_uniquifier TEXT NOT NULL,
    confirmed_at TIMESTAMP,
    last_login_at TIMESTAMP,
    current_login_at TIMESTAMP,
    last_login_ip TEXT,
    current_login_ip TEXT,
    login_count INTEGER NOT NULL DEFAULT 0,
    tf_primary_method TEXT,
    tf_totp_secret TEXT,
    tf_phone_number TEXT,
    us_totp_secrets TEXT,
    us_phone_number TEXT,
    mf_recovery_codes TEXT,
    extra TEXT NOT NULL DEFAULT '{}',
    create_datetime TIMESTAMP NOT NULL,
    update_datetime TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email_key);
CREATE UNIQUE INDEX users_username_key ON users (username_key);
CREATE UNIQUE INDEX users_fs_uniquifier ON users (fs_uniquifier);
CREATE UNIQUE INDEX users_fs_token_uniquifier ON users (fs_token_uniquifier);

CREATE TABLE roles (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    permissions TEXT,
    update_datetime TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX roles_name ON roles (name);

CREATE TABLE roles_users (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id BIGINT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, role_id)
);
CREATE INDEX roles_users_role_id ON roles_users (role_id);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    fs_uniquifier TEXT,
    data TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    fresh_at TIMESTAMP,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE mail_outbox (
    id BIGSERIAL PRIMARY KEY,
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_at);

CREATE TABLE one_time_codes (
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, purpose)
);

CREATE TABLE counters (
    "key" TEXT PRIMARY KEY,
    count BIGINT NOT NULL,
    window_start TIMESTAMP NOT NULL
);

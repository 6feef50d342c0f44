-- Users, roles and the security flows' state, after Flask-Security-Too's fsqla v3 model.
--
-- `email_key` and `username_key` hold the lower-cased address and user name. They carry the
-- unique indexes, so uniqueness and look-ups are case-insensitive through a plain index on
-- every backend; the datastore keeps them in sync with `email` and `username`.
-- Every table uses the binary utf8mb4 collation so that comparisons (role names, hashes,
-- keys) are exact, as they are on PostgreSQL and SQLite. Times are DATETIME(6): naive UTC
-- with microseconds, like PostgreSQL's TIMESTAMP.

CREATE TABLE users (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    email_key VARCHAR(255) NOT NULL,
    username VARCHAR(255),
    username_key VARCHAR(255),
    password TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    fs_uniquifier VARCHAR(255) NOT NULL,
    fs_token_uniquifier VARCHAR(255) NOT NULL,
    confirmed_at DATETIME(6),
    last_login_at DATETIME(6),
    current_login_at DATETIME(6),
    last_login_ip VARCHAR(255),
    current_login_ip VARCHAR(255),
    login_count INTEGER NOT NULL DEFAULT 0,
    tf_primary_method VARCHAR(255),
    tf_totp_secret TEXT,
    tf_phone_number VARCHAR(255),
    us_totp_secrets TEXT,
    us_phone_number VARCHAR(255),
    mf_recovery_codes TEXT,
    extra MEDIUMTEXT NOT NULL DEFAULT ('{}'),
    create_datetime DATETIME(6) NOT NULL,
    update_datetime DATETIME(6) NOT NULL,
    UNIQUE KEY users_email_key (email_key),
    UNIQUE KEY users_username_key (username_key),
    UNIQUE KEY users_fs_uniquifier (fs_uniquifier),
    UNIQUE KEY users_fs_token_uniquifier (fs_token_uniquifier)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE roles (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    description TEXT,
    permissions TEXT,
    update_datetime DATETIME(6) NOT NULL,
    UNIQUE KEY roles_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE roles_users (
    user_id BIGINT NOT NULL,
    role_id BIGINT NOT NULL,
    PRIMARY KEY (user_id, role_id),
    KEY roles_users_role_id (role_id),
    CONSTRAINT roles_users_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT roles_users_role_fk FOREIGN KEY (role_id) REFERENCES roles (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE sessions (
    id_hash VARCHAR(255) NOT NULL PRIMARY KEY,
    kind VARCHAR(32) NOT NULL,
    user_id BIGINT,
    fs_uniquifier VARCHAR(255),
    data MEDIUMTEXT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    last_seen_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    fresh_at DATETIME(6),
    ip VARCHAR(255),
    user_agent TEXT,
    KEY sessions_user_id (user_id),
    KEY sessions_expires_at (expires_at),
    CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE mail_outbox (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text MEDIUMTEXT NOT NULL,
    body_html MEDIUMTEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(6) NOT NULL,
    last_error TEXT,
    created_at DATETIME(6) NOT NULL,
    sent_at DATETIME(6),
    KEY mail_outbox_due (sent_at, next_attempt_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE one_time_codes (
    user_id BIGINT NOT NULL,
    purpose VARCHAR(255) NOT NULL,
    code_hash VARCHAR(255) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    PRIMARY KEY (user_id, purpose),
    CONSTRAINT one_time_codes_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE counters (
    `key` VARCHAR(255) NOT NULL PRIMARY KEY,
    count BIGINT NOT NULL,
    window_start DATETIME(6) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

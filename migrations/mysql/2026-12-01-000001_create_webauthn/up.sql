-- Passkeys (WebAuthn credentials) and the state of WebAuthn ceremonies in progress.
-- A credential id is at most 1023 bytes, 1364 characters of base64url: ASCII keeps its unique
-- index within InnoDB's key length.
CREATE TABLE webauthn_credentials (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    credential_id VARCHAR(1400) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    name VARCHAR(64) NOT NULL,
    `usage` VARCHAR(16) NOT NULL,
    passkey TEXT NOT NULL,
    create_datetime DATETIME(6) NOT NULL,
    last_use_datetime DATETIME(6),
    UNIQUE INDEX webauthn_credentials_credential (credential_id),
    UNIQUE INDEX webauthn_credentials_name (user_id, name),
    CONSTRAINT webauthn_credentials_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE webauthn_states (
    token_hash VARCHAR(128) NOT NULL PRIMARY KEY,
    ceremony VARCHAR(32) NOT NULL,
    user_id BIGINT,
    state MEDIUMTEXT NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    INDEX webauthn_states_expires (expires_at),
    CONSTRAINT webauthn_states_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

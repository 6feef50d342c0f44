-- Passkeys (WebAuthn credentials) and the state of WebAuthn ceremonies in progress.
CREATE TABLE webauthn_credentials (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    usage TEXT NOT NULL,
    passkey TEXT NOT NULL,
    create_datetime TIMESTAMP NOT NULL,
    last_use_datetime TIMESTAMP,
    UNIQUE (user_id, name)
);

CREATE TABLE webauthn_states (
    token_hash TEXT PRIMARY KEY NOT NULL,
    ceremony TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX webauthn_states_expires ON webauthn_states (expires_at);

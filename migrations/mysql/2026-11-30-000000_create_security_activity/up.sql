-- The security activity of each account (append-only; purged after `activity_keep`).
CREATE TABLE security_activity (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    kind VARCHAR(64) NOT NULL,
    at DATETIME(6) NOT NULL,
    ip VARCHAR(255),
    user_agent VARCHAR(255),
    detail VARCHAR(255),
    INDEX security_activity_user (user_id, at),
    INDEX security_activity_at (at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

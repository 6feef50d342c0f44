//! The one Diesel schema shared by the three backends; `migrations/{sqlite,postgres,mysql}` create
//! it on each.

diesel::table! {
    /// Accounts, after Flask-Security-Too's fsqla v3 `User`.
    users (id) {
        /// Primary key.
        id -> BigInt,
        /// The address as given.
        email -> Text,
        /// `email` lower-cased: carries the unique index used for look-ups.
        email_key -> Text,
        /// Optional user name as given.
        username -> Nullable<Text>,
        /// `username` lower-cased, unique.
        username_key -> Nullable<Text>,
        /// Password hash.
        password -> Nullable<Text>,
        /// Whether the account may sign in.
        active -> Bool,
        /// Session uniquifier.
        fs_uniquifier -> Text,
        /// Token uniquifier.
        fs_token_uniquifier -> Text,
        /// When the address was confirmed.
        confirmed_at -> Nullable<Timestamp>,
        /// The login before the current one.
        last_login_at -> Nullable<Timestamp>,
        /// The latest login.
        current_login_at -> Nullable<Timestamp>,
        /// Address of the login before the current one.
        last_login_ip -> Nullable<Text>,
        /// Address of the latest login.
        current_login_ip -> Nullable<Text>,
        /// Successful interactive logins.
        login_count -> Integer,
        /// Second factor in use.
        tf_primary_method -> Nullable<Text>,
        /// Encrypted TOTP secret.
        tf_totp_secret -> Nullable<Text>,
        /// Phone for SMS second factor.
        tf_phone_number -> Nullable<Text>,
        /// Encrypted unified sign-in secrets.
        us_totp_secrets -> Nullable<Text>,
        /// Phone for unified sign-in.
        us_phone_number -> Nullable<Text>,
        /// Hashed recovery codes.
        mf_recovery_codes -> Nullable<Text>,
        /// Application fields, a JSON object.
        extra -> Text,
        /// Creation time (UTC).
        create_datetime -> Timestamp,
        /// Last change (UTC).
        update_datetime -> Timestamp,
    }
}

diesel::table! {
    /// Roles, after fsqla v3 `Role`.
    roles (id) {
        /// Primary key.
        id -> BigInt,
        /// Unique name.
        name -> Text,
        /// Free text.
        description -> Nullable<Text>,
        /// Comma-separated permission names, as fsqla v3 stores them.
        permissions -> Nullable<Text>,
        /// Last change (UTC).
        update_datetime -> Timestamp,
    }
}

diesel::table! {
    /// Which user holds which role.
    roles_users (user_id, role_id) {
        /// The user.
        user_id -> BigInt,
        /// The role.
        role_id -> BigInt,
    }
}

diesel::table! {
    /// Server-side sessions and remember-me tokens.
    sessions (id_hash) {
        /// SHA-256 of the cookie secret.
        id_hash -> Text,
        /// `session` or `remember`.
        kind -> Text,
        /// The signed-in user.
        user_id -> Nullable<BigInt>,
        /// The user's uniquifier at sign-in.
        fs_uniquifier -> Nullable<Text>,
        /// JSON object.
        data -> Text,
        /// Creation time (UTC).
        created_at -> Timestamp,
        /// Last use (UTC).
        last_seen_at -> Timestamp,
        /// End of life (UTC).
        expires_at -> Timestamp,
        /// Last proof of identity (UTC).
        fresh_at -> Nullable<Timestamp>,
        /// Client address.
        ip -> Nullable<Text>,
        /// Client user agent.
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    /// Queued mail.
    mail_outbox (id) {
        /// Primary key.
        id -> BigInt,
        /// Sender.
        sender -> Text,
        /// Recipient.
        recipient -> Text,
        /// Subject.
        subject -> Text,
        /// text/plain part.
        body_text -> Text,
        /// text/html part.
        body_html -> Text,
        /// Attempts made.
        attempts -> Integer,
        /// Not before (UTC).
        next_attempt_at -> Timestamp,
        /// Last failure.
        last_error -> Nullable<Text>,
        /// Queued at (UTC).
        created_at -> Timestamp,
        /// Delivered at (UTC).
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Hashed one-time codes, one per user and purpose.
    one_time_codes (user_id, purpose) {
        /// The owner.
        user_id -> BigInt,
        /// What the code is for.
        purpose -> Text,
        /// HMAC of the code.
        code_hash -> Text,
        /// Refused after (UTC).
        expires_at -> Timestamp,
    }
}

diesel::table! {
    /// Throttling counters.
    counters (key) {
        /// What is counted.
        key -> Text,
        /// Hits in the current window.
        count -> BigInt,
        /// Start of the current window (UTC).
        window_start -> Timestamp,
    }
}

diesel::table! {
    /// The security activity of each account: append-only, purged after `activity_keep`.
    security_activity (id) {
        /// Primary key, in order of recording.
        id -> BigInt,
        /// The account.
        user_id -> BigInt,
        /// What happened ([`ActivityKind`](crate::datastore::ActivityKind) name).
        kind -> Text,
        /// When (UTC).
        at -> Timestamp,
        /// Client address.
        ip -> Nullable<Text>,
        /// Client `User-Agent`.
        user_agent -> Nullable<Text>,
        /// Detail, such as the sign-in method.
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    /// Passkeys (WebAuthn credentials).
    webauthn_credentials (id) {
        /// Primary key.
        id -> BigInt,
        /// The owner.
        user_id -> BigInt,
        /// The credential id, base64url; unique.
        credential_id -> Text,
        /// The owner's name for it; unique per owner.
        name -> Text,
        /// `first` or `secondary`.
        usage -> Text,
        /// Serialised public key and sign count (JSON).
        passkey -> Text,
        /// Registered at (UTC).
        create_datetime -> Timestamp,
        /// Last used at (UTC).
        last_use_datetime -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// WebAuthn ceremonies in progress, used once.
    webauthn_states (token_hash) {
        /// HMAC of the state token.
        token_hash -> Text,
        /// Which ceremony.
        ceremony -> Text,
        /// The user, unless a discoverable sign-in.
        user_id -> Nullable<BigInt>,
        /// Serialised ceremony state (JSON).
        state -> Text,
        /// Refused after (UTC).
        expires_at -> Timestamp,
    }
}

diesel::joinable!(roles_users -> users (user_id));
diesel::joinable!(roles_users -> roles (role_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(one_time_codes -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    roles,
    roles_users,
    sessions,
    mail_outbox,
    one_time_codes,
    counters,
    security_activity,
    webauthn_credentials,
    webauthn_states,
);

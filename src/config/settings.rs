//! `SecurityConfig`: the settings, their documentation and their defaults.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::choices::{
    AuthMechanism, ComplexityChecker, IdentityAttribute, LogoutMethod, PasswordHashScheme,
    TwoFactorMethod, UnifiedMethod,
};
use super::duration::{seconds_or_within, WithinDelta};
use super::mail::MailConfig;

/// Declares [`SecurityConfig`] with every field's default next to it, and its `Default`.
macro_rules! settings {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$field_meta:meta])*
                pub $field:ident : $ty:ty = $default:expr,
            )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $(
                $(#[$field_meta])*
                pub $field: $ty,
            )*
        }

        impl Default for $name {
            fn default() -> Self {
                $name {
                    $($field: $default,)*
                }
            }
        }
    };
}

/// Owned copies of string settings.
fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|s| s.to_string()).collect()
}

settings! {
/// Every setting of rocket_security, read from `[<profile>.security]` in `Rocket.toml` or from
/// `ROCKET_SECURITY_*`-style environment overrides through Rocket's figment.
///
/// Each field documents its default. A wrong type, a malformed duration or a value outside a
/// closed set (a method, a scheme) stops the launch with a message naming the key and the
/// value; an unknown key is logged as a warning and ignored.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SecurityConfig {
    // ----- features -----
    /// Mount `/register`. Default: `false`.
    pub registerable: bool = false,
    /// Require e-mail confirmation and mount `/confirm`. Default: `false`.
    pub confirmable: bool = false,
    /// Mount `/reset` (forgot password). Default: `false`.
    pub recoverable: bool = false,
    /// Mount `/change` (change password). Default: `false`.
    pub changeable: bool = false,
    /// Mount `/change-email`. Default: `false`.
    pub change_email: bool = false,
    /// Record login counts, times and addresses. Default: `false`.
    pub trackable: bool = false,
    /// Mount the two-factor routes (`/tf-*`). Default: `false`.
    pub two_factor: bool = false,
    /// Mount unified sign-in (`/us-*`). Default: `false`.
    pub unified_signin: bool = false,
    /// Mount the recovery-code routes (`/mf-*`). Default: `false`.
    pub multi_factor_recovery_codes: bool = false,
    /// Mount the passkey (WebAuthn) routes (`/wan-*`); needs the `webauthn` cargo feature.
    /// Default: `false`.
    pub webauthn: bool = false,
    /// Let every guard pass, as if every request were signed in (for tests of the app).
    /// Default: `false`.
    pub login_disabled: bool = false,

    // ----- passwords -----
    /// The pepper: HMAC key applied to every password before hashing. Required in release
    /// builds; in debug builds one is generated and kept next to the database.
    pub password_salt: Option<String> = None,
    /// Password hash scheme. Only `"argon2"` (Argon2id) is supported. Default: `"argon2"`.
    pub password_hash: PasswordHashScheme = PasswordHashScheme::Argon2,
    /// Minimum password length, in characters after NFKC normalisation. Default: `8`; NIST
    /// SP 800-63B asks for 15 where the password is the only factor.
    pub password_length_min: usize = 8,
    /// Maximum password length, in characters; at least 64, as NIST SP 800-63B asks.
    /// Default: `128`.
    pub password_length_max: usize = 128,
    /// Strength check of new passwords: `"zxcvbn"` scores them with zxcvbn, the account's
    /// e-mail and username counting as easy guesses. Default: `None`.
    pub password_complexity_checker: Option<ComplexityChecker> = None,
    /// The lowest zxcvbn score (0 to 4) a new password needs. Default: `3`.
    pub zxcvbn_minimum_score: u8 = 3,
    /// Refuse new passwords on the crate's offline list of 300,000 common breached passwords.
    /// Default: `false`.
    pub password_check_breached: bool = false,
    /// Argon2 memory cost in KiB. Default: `19456` (OWASP's floor).
    pub argon2_memory_kib: u32 = 19_456,
    /// Argon2 iterations. Default: `2`.
    pub argon2_iterations: u32 = 2,
    /// Argon2 lanes. Default: `1`.
    pub argon2_parallelism: u32 = 1,
    /// Dedicated threads hashing and verifying passwords; `0` means one per core. Default: `0`.
    pub password_hash_workers: usize = 0,
    /// Hashing jobs that may wait for a free thread. A request finding the queue full is
    /// answered at once with 503 and `Retry-After` instead of waiting. Default: `64`.
    pub password_hash_queue: usize = 64,

    // ----- behaviour -----
    /// Never reveal whether an account exists (login, forgot, confirm, register, change-email,
    /// unified sign-in answer identically). Default: `true`.
    pub return_generic_responses: bool = true,
    /// Let unconfirmed users sign in. Default: `false`.
    pub login_without_confirmation: bool = false,
    /// Sign the user in after following a confirmation link. Default: `false`.
    pub auto_login_after_confirm: bool = false,
    /// Sign the user in after a password reset. Default: `false`.
    pub auto_login_after_reset: bool = false,
    /// Send the `Welcome` mail at registration. Default: `true`.
    pub send_register_email: bool = true,
    /// Send a notice when a password is changed. Default: `true`.
    pub send_password_change_email: bool = true,
    /// Send a notice when a password is reset. Default: `true`.
    pub send_password_reset_notice_email: bool = true,
    /// Attributes a user may sign in with: `"email"`, and `"username"` when
    /// `username_enable` is on (which adds it). Default: `["email"]`.
    pub user_identity_attributes: Vec<IdentityAttribute> = vec![IdentityAttribute::Email],

    // ----- usernames and account deletion -----
    /// Give accounts a username: an optional field at registration, sign-in with e-mail or
    /// username, the username in the user payload. Default: `false`.
    pub username_enable: bool = false,
    /// Registration needs a username. Default: `false`.
    pub username_required: bool = false,
    /// Fewest characters of a username. Default: `4`.
    pub username_min_length: usize = 4,
    /// Most characters of a username. Default: `32`.
    pub username_max_length: usize = 32,
    /// Mount `/change-username`. Default: `false`.
    pub change_username: bool = false,
    /// Mail the owner when their username changes. Default: `true`.
    pub send_username_change_email: bool = true,
    /// Mount `/recover-username`, which mails the username to the account's address.
    /// Default: `false`.
    pub username_recovery: bool = false,
    /// Subject of the username recovery mail. Default: `"Your requested username"`.
    pub email_subject_username_recovery: String = "Your requested username".into(),
    /// Subject of the username change notice. Default: `"Your username has been changed"`.
    pub email_subject_username_change_notice: String = "Your username has been changed".into(),
    /// Mount `/delete-account`, where a freshly signed-in user deletes their own account.
    /// Default: `false`.
    pub deletable: bool = false,
    /// Subject of the mail confirming an account's deletion. Default: `"Your account has been deleted"`.
    pub email_subject_account_deleted: String = "Your account has been deleted".into(),
    /// Report outcomes of HTML forms as flashes on the next page. Default: `true`.
    pub flash_messages: bool = true,

    // ----- lifetimes -----
    /// How long a confirmation link works. Default: `"5 days"`.
    pub confirm_email_within: WithinDelta = WithinDelta::new("5 days"),
    /// How long a password-reset link works. Default: `"1 days"`.
    pub reset_password_within: WithinDelta = WithinDelta::new("1 days"),
    /// How long a change-of-email link works. Default: `"2 hours"`.
    pub change_email_within: WithinDelta = WithinDelta::new("2 hours"),
    /// How long a sign-in counts as fresh for sensitive changes. Default: `"24 hours"`.
    pub freshness: WithinDelta = WithinDelta::new("24 hours"),
    /// Extra time after `freshness` in which a request that started fresh still passes.
    /// Default: `"1 hours"`.
    pub freshness_grace_period: WithinDelta = WithinDelta::new("1 hours"),
    /// How long an idle session lives. Default: `"7 days"`.
    pub session_idle_timeout: WithinDelta = WithinDelta::new("7 days"),
    /// How long a session lives at most. Default: `"30 days"`.
    pub session_absolute_timeout: WithinDelta = WithinDelta::new("30 days"),

    // ----- routes and views -----
    /// Prefix of every security route, for example `"/auth"`. Default: `""`.
    pub url_prefix: String = String::new(),
    /// Where to go after login when no `next` is given. Default: `"/"`.
    pub post_login_view: String = "/".into(),
    /// Where to go after logout. Default: `"/"`.
    pub post_logout_view: String = "/".into(),
    /// Where to go after registration; `None` means `post_login_view`. Default: `None`.
    pub post_register_view: Option<String> = None,
    /// Methods accepted by logout, `"POST"` and `"GET"`. Only `POST` is safe; `GET` may be
    /// added. Default: `["POST"]`.
    pub logout_methods: Vec<LogoutMethod> = vec![LogoutMethod::Post],
    /// Public base URL of the site, for example `"https://app.example.com"`: every mailed link
    /// (reset, confirm, change of e-mail, welcome, magic sign-in) and the same-origin check of
    /// `next` use it, never the request's `Host`. Required in release builds; in debug builds
    /// it defaults to `http://<address>:<port>` of Rocket's configuration. Default: `None`.
    pub server_name: Option<String> = None,
    /// Host names (optionally `host:port`) the site answers to. A request whose `Host` header
    /// is not one of them gets 400. Empty: any host. Default: `[]`.
    pub trusted_hosts: Vec<String> = Vec::new(),
    /// Trust `X-Forwarded-Proto` (the site is served over HTTPS by a TLS-terminating proxy),
    /// `X-Forwarded-Host` (checked against `trusted_hosts`), and Rocket's `ip_header` (default
    /// `X-Real-IP`) as the client's address for the per-client limit and trackable logins.
    /// Only behind a proxy that sets them. Default: `false`.
    pub trust_forwarded_headers: bool = false,

    // ----- cookies -----
    /// Name of the session cookie. Default: `"session"`.
    pub session_cookie_name: String = "session".into(),
    /// Put the `Secure` flag on every cookie the security layer sets (session, remember-me,
    /// two-factor browser validity). `None` sets it on requests served over HTTPS (Rocket's
    /// TLS, or `X-Forwarded-Proto: https` when `trust_forwarded_headers`); release builds
    /// default to `true` when `server_name` is an `https://` URL. Default: `None`.
    pub cookie_secure: Option<bool> = None,
    /// Older name of `cookie_secure`, still read; `cookie_secure` wins when both are set.
    /// Default: `None`.
    pub session_cookie_secure: Option<bool> = None,
    /// Value of the `Strict-Transport-Security` header added to every response served over
    /// HTTPS, for example `"max-age=31536000; includeSubDomains"`. `None`: no header.
    /// Default: `None`.
    pub hsts: Option<String> = None,
    /// Name of the remember-me cookie. Default: `"remember_token"`.
    pub remember_cookie_name: String = "remember_token".into(),
    /// How long a remember-me cookie lasts. Default: `"365 days"`.
    pub remember_cookie_duration: WithinDelta = WithinDelta::new("365 days"),
    /// How long an account's security activity (`/activity`) is kept; older events are purged
    /// on schedule. Default: `"365 days"`.
    pub activity_keep: WithinDelta = WithinDelta::new("365 days"),
    /// Mail the owner when their account is signed in to from a browser (`User-Agent`) not seen
    /// for it within `activity_keep`, with the time, address, device and a link to `/sessions`.
    /// Default: `false`.
    pub notify_new_device: bool = false,

    // ----- CSRF -----
    /// Check CSRF tokens on every state-changing security endpoint. Default: `true`.
    pub csrf_protect: bool = true,
    /// Authentication mechanisms whose requests need a CSRF token. Token-authenticated requests
    /// are exempt unless `"token"` is listed (`"session"`, `"basic"`, `"token"`).
    /// Default: `["session", "basic"]`.
    pub csrf_protect_mechanisms: Vec<AuthMechanism> = vec![AuthMechanism::Session, AuthMechanism::Basic],
    /// Skip the CSRF check on endpoints called while not signed in. Default: `false`.
    pub csrf_ignore_unauth_endpoints: bool = false,
    /// Headers a JSON client may send the token in. Default: `["X-CSRF-Token", "X-CSRFToken"]`.
    pub csrf_headers: Vec<String> = strings(&["X-CSRF-Token", "X-CSRFToken"]),
    /// How long a CSRF token stays valid (a number is read as seconds).
    /// Default: `"1 hours"`.
    #[serde(deserialize_with = "seconds_or_within")]
    pub csrf_time_limit: WithinDelta = WithinDelta::new("1 hours"),

    // ----- tokens and HTTP auth -----
    /// Header carrying an auth token. Default: `"Authentication-Token"`.
    pub token_authentication_header: String = "Authentication-Token".into(),
    /// Query parameter and JSON body key carrying an auth token; `None` accepts the header only.
    /// Default: `Some("auth_token")`.
    pub token_authentication_key: Option<String> = Some("auth_token".into()),
    /// How long an auth token stays valid (a number is read as seconds); `"0 seconds"` (or
    /// `0`) means no expiry. Default: `"15 minutes"`.
    #[serde(deserialize_with = "seconds_or_within")]
    pub token_max_age: WithinDelta = WithinDelta::new("15 minutes"),
    /// Realm of `WWW-Authenticate: Basic`. Default: `"Login Required"`.
    pub default_http_auth_realm: String = "Login Required".into(),

    // ----- mail -----
    /// `From` of every mail. Default: `"no-reply@localhost"`.
    pub email_sender: String = "no-reply@localhost".into(),
    /// Subject of the registration mail. Default: `"Welcome"`.
    pub email_subject_register: String = "Welcome".into(),
    /// Subject of the confirmation mail. Default: `"Please confirm your email"`.
    pub email_subject_confirm: String = "Please confirm your email".into(),
    /// Subject of the reset-instructions mail. Default: `"Password reset instructions"`.
    pub email_subject_password_reset: String = "Password reset instructions".into(),
    /// Subject of the reset notice. Default: `"Your password has been reset"`.
    pub email_subject_password_notice: String = "Your password has been reset".into(),
    /// Subject of the change notice. Default: `"Your password has been changed"`.
    pub email_subject_password_change_notice: String = "Your password has been changed".into(),
    /// Subject of the change-of-email mail. Default: `"Confirm your new email address"`.
    pub email_subject_change_email_instructions: String = "Confirm your new email address".into(),
    /// Subject of the two-factor rescue mail. Default: `"Two-Factor Login"`.
    pub email_subject_two_factor: String = "Two-Factor Login".into(),
    /// Subject of the unified sign-in code mail. Default: `"Verification Code"`.
    pub us_email_subject: String = "Verification Code".into(),
    /// Subject of the notice sent to the old and the new address when an account's e-mail
    /// address changes. Default: `"Your email address has been changed"`.
    pub email_subject_change_email_notice: String = "Your email address has been changed".into(),
    /// Subject of the notice sent when two-factor authentication is turned off.
    /// Default: `"Two-factor authentication has been turned off"`.
    pub email_subject_two_factor_disabled_notice: String = "Two-factor authentication has been turned off".into(),
    /// Subject of the notice sent when the two-factor authenticator is replaced.
    /// Default: `"Your two-factor authenticator has been replaced"`.
    pub email_subject_two_factor_changed_notice: String = "Your two-factor authenticator has been replaced".into(),
    /// Subject of the notice sent when recovery codes are generated.
    /// Default: `"New recovery codes have been generated"`.
    pub email_subject_recovery_codes_notice: String = "New recovery codes have been generated".into(),
    /// Subject of the notice sent when a passkey is registered.
    /// Default: `"A passkey was added to your account"`.
    pub email_subject_passkey_added_notice: String = "A passkey was added to your account".into(),
    /// Subject of the notice sent when a passkey is removed.
    /// Default: `"A passkey was removed from your account"`.
    pub email_subject_passkey_removed_notice: String = "A passkey was removed from your account".into(),
    /// Subject of the notice sent when a sign-in method is added or removed (`/us-setup`).
    /// Default: `"Your sign-in methods have changed"`.
    pub email_subject_us_setup_notice: String = "Your sign-in methods have changed".into(),
    /// Subject of the mail telling an owner their account was locked.
    /// Default: `"Your account was locked"`.
    pub email_subject_account_locked: String = "Your account was locked".into(),
    /// Outgoing mail transport.
    pub mail: MailConfig = MailConfig::default(),

    // ----- two-factor and unified sign-in -----
    /// Issuer shown by authenticator apps. Default: `None` (the host name).
    pub totp_issuer: Option<String> = None,
    /// Keys that encrypt authenticator secrets and recovery codes at rest, by version (for
    /// example `{ "1" = "..." }`); the highest version encrypts, all decrypt, so keys can be
    /// rotated. Empty: a key derived from Rocket's `secret_key`. Default: empty.
    pub totp_secrets: std::collections::BTreeMap<String, String> = Default::default(),
    /// Second factors offered; only `"authenticator"` is supported.
    /// Default: `["authenticator"]`.
    pub two_factor_enabled_methods: Vec<TwoFactorMethod> = vec![TwoFactorMethod::Authenticator],
    /// Require every user to set up a second factor. Default: `false`.
    pub two_factor_required: bool = false,
    /// Ask for the second factor at every login (else a validated browser is remembered for
    /// `two_factor_login_validity`). Default: `true`.
    pub two_factor_always_validate: bool = true,
    /// How long a validated browser is remembered. Default: `"30 days"`.
    pub two_factor_login_validity: WithinDelta = WithinDelta::new("30 days"),
    /// How long either side of now an authenticator code is accepted (a number is read as
    /// seconds). Default: `"120 seconds"`.
    #[serde(deserialize_with = "seconds_or_within")]
    pub two_factor_authenticator_validity: WithinDelta = WithinDelta::new("120 seconds"),
    /// How long a mailed two-factor rescue code works (a number is read as seconds).
    /// Default: `"5 minutes"`.
    #[serde(deserialize_with = "seconds_or_within")]
    pub two_factor_mail_validity: WithinDelta = WithinDelta::new("5 minutes"),
    /// Address that receives `help` requests from `/tf-rescue`. Default: `None`.
    pub two_factor_rescue_mail: Option<String> = None,
    /// How many recovery codes are generated. Default: `5`.
    pub multi_factor_recovery_codes_n: usize = 5,
    /// Methods of unified sign-in: `"password"`, `"email"`, `"authenticator"`.
    /// Default: `["password", "email"]`.
    pub us_enabled_methods: Vec<UnifiedMethod> = vec![UnifiedMethod::Password, UnifiedMethod::Email],
    /// Unified sign-in methods after which a user with two-factor set up must still give the
    /// second. Default: `["password", "email"]`.
    pub us_mfa_required: Vec<UnifiedMethod> = vec![UnifiedMethod::Password, UnifiedMethod::Email],
    /// How long a mailed sign-in code (and its magic link) works (a number is read as
    /// seconds). Default: `"120 seconds"`.
    #[serde(deserialize_with = "seconds_or_within")]
    pub us_token_validity: WithinDelta = WithinDelta::new("120 seconds"),
    /// Wrong codes allowed per user in `code_attempts_window` before codes are refused.
    /// Default: `10`.
    pub code_attempts_max: i64 = 10,
    /// Window of `code_attempts_max`. Never longer than `lockout_duration`: a longer window
    /// is cut to it, so nobody can block an owner's codes for longer. Default: `"15 minutes"`.
    pub code_attempts_window: WithinDelta = WithinDelta::new("15 minutes"),
    /// Mails of one kind (reset, confirmation, registration of a taken address, sign-in code,
    /// two-factor rescue code) sent to one address in `mail_limit_within`; further requests
    /// get the usual answer and send nothing. Default: `3`.
    pub mail_limit: i64 = 3,
    /// Window of `mail_limit`. Default: `"15 minutes"`.
    pub mail_limit_within: WithinDelta = WithinDelta::new("15 minutes"),

    // ----- passkeys (WebAuthn) -----
    /// The relying party id passkeys are bound to: the site's host name or a registrable
    /// suffix of it. `None` takes the host of `server_name`. Default: `None`.
    pub wan_rp_id: Option<String> = None,
    /// The site name authenticators show. `None` takes the host of `server_name`.
    /// Default: `None`.
    pub wan_rp_name: Option<String> = None,
    /// Let a passkey sign in on its own at `/wan-signin`. Default: `true`.
    pub wan_allow_as_first_factor: bool = true,
    /// Let a passkey registered for `"secondary"` use be the second factor after a password
    /// (with `two_factor` on). Default: `true`.
    pub wan_allow_as_multi_factor: bool = true,
    /// Another name of `wan_allow_as_multi_factor`; when set it wins. Default: `None`.
    pub wan_allow_as_second_factor: Option<bool> = None,
    /// Let a passkey re-authenticate at `/wan-verify` for freshness. Default: `true`.
    pub wan_allow_as_verify: bool = true,
    /// How long the browser has to answer a registration started at `/wan-register`.
    /// Default: `"30 minutes"`.
    pub wan_register_within: WithinDelta = WithinDelta::new("30 minutes"),
    /// How long the browser has to answer a sign-in or verification started at `/wan-signin`
    /// or `/wan-verify`. Default: `"1 minutes"`.
    pub wan_signin_within: WithinDelta = WithinDelta::new("1 minutes"),
    /// Where to go after registering a passkey from the page; `None` means back to
    /// `/wan-register` (under `url_prefix`). Default: `None`.
    pub wan_post_register_view: Option<String> = None,

    // ----- limits -----
    /// Wrong passwords for one account (or unknown address) within `lockout_within` that lock
    /// every password sign-in to it for `lockout_duration`; `0` turns the lockout off.
    /// Default: `10`.
    pub lockout_failures: i64 = 10,
    /// Window in which `lockout_failures` wrong passwords lock the account.
    /// Default: `"15 minutes"`.
    pub lockout_within: WithinDelta = WithinDelta::new("15 minutes"),
    /// How long a locked account refuses every password. Default: `"15 minutes"`.
    pub lockout_duration: WithinDelta = WithinDelta::new("15 minutes"),
    /// Failed sign-ins from one client address within `ip_failures_within` after which the
    /// address gets `429 Too Many Requests`; `0` turns the limit off. Default: `100`.
    pub ip_failures: i64 = 100,
    /// Window of `ip_failures`. Default: `"15 minutes"`.
    pub ip_failures_within: WithinDelta = WithinDelta::new("15 minutes"),

    // ----- datastore -----
    /// Run the embedded migrations at launch. Default: `true`.
    pub auto_migrate: bool = true,
}
}

impl fmt::Debug for SecurityConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(salt) = value.get_mut("password_salt").filter(|v| !v.is_null()) {
            *salt = "[redacted]".into();
        }
        if let Some(secrets) = value
            .get_mut("totp_secrets")
            .and_then(|v| v.as_object_mut())
        {
            for secret in secrets.values_mut() {
                *secret = "[redacted]".into();
            }
        }
        if let Some(pw) = value
            .get_mut("mail")
            .and_then(|m| m.get_mut("password"))
            .filter(|v| !v.is_null())
        {
            *pw = "[redacted]".into();
        }
        write!(f, "SecurityConfig {value}")
    }
}

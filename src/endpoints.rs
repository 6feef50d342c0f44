//! The endpoint table: every security route with its path and its names. It feeds the mount
//! base, [`url_for_security`](crate::Security::url_for_security), the `urls` of every page's
//! template context and the redirects to the login and re-authentication pages.

use serde_json::{Map, Value};

use crate::config::SecurityConfig;

/// A security endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Endpoint {
    /// `/fs-static/<name>`: the default stylesheet and other embedded assets.
    Static,
    /// `/login`.
    Login,
    /// `/logout`.
    Logout,
    /// `/register`.
    Register,
    /// `/confirm`: send a confirmation mail.
    SendConfirmation,
    /// `/confirm/<token>`.
    ConfirmEmail,
    /// `/reset`: forgot password.
    ForgotPassword,
    /// `/reset/<token>`.
    ResetPassword,
    /// `/change`.
    ChangePassword,
    /// `/change-email`.
    ChangeEmail,
    /// `/change-email/<token>`.
    ChangeEmailConfirm,
    /// `/tf-setup`.
    TwoFactorSetup,
    /// `/tf-validate`.
    TwoFactorTokenValidation,
    /// `/tf-rescue`.
    TwoFactorRescue,
    /// `/tf-select`: choose the second factor to validate with.
    TwoFactorSelect,
    /// `/mf-recovery-codes`.
    MfRecoveryCodes,
    /// `/mf-recovery`.
    MfRecovery,
    /// `/us-signin`.
    UsSignin,
    /// `/us-signin/send-code`.
    UsSigninSendCode,
    /// `/us-setup`.
    UsSetup,
    /// `/us-verify`.
    UsVerify,
    /// `/us-verify/send-code`.
    UsVerifySendCode,
    /// `/us-verify-link`: the link of a mailed sign-in code.
    UsVerifyLink,
    /// `/verify`.
    Verify,
    /// `/sessions`.
    Sessions,
    /// `/sessions/revoke`.
    SessionsRevoke,
    /// `/activity`.
    Activity,
    /// `/change-username`.
    ChangeUsername,
    /// `/recover-username`.
    RecoverUsername,
    /// `/delete-account`.
    DeleteAccount,
    /// `/wan-register`: the account's passkeys, and starting a registration.
    WanRegister,
    /// `/wan-register/<state>`: the browser's answer to a registration.
    WanRegisterResponse,
    /// `/wan-signin`: signing in with a passkey (alone or as the second factor).
    WanSignin,
    /// `/wan-signin/<state>`: the browser's answer to a sign-in.
    WanSigninResponse,
    /// `/wan-verify`: re-authenticating with a passkey.
    WanVerify,
    /// `/wan-verify/<state>`: the browser's answer to a re-authentication.
    WanVerifyResponse,
    /// `/wan-rename`.
    WanRename,
    /// `/wan-delete`.
    WanDelete,
}

/// One row of the table: the endpoint, its path under `url_prefix` (a `<token>` segment
/// follows for the endpoints that take one), its Flask-Security-Too endpoint name for
/// `url_for_security`, and its key in the templates' `urls`.
struct Row {
    endpoint: Endpoint,
    path: &'static str,
    name: Option<&'static str>,
    template_key: Option<&'static str>,
    takes_token: bool,
}

const fn row(
    endpoint: Endpoint,
    path: &'static str,
    name: Option<&'static str>,
    template_key: Option<&'static str>,
) -> Row {
    Row {
        endpoint,
        path,
        name,
        template_key,
        takes_token: false,
    }
}

const fn with_token(endpoint: Endpoint, path: &'static str, name: &'static str) -> Row {
    Row {
        endpoint,
        path,
        name: Some(name),
        template_key: None,
        takes_token: true,
    }
}

use Endpoint as E;

/// The table.
const TABLE: &[Row] = &[
    row(E::Static, "/fs-static", None, Some("static")),
    row(E::Login, "/login", Some("login"), Some("login")),
    row(E::Logout, "/logout", Some("logout"), Some("logout")),
    row(E::Register, "/register", Some("register"), Some("register")),
    row(
        E::SendConfirmation,
        "/confirm",
        Some("send_confirmation"),
        Some("send_confirmation"),
    ),
    with_token(E::ConfirmEmail, "/confirm", "confirm_email"),
    row(
        E::ForgotPassword,
        "/reset",
        Some("forgot_password"),
        Some("forgot_password"),
    ),
    with_token(E::ResetPassword, "/reset", "reset_password"),
    row(
        E::ChangePassword,
        "/change",
        Some("change_password"),
        Some("change_password"),
    ),
    row(
        E::ChangeEmail,
        "/change-email",
        Some("change_email"),
        Some("change_email"),
    ),
    with_token(
        E::ChangeEmailConfirm,
        "/change-email",
        "change_email_confirm",
    ),
    row(
        E::ChangeUsername,
        "/change-username",
        Some("change_username"),
        Some("change_username"),
    ),
    row(
        E::RecoverUsername,
        "/recover-username",
        Some("recover_username"),
        Some("recover_username"),
    ),
    row(
        E::DeleteAccount,
        "/delete-account",
        Some("delete_account"),
        Some("delete_account"),
    ),
    row(
        E::TwoFactorSetup,
        "/tf-setup",
        Some("two_factor_setup"),
        Some("tf_setup"),
    ),
    row(
        E::TwoFactorTokenValidation,
        "/tf-validate",
        Some("two_factor_token_validation"),
        Some("tf_validate"),
    ),
    row(
        E::TwoFactorRescue,
        "/tf-rescue",
        Some("two_factor_rescue"),
        Some("tf_rescue"),
    ),
    row(E::TwoFactorSelect, "/tf-select", None, None),
    row(
        E::MfRecoveryCodes,
        "/mf-recovery-codes",
        Some("mf_recovery_codes"),
        Some("mf_recovery_codes"),
    ),
    row(
        E::MfRecovery,
        "/mf-recovery",
        Some("mf_recovery"),
        Some("mf_recovery"),
    ),
    row(
        E::UsSignin,
        "/us-signin",
        Some("us_signin"),
        Some("us_signin"),
    ),
    row(
        E::UsSigninSendCode,
        "/us-signin/send-code",
        None,
        Some("us_signin_send_code"),
    ),
    row(E::UsSetup, "/us-setup", Some("us_setup"), Some("us_setup")),
    row(E::UsVerify, "/us-verify", Some("us_verify"), None),
    row(
        E::UsVerifySendCode,
        "/us-verify/send-code",
        None,
        Some("us_verify_send_code"),
    ),
    row(E::UsVerifyLink, "/us-verify-link", None, None),
    row(E::Verify, "/verify", Some("verify"), Some("verify")),
    row(E::Sessions, "/sessions", None, Some("sessions")),
    row(E::SessionsRevoke, "/sessions/revoke", None, None),
    row(E::Activity, "/activity", None, Some("activity")),
    row(
        E::WanRegister,
        "/wan-register",
        Some("wan_register"),
        Some("wan_register"),
    ),
    with_token(
        E::WanRegisterResponse,
        "/wan-register",
        "wan_register_response",
    ),
    row(
        E::WanSignin,
        "/wan-signin",
        Some("wan_signin"),
        Some("wan_signin"),
    ),
    with_token(E::WanSigninResponse, "/wan-signin", "wan_signin_response"),
    row(
        E::WanVerify,
        "/wan-verify",
        Some("wan_verify"),
        Some("wan_verify"),
    ),
    with_token(E::WanVerifyResponse, "/wan-verify", "wan_verify_response"),
    row(E::WanRename, "/wan-rename", None, Some("wan_rename")),
    row(
        E::WanDelete,
        "/wan-delete",
        Some("wan_delete"),
        Some("wan_delete"),
    ),
];

impl Endpoint {
    fn row(self) -> &'static Row {
        TABLE
            .iter()
            .find(|row| row.endpoint == self)
            .expect("every endpoint has a row")
    }

    /// The route's path relative to the mount base (`/login`); without the `<token>` segment
    /// of the endpoints that take one.
    pub fn route(self) -> &'static str {
        self.row().path
    }

    /// The endpoint's path under `url_prefix` (`/auth/login`).
    pub fn path(self, config: &SecurityConfig) -> String {
        config.route_path(self.route())
    }

    /// The path of an endpoint that takes a token (`/auth/reset/<token>`).
    pub fn path_with_token(self, config: &SecurityConfig, token: &str) -> String {
        format!("{}/{token}", self.path(config))
    }

    /// The endpoint of a Flask-Security-Too endpoint name (`forgot_password`), and whether it
    /// takes a token.
    pub fn by_name(name: &str) -> Option<(Endpoint, bool)> {
        TABLE
            .iter()
            .find(|row| row.name == Some(name))
            .map(|row| (row.endpoint, row.takes_token))
    }
}

/// Where the security routes are mounted: `url_prefix`, or `/`.
pub(crate) fn mount_base(config: &SecurityConfig) -> String {
    if config.url_prefix.is_empty() {
        "/".to_owned()
    } else {
        config.url_prefix.clone()
    }
}

/// The `urls` object of every page's template context: each endpoint's path by its template
/// key, and `index` (`/`).
pub(crate) fn template_urls(config: &SecurityConfig) -> Value {
    let mut urls = Map::new();
    urls.insert("index".into(), Value::String("/".into()));
    for row in TABLE {
        if let Some(key) = row.template_key {
            urls.insert(key.into(), Value::String(row.endpoint.path(config)));
        }
    }
    Value::Object(urls)
}

/// The route paths of every endpoint (relative to the mount base).
#[cfg(test)]
pub(crate) fn routes() -> impl Iterator<Item = &'static str> {
    TABLE.iter().map(|row| row.path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths() {
        let config = SecurityConfig {
            url_prefix: "/auth".into(),
            ..SecurityConfig::default()
        };
        assert_eq!(Endpoint::Login.path(&config), "/auth/login");
        assert_eq!(
            Endpoint::by_name("reset_password"),
            Some((Endpoint::ResetPassword, true))
        );
        assert_eq!(
            Endpoint::ResetPassword.path_with_token(&config, "t"),
            "/auth/reset/t"
        );
        assert_eq!(Endpoint::by_name("sessions"), None);
        let urls = template_urls(&config);
        assert_eq!(urls["tf_validate"], "/auth/tf-validate");
        assert_eq!(urls["index"], "/");
        assert!(urls.get("us_verify").is_none());
        assert_eq!(mount_base(&config), "/auth");
    }
}

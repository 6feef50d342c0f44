//! Credentials of a signed-in or signing-in user: the current password of the account pages,
//! and the passcode of unified sign-in (the password or a code of a set-up method).

use rocket_dyn_templates::tera::Context;
use serde_json::{json, Map, Value};

use super::codes::{self, CodePurpose, CodeSource};
use super::factor::UnifiedMethod;
use crate::auth::lockout;
use crate::context::Ctx;
use crate::datastore::User;
use crate::error::Error;
use crate::events::SecurityEvent;
use crate::forms::{FormState, Input};
use crate::i18n::Message;

/// The error of a wrong passcode.
pub(crate) const INVALID_PASSCODE: Message = Message::InvalidPasscode;

/// Checks the signed-in user's current password in the `password` field, recording
/// `Password not provided` or `Invalid password`. A user without a password still costs one
/// verification; a wrong password counts towards the lockout, and a locked account's right
/// password is refused like a wrong one. Returns the password when it is right.
pub(crate) async fn check_current_password(
    ctx: &Ctx<'_>,
    user: &User,
    input: &Input,
    form: &mut FormState,
) -> Result<Option<String>, Error> {
    let Some(given) = input.get("password").filter(|p| !p.is_empty()) else {
        form.error("password", Message::PasswordNotProvided);
        return Ok(None);
    };
    let right = lockout::check_password(ctx.sec, ctx.req, &user.email, Some(user), given).await?;
    if !right {
        form.error("password", Message::InvalidPassword);
        return Ok(None);
    }
    Ok(Some(given.to_owned()))
}

/// The user's unified sign-in methods: method → sealed secret (authenticator) or `true`.
pub(crate) fn methods_of(user: &User) -> Map<String, Value> {
    user.us_totp_secrets
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default()
}

/// Whether the user set up sign-in codes by e-mail.
pub(crate) fn email_set_up(user: &User) -> bool {
    methods_of(user).contains_key("email")
}

/// Methods the user can sign in with now: `password` (when they have one) and every set-up
/// method.
pub(crate) fn active_methods(ctx: &Ctx<'_>, user: &User) -> Vec<String> {
    let enabled = &ctx.config().us_enabled_methods;
    let mut methods: Vec<String> = methods_of(user)
        .keys()
        .filter(|m| enabled.iter().any(|e| e == *m))
        .cloned()
        .collect();
    if user.password.is_some() && enabled.iter().any(|m| m == "password") {
        methods.push("password".into());
    }
    methods.sort();
    methods
}

/// Enabled methods that deliver a code.
pub(crate) fn code_methods(ctx: &Ctx<'_>) -> Vec<String> {
    ctx.config()
        .us_enabled_methods
        .iter()
        .filter(|m| m.sends_code())
        .map(|m| m.as_str().to_owned())
        .collect()
}

/// Checks a passcode for `identity` (whose user, if any, is `user`) — the password or a code
/// of a set-up method — and counts a failure towards the lockout and the client's limit (a
/// client over its limit gets [`Error::TooManyRequests`]). A locked account's password is
/// refused like a wrong one; its codes still work. Returns the method that matched.
pub(crate) async fn check_passcode(
    ctx: &Ctx<'_>,
    identity: &str,
    user: Option<&User>,
    passcode: &str,
) -> Result<Option<UnifiedMethod>, Error> {
    if passcode.is_empty() {
        return Ok(None);
    }
    let attempt = lockout::Attempt::open(ctx.sec, ctx.req, identity).await?;
    let password_enabled = ctx
        .config()
        .us_enabled_methods
        .iter()
        .any(|m| m == "password");
    let hash = user
        .and_then(|u| u.password.as_deref())
        .filter(|_| password_enabled);
    if attempt.verify(ctx.sec, hash, passcode).await? {
        attempt.succeeded(ctx.sec).await?;
        return Ok(Some(UnifiedMethod::Password));
    }
    let method = match user {
        Some(user) => check_sign_in_code(ctx, user, passcode).await?,
        None => None,
    };
    if method.is_none() {
        attempt.failed(ctx.sec, ctx.req, user).await?;
    }
    Ok(method)
}

/// Checks a sign-in code of a set-up method: a mailed code first, then the authenticator.
/// Text that cannot be a code is not counted as a code attempt.
async fn check_sign_in_code(
    ctx: &Ctx<'_>,
    user: &User,
    passcode: &str,
) -> Result<Option<UnifiedMethod>, Error> {
    let sec = ctx.sec;
    let enabled = |m: &str| ctx.config().us_enabled_methods.iter().any(|e| e == m);
    let looks_like_code =
        passcode.trim().len() == 6 && passcode.trim().bytes().all(|b| b.is_ascii_digit());
    if !looks_like_code {
        return Ok(None);
    }
    let methods = methods_of(user);
    let secret = methods
        .get("authenticator")
        .filter(|_| enabled("authenticator"))
        .and_then(Value::as_str)
        .and_then(|sealed| sec.secret_box().open(sealed));
    let mut sources = Vec::new();
    if enabled("email") && methods.contains_key("email") {
        sources.push(CodeSource::Mailed(CodePurpose::UnifiedSignin));
    }
    if let Some(secret) = &secret {
        sources.push(CodeSource::Authenticator(secret));
    }
    Ok(
        match codes::check_code(sec, user, passcode, &sources).await? {
            Some(CodeSource::Mailed(_)) => Some(UnifiedMethod::Email),
            Some(CodeSource::Authenticator(_)) => Some(UnifiedMethod::Authenticator),
            None => None,
        },
    )
}

/// Mails a sign-in code (and, with `link`, the magic link) to the user.
pub(crate) async fn send_sign_in_code(ctx: &Ctx<'_>, user: &User, link: bool) -> Result<(), Error> {
    let config = ctx.config();
    let code = codes::issue_code(
        ctx.sec,
        user,
        CodePurpose::UnifiedSignin,
        config.us_token_validity.as_secs(),
    )
    .await?;
    let mut context = Context::new();
    context.insert("user", &json!({"email": user.email}));
    context.insert("token", &code);
    if link {
        context.insert(
            "login_link",
            &format!(
                "{}{}?id={}&code={code}",
                ctx.base_url(),
                config.route_path("/us-verify-link"),
                user.fs_uniquifier
            ),
        );
    }
    ctx.sec
        .send_security_mail(
            Message::SubjectVerificationCode,
            &user.email,
            "us_instructions",
            &context,
        )
        .await?;
    ctx.sec.emit(SecurityEvent::LoginInstructionsSent {
        user: user.clone(),
        login_token: code,
    });
    Ok(())
}

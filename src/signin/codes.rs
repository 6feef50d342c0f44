//! One-time codes: mailed codes by purpose, authenticator codes, and the one check every
//! code-entry route goes through, which counts the attempt before it compares anything.

use chrono::Duration;
use serde_json::{json, Value};

use crate::auth::lockout::CounterKey;
use crate::context::Ctx;
use crate::datastore::{OneTimeCode, User};
use crate::error::Error;
use crate::state::Security;
use crate::totp;

/// What a mailed one-time code is for: each purpose's codes are stored and checked apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CodePurpose {
    /// `/tf-rescue`: a code mailed instead of the second factor.
    TwoFactorRescue,
    /// `/us-signin` and `/us-verify`: a sign-in code (and magic link).
    UnifiedSignin,
    /// `/us-setup`: the code proving the address of a new `email` method.
    UnifiedSetup,
}

impl CodePurpose {
    /// The purpose as stored with the code (and mixed into its hash).
    pub fn as_str(self) -> &'static str {
        match self {
            CodePurpose::TwoFactorRescue => "tf-rescue",
            CodePurpose::UnifiedSignin => "us-email",
            CodePurpose::UnifiedSetup => "us-setup",
        }
    }
}

/// Where a submitted code may come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CodeSource<'s> {
    /// An authenticator app with this (decrypted) secret.
    Authenticator(&'s [u8]),
    /// A code mailed for this purpose.
    Mailed(CodePurpose),
}

/// Makes a one-time code for `purpose`, valid `validity_secs`, voiding older ones; the caller
/// mails it.
pub(crate) async fn issue_code(
    sec: &Security,
    user: &User,
    purpose: CodePurpose,
    validity_secs: u64,
) -> Result<String, Error> {
    let code = totp::random_code();
    sec.datastore()
        .put_code(&OneTimeCode {
            user_id: user.id,
            purpose: purpose.as_str().to_owned(),
            code_hash: sec.code_hash(purpose.as_str(), &code),
            expires_at: sec.now().naive_utc() + Duration::seconds(validity_secs as i64),
        })
        .await?;
    Ok(code)
}

/// Checks `code` for `user` against each of `sources` in order, after counting the attempt:
/// a user over `code_attempts_max` has every code, right or wrong, refused until the window
/// ends. Returns the source that matched.
pub(crate) async fn check_code<'s>(
    sec: &Security,
    user: &User,
    code: &str,
    sources: &[CodeSource<'s>],
) -> Result<Option<CodeSource<'s>>, Error> {
    let Some(attempt) = CodeAttempt::count(sec, user).await? else {
        return Ok(None);
    };
    for source in sources {
        let matched = match *source {
            CodeSource::Authenticator(secret) => attempt.authenticator(secret, code).await?,
            CodeSource::Mailed(purpose) => attempt.mailed(purpose, code).await?,
        };
        if matched {
            return Ok(Some(*source));
        }
    }
    Ok(None)
}

/// A counted code attempt of a user under the limit: the only way to compare a code, so no
/// comparison happens before the count.
pub(crate) struct CodeAttempt<'a> {
    sec: &'a Security,
    user: &'a User,
}

impl<'a> CodeAttempt<'a> {
    /// Counts an attempt of `user`; `None` when the user made more than `code_attempts_max` in
    /// `code_attempts_window`. The window is never longer than `lockout_duration`, so a
    /// stranger who only knows an address cannot block the owner's codes for longer.
    pub async fn count(sec: &'a Security, user: &'a User) -> Result<Option<Self>, Error> {
        let config = sec.config();
        let window = config
            .code_attempts_window
            .to_chrono()
            .min(config.lockout_duration.to_chrono());
        let attempts = sec
            .datastore()
            .hit_counter(
                &CounterKey::CodeAttempts(user.id).to_string(),
                sec.now().naive_utc(),
                window,
            )
            .await?;
        Ok((attempts <= config.code_attempts_max).then_some(CodeAttempt { sec, user }))
    }

    /// Checks an authenticator code made with `secret`: within the configured window, and
    /// each time step's code accepted once.
    pub async fn authenticator(&self, secret: &[u8], code: &str) -> Result<bool, Error> {
        let (sec, user) = (self.sec, self.user);
        let config = sec.config();
        let now = sec.now();
        let Some(step) = totp::matching_step(
            secret,
            code,
            now.timestamp().max(0) as u64,
            config.two_factor_authenticator_validity.as_secs(),
        ) else {
            return Ok(false);
        };
        let window =
            Duration::seconds(2 * config.two_factor_authenticator_validity.as_secs() as i64 + 60);
        let uses = sec
            .datastore()
            .hit_counter(
                &CounterKey::TotpStep(user.id, step).to_string(),
                now.naive_utc(),
                window,
            )
            .await?;
        if uses > 1 {
            return Ok(false);
        }
        self.succeeded().await?;
        Ok(true)
    }

    /// Uses up a mailed code of `purpose`.
    pub async fn mailed(&self, purpose: CodePurpose, code: &str) -> Result<bool, Error> {
        let (sec, user) = (self.sec, self.user);
        let taken = sec
            .datastore()
            .take_code(
                user.id,
                purpose.as_str(),
                &sec.code_hash(purpose.as_str(), code),
                sec.now().naive_utc(),
            )
            .await?;
        if taken {
            self.succeeded().await?;
        }
        Ok(taken)
    }

    /// The position of `submitted` among the user's recovery `codes` (constant-time compares).
    pub fn recovery_code(&self, codes: &[String], submitted: &str) -> Option<usize> {
        codes
            .iter()
            .position(|c| crate::token::constant_time_eq(c, submitted))
    }

    /// A right code: the count of attempts starts over.
    async fn succeeded(&self) -> Result<(), Error> {
        self.sec
            .datastore()
            .reset_counter(&CounterKey::CodeAttempts(self.user.id).to_string())
            .await?;
        Ok(())
    }
}

/// The user's second-factor authenticator secret, decrypted.
pub(crate) fn user_secret(sec: &Security, user: &User) -> Option<Vec<u8>> {
    sec.secret_box().open(user.tf_totp_secret.as_deref()?)
}

/// The issuer shown by authenticator apps.
fn issuer(ctx: &Ctx<'_>) -> String {
    ctx.config().totp_issuer.clone().unwrap_or_else(|| {
        ctx.req
            .headers()
            .get_one("Host")
            .unwrap_or("rocket_security")
            .split(':')
            .next()
            .unwrap_or("rocket_security")
            .to_owned()
    })
}

/// `key`, `b32key`, `username`, `issuer`, `uri` and `qrcode_svg` of a new authenticator
/// secret, for the set-up pages.
pub(crate) fn authenticator_details(ctx: &Ctx<'_>, user: &User, secret: &[u8]) -> Value {
    let issuer = issuer(ctx);
    let b32 = totp::base32(secret);
    let uri = totp::uri(secret, &issuer, &user.email);
    json!({
        "key": totp::grouped(&b32),
        "b32key": b32,
        "username": user.email,
        "issuer": issuer,
        "uri": uri,
        "qrcode_svg": totp::qr_svg(&uri),
    })
}

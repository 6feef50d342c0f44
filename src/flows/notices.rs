//! Security notices: the owner of an account is told by mail when something that protects
//! it changes, so a change they did not make does not go unnoticed.
//!
//! The password change and reset notices (`change_notice`, `reset_notice`) are sent by their
//! flows; the notices here cover the rest.

use rocket_dyn_templates::tera::Context;
use serde_json::json;

use super::Ctx;
use crate::config::SecurityConfig;
use crate::datastore::User;

/// A change to an account that its owner is told about.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Notice<'a> {
    /// The e-mail address changed; `user` has the new one. Both addresses are told.
    EmailChanged {
        /// The address before the change.
        old_email: &'a str,
    },
    /// Two-factor authentication was turned off.
    TwoFactorDisabled,
    /// A new authenticator replaced the one set up before.
    TwoFactorReplaced,
    /// Recovery codes were generated (any earlier ones stop working).
    RecoveryCodesGenerated,
    /// Unified sign-in methods were added or removed (`/us-setup`).
    SigninMethodsChanged {
        /// The method set up, if any.
        added: Option<&'a str>,
        /// The methods removed.
        removed: &'a [String],
    },
}

impl Notice<'_> {
    /// The mail template pair, `security/email/<name>.{txt,html}.tera`.
    fn template(&self) -> &'static str {
        match self {
            Notice::EmailChanged { .. } => "change_email_notice",
            Notice::TwoFactorDisabled => "two_factor_disabled_notice",
            Notice::TwoFactorReplaced => "two_factor_changed_notice",
            Notice::RecoveryCodesGenerated => "recovery_codes_notice",
            Notice::SigninMethodsChanged { .. } => "us_setup_notice",
        }
    }

    fn subject<'c>(&self, config: &'c SecurityConfig) -> &'c str {
        match self {
            Notice::EmailChanged { .. } => &config.email_subject_change_email_notice,
            Notice::TwoFactorDisabled => &config.email_subject_two_factor_disabled_notice,
            Notice::TwoFactorReplaced => &config.email_subject_two_factor_changed_notice,
            Notice::RecoveryCodesGenerated => &config.email_subject_recovery_codes_notice,
            Notice::SigninMethodsChanged { .. } => &config.email_subject_us_setup_notice,
        }
    }
}

/// Mails `notice` to the owner of `user` (for a changed address, to the old and the new one).
///
/// The change is already committed when this runs, so a notice that cannot be queued is
/// logged and does not turn the request into an error.
pub(crate) async fn notify(ctx: &Ctx<'_>, user: &User, notice: Notice<'_>) {
    let mut context = Context::new();
    context.insert("user", &json!({"email": user.email}));
    let mut recipients = vec![user.email.as_str()];
    match notice {
        Notice::EmailChanged { old_email } => {
            context.insert("old_email", old_email);
            context.insert("new_email", &user.email);
            recipients.insert(0, old_email);
        }
        Notice::SigninMethodsChanged { added, removed } => {
            context.insert("added", &Vec::from_iter(added));
            context.insert("removed", removed);
        }
        _ => {}
    }
    let subject = notice.subject(ctx.config());
    for recipient in recipients {
        let sent = ctx
            .sec
            .send_mail(subject, recipient, notice.template(), &context)
            .await;
        if let Err(error) = sent {
            tracing::error!(%error, template = notice.template(), "could not queue a security notice");
        }
    }
}

/// The notice of a unified sign-in method set up.
pub(crate) fn added_method(method: &str) -> Notice<'_> {
    Notice::SigninMethodsChanged {
        added: Some(method),
        removed: &[],
    }
}

/// The notice of unified sign-in methods removed.
pub(crate) fn removed_methods(methods: &[String]) -> Notice<'_> {
    Notice::SigninMethodsChanged {
        added: None,
        removed: methods,
    }
}

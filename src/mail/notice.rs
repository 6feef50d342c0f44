//! Security notices: what the owner of an account is told by mail when something that protects
//! it changes, so a change they did not make does not go unnoticed.
//!
//! The password change and reset notices (`change_notice`, `reset_notice`) are sent by their
//! flows; [`Notice`] covers the rest.

use rocket_dyn_templates::tera::Context;
use serde_json::json;

use crate::datastore::User;
use crate::i18n::Message;

/// A change to an account that its owner is told about.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Notice<'a> {
    /// The e-mail address changed; the user has the new one. Both addresses are told.
    EmailChanged {
        /// The address before the change.
        old_email: &'a str,
    },
    /// The username changed; the user has the new one.
    UsernameChanged {
        /// The username before the change, if there was one.
        old_username: Option<&'a str>,
    },
    /// The account was deleted by its owner: the goodbye mail.
    AccountDeleted,
    /// Two-factor authentication was turned off.
    TwoFactorDisabled,
    /// A new authenticator replaced the one set up before.
    TwoFactorReplaced,
    /// Recovery codes were generated (any earlier ones stop working).
    RecoveryCodesGenerated,
    /// A passkey was registered.
    PasskeyAdded {
        /// Its name.
        name: &'a str,
    },
    /// A passkey was removed.
    PasskeyRemoved {
        /// Its name.
        name: &'a str,
    },
    /// Unified sign-in methods were added or removed (`/us-setup`).
    SigninMethodsChanged {
        /// The method set up, if any.
        added: Option<&'a str>,
        /// The methods removed.
        removed: &'a [String],
    },
}

impl<'a> Notice<'a> {
    /// The notice of a unified sign-in method set up.
    pub(crate) fn added_method(method: &'a str) -> Self {
        Notice::SigninMethodsChanged {
            added: Some(method),
            removed: &[],
        }
    }

    /// The notice of unified sign-in methods removed.
    pub(crate) fn removed_methods(methods: &'a [String]) -> Self {
        Notice::SigninMethodsChanged {
            added: None,
            removed: methods,
        }
    }

    /// The mail template pair, `security/email/<name>.{txt,html}.tera`.
    pub(crate) fn template(&self) -> &'static str {
        match self {
            Notice::EmailChanged { .. } => "change_email_notice",
            Notice::UsernameChanged { .. } => "username_change_notice",
            Notice::AccountDeleted => "account_deleted",
            Notice::TwoFactorDisabled => "two_factor_disabled_notice",
            Notice::TwoFactorReplaced => "two_factor_changed_notice",
            Notice::RecoveryCodesGenerated => "recovery_codes_notice",
            Notice::SigninMethodsChanged { .. } => "us_setup_notice",
            Notice::PasskeyAdded { .. } => "passkey_added_notice",
            Notice::PasskeyRemoved { .. } => "passkey_removed_notice",
        }
    }

    /// The subject (its English text is the `email_subject_*` setting).
    pub(crate) fn subject(&self) -> Message {
        match self {
            Notice::EmailChanged { .. } => Message::SubjectChangeEmailNotice,
            Notice::UsernameChanged { .. } => Message::SubjectUsernameChangeNotice,
            Notice::AccountDeleted => Message::SubjectAccountDeleted,
            Notice::TwoFactorDisabled => Message::SubjectTwoFactorDisabledNotice,
            Notice::TwoFactorReplaced => Message::SubjectTwoFactorChangedNotice,
            Notice::RecoveryCodesGenerated => Message::SubjectRecoveryCodesNotice,
            Notice::SigninMethodsChanged { .. } => Message::SubjectUsSetupNotice,
            Notice::PasskeyAdded { .. } => Message::SubjectPasskeyAddedNotice,
            Notice::PasskeyRemoved { .. } => Message::SubjectPasskeyRemovedNotice,
        }
    }

    /// Who is told (for a changed address, the old one and the new one) and the template
    /// context. Everything comes from the stored account, nothing from the request.
    pub(crate) fn recipients_and_context(&self, user: &'a User) -> (Vec<&'a str>, Context) {
        let mut context = Context::new();
        context.insert("user", &json!({"email": user.email}));
        let mut recipients = vec![user.email.as_str()];
        match *self {
            Notice::EmailChanged { old_email } => {
                context.insert("old_email", old_email);
                context.insert("new_email", &user.email);
                recipients.insert(0, old_email);
            }
            Notice::UsernameChanged { old_username } => {
                context.insert("old_username", &old_username);
                context.insert("username", &user.username);
            }
            Notice::PasskeyAdded { name } | Notice::PasskeyRemoved { name } => {
                context.insert("name", name);
            }
            Notice::SigninMethodsChanged { added, removed } => {
                context.insert("added", &Vec::from_iter(added));
                context.insert("removed", removed);
            }
            _ => {}
        }
        (recipients, context)
    }
}

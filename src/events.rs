//! Signals: what happened, for applications to react to (audit logs, metrics, welcome tasks).
//!
//! Every flow emits its event after the state change is committed. Subscribe with
//! [`SecurityBuilder::on_event`](crate::SecurityBuilder::on_event) (a callback run on a spawned
//! task) or [`Security::subscribe`](crate::Security::subscribe) (a broadcast receiver).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::config::{SignInMethod, TwoFactorMethod, UnifiedMethod};
use crate::datastore::User;

/// One security event, after Flask-Security-Too's signals.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum SecurityEvent {
    /// A user registered (`user_registered`). `confirm_token` is set when confirmation is on.
    UserRegistered {
        /// The new user.
        user: User,
        /// The token of the confirmation link that was mailed.
        confirm_token: Option<String>,
    },
    /// A user confirmed their e-mail address (`user_confirmed`).
    UserConfirmed {
        /// The user.
        user: User,
    },
    /// Confirmation instructions were (re)sent (`confirm_instructions_sent`).
    ConfirmInstructionsSent {
        /// The user.
        user: User,
        /// The token in the link.
        token: String,
    },
    /// A sign-in code or link was mailed (`login_instructions_sent`).
    LoginInstructionsSent {
        /// The user.
        user: User,
        /// The login token or code.
        login_token: String,
    },
    /// Reset instructions were mailed (`reset_password_instructions_sent`).
    ResetPasswordInstructionsSent {
        /// The user.
        user: User,
        /// The token in the link.
        token: String,
    },
    /// A password was reset through a mailed link (`password_reset`).
    PasswordReset {
        /// The user.
        user: User,
    },
    /// A password was changed by its owner (`password_changed`).
    PasswordChanged {
        /// The user.
        user: User,
    },
    /// A user signed in (`user_authenticated`).
    UserAuthenticated {
        /// The user.
        user: User,
        /// How.
        method: SignInMethod,
    },
    /// A sign-in attempt failed (`user_failed_authn`). `user` is set when the identity exists.
    UserFailedAuthn {
        /// The user the attempt named, if any.
        user: Option<User>,
        /// The identity given.
        identity: String,
    },
    /// A password check failed and was counted against the account and the client address
    /// (every path that checks a password: login, verify, unified sign-in, change, HTTP Basic).
    LoginFailed {
        /// The user the attempt named, if any.
        user: Option<User>,
        /// The identity given.
        identity: String,
        /// Whether the account was locked at the time (the password was not even considered).
        locked: bool,
    },
    /// Too many wrong passwords locked an account (or an unknown address) until `until`.
    AccountLocked {
        /// The user, if the address belongs to one.
        user: Option<User>,
        /// The identity given.
        identity: String,
        /// When the lock ends (UTC).
        until: chrono::NaiveDateTime,
    },
    /// A change of e-mail address was confirmed (`change_email_confirmed`).
    ChangeEmailConfirmed {
        /// The user, with the new address.
        user: User,
        /// The address before the change.
        old_email: String,
    },
    /// A user changed their username (`username_changed`).
    UsernameChanged {
        /// The user, with the new username.
        user: User,
        /// The username before the change, if there was one.
        old_username: Option<String>,
    },
    /// A user's username was mailed to them (`username_recovery_email_sent`).
    UsernameRecoveryEmailSent {
        /// The user.
        user: User,
    },
    /// A user deleted their own account (`/delete-account`). `user` is the account as it was.
    AccountDeleted {
        /// The deleted account.
        user: User,
    },
    /// Two-factor authentication was set up or changed.
    TwoFactorMethodChanged {
        /// The user.
        user: User,
        /// The new method, `None` when disabled.
        method: Option<TwoFactorMethod>,
    },
    /// New multi-factor recovery codes replaced the old ones.
    RecoveryCodesGenerated {
        /// The user.
        user: User,
    },
    /// A unified sign-in method (`email`, `authenticator`) was set up or removed.
    SignInMethodChanged {
        /// The user.
        user: User,
        /// The method.
        method: UnifiedMethod,
        /// `true` when set up, `false` when removed.
        added: bool,
    },
    /// A passkey was registered (`wan_registered`).
    PasskeyRegistered {
        /// The owner.
        user: User,
        /// The passkey's name.
        name: String,
    },
    /// A passkey signed the user in, was their second factor, or confirmed them at
    /// `/wan-verify`.
    PasskeyUsed {
        /// The owner.
        user: User,
        /// The passkey's name.
        name: String,
    },
    /// A passkey was removed (`wan_deleted`).
    PasskeyDeleted {
        /// The owner.
        user: User,
        /// The passkey's name.
        name: String,
    },
    /// Sessions of a user were ended from the sessions page or the command line.
    SessionsEnded {
        /// The user.
        user: User,
        /// How many sessions and remember-me tokens ended.
        count: u64,
    },
}

/// An async callback subscribed to events.
pub type EventHandler =
    Arc<dyn Fn(SecurityEvent) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// Fans events out to callbacks and broadcast receivers.
#[derive(Clone)]
pub(crate) struct Events {
    handlers: Vec<EventHandler>,
    sender: rocket::tokio::sync::broadcast::Sender<SecurityEvent>,
}

impl Events {
    pub fn new(handlers: Vec<EventHandler>) -> Self {
        let (sender, _) = rocket::tokio::sync::broadcast::channel(256);
        Events { handlers, sender }
    }

    pub fn subscribe(&self) -> rocket::tokio::sync::broadcast::Receiver<SecurityEvent> {
        self.sender.subscribe()
    }

    pub fn emit(&self, event: SecurityEvent) {
        for handler in &self.handlers {
            rocket::tokio::spawn(handler(event.clone()));
        }
        // No receiver is fine: nobody listens.
        let _ = self.sender.send(event);
    }
}

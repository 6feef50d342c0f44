//! [`Message`]: every message text a person may see outside the page templates, each with its
//! Fluent id and its Flask-Security-Too name.

mod names;
mod table;

use crate::config::WithinDelta;
use crate::password::{PasswordPolicyError, StrengthAdvice};
use crate::username::UsernameError;

/// A message shown as a flash, a form error or a JSON error, or used as a mail subject.
///
/// Each knows its Fluent id (the key in `locales/<lang>/security.ftl` or `messages.ftl`) and its
/// Flask-Security-Too name (`msg_*`, or the `email_subject_*` setting of a subject), by which
/// an application overrides the English text in `Rocket.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Message {
    /// Not signed in.
    Unauthenticated,
    /// Signed in without the role or permission.
    Forbidden,
    /// An endpoint only for visitors who are not signed in.
    AnonymousOnly,
    /// The generic sign-in failure.
    GenericAuthnFailed,
    /// A `next` outside the site.
    InvalidRedirect,
    /// An unusable e-mail address.
    InvalidEmail,
    /// No e-mail address.
    EmailNotProvided,
    /// No password.
    PasswordNotProvided,
    /// The two passwords differ.
    PasswordsDoNotMatch,
    /// A wrong password.
    InvalidPassword,
    /// A password shorter than `length` characters.
    PasswordTooShort {
        /// The minimum length.
        length: usize,
    },
    /// The new password equals the old one.
    PasswordIsTheSame,
    /// A wrong one-time code.
    InvalidCode,
    /// No CSRF token.
    CsrfMissing,
    /// A wrong CSRF token.
    CsrfInvalid,
    /// An expired CSRF token.
    CsrfExpired,
    /// No session for the CSRF token.
    CsrfSessionMissing,
    /// A page the user may not open.
    NoPermissionPage,
    /// The account changed during the request.
    AccountChanged,
    /// The sign-in is not fresh enough.
    ReauthRequired,
    /// An internal failure.
    InternalError,
    /// The service is overloaded or the database unreachable.
    ServiceBusy,
    /// Too many failed attempts from one client.
    TooManyAttempts,
    /// The request body is too large.
    PayloadTooLarge,
    /// Reset instructions were sent to `email`.
    ResetInstructionsSent {
        /// The address as entered.
        email: String,
    },
    /// A bad reset link.
    InvalidResetToken,
    /// The password was reset.
    PasswordReset,
    /// The password was changed.
    PasswordChanged,
    /// Confirmation instructions were sent to `email`.
    ConfirmationSent {
        /// The address as entered.
        email: String,
    },
    /// The address is confirmed.
    EmailConfirmed,
    /// The address was confirmed before.
    AlreadyConfirmed,
    /// A bad confirmation link.
    InvalidConfirmationToken,
    /// A bad link confirming a new address.
    InvalidChangeEmailToken,
    /// The new address is confirmed.
    ChangeEmailConfirmed,
    /// Instructions to confirm the new address were sent to `email`.
    ChangeEmailSent {
        /// The new address.
        email: String,
    },
    /// A value outside a field's choices.
    NotAValidChoice,
    /// No option was chosen.
    ChooseAnOption,
    /// A one-time code was mailed to the signed-in user.
    CodeSent,
    /// The generic answer to a request for a sign-in code.
    IdentityCodeSent,
    /// A wrong recovery code.
    RecoveryCodeInvalid,
    /// A wrong password or one-time code at unified sign-in.
    InvalidPasscode,
    /// A unified sign-in method was set up.
    UsSetupDone,
    /// A unified sign-in method was removed.
    UsMethodRemoved,
    /// A bad or expired sign-in link.
    UsLinkInvalid,
    /// Subject of the welcome mail.
    SubjectRegister,
    /// Subject of the confirmation mail.
    SubjectConfirm,
    /// Subject of the reset instructions.
    SubjectPasswordReset,
    /// Subject of the notice that the password was reset.
    SubjectPasswordNotice,
    /// Subject of the notice that the password was changed.
    SubjectPasswordChangeNotice,
    /// Subject of the mail confirming a new address.
    SubjectChangeEmail,
    /// Subject of the two-factor code mail.
    SubjectTwoFactor,
    /// Subject of the unified sign-in code mail.
    SubjectVerificationCode,
    /// Subject of the username recovery mail.
    SubjectUsernameRecovery,
    /// Subject of the notice that the username changed.
    SubjectUsernameChangeNotice,
    /// Subject of the mail confirming a deletion.
    SubjectAccountDeleted,
    /// Subject of the notice that the address changed.
    SubjectChangeEmailNotice,
    /// Subject of the notice that two-factor was turned off.
    SubjectTwoFactorDisabledNotice,
    /// Subject of the notice that the authenticator was replaced.
    SubjectTwoFactorChangedNotice,
    /// Subject of the notice of new recovery codes.
    SubjectRecoveryCodesNotice,
    /// Subject of the notice that sign-in methods changed.
    SubjectUsSetupNotice,
    /// Subject of the notice that the account was locked.
    SubjectAccountLocked,
    /// Subject of the notice that a passkey was added.
    SubjectPasskeyAddedNotice,
    /// Subject of the notice that a passkey was removed.
    SubjectPasskeyRemovedNotice,
    /// Subject of the notice of a sign-in from a new device.
    SubjectNewDevice,
    /// The password is on the list of breached passwords.
    PasswordBreached,
    /// The account was deleted.
    AccountDeleted,
    /// The username was changed.
    UsernameChanged,
    /// The generic answer to a username recovery request.
    UsernameRecoverySent,
    /// A session that is not the user's.
    NoSuchSession,
    /// Every other session was signed out.
    OtherSessionsSignedOut,
    /// No session was chosen.
    ChooseASession,
    /// One session was signed out.
    SessionSignedOut,
    /// The two-factor rescue choice of a mailed code.
    TfChoiceEmail,
    /// The two-factor rescue choice of asking the administrators.
    TfChoiceHelp,
    /// The two-factor rescue choice of a recovery code.
    TfChoiceRecoveryCode,
    /// The two-factor method of an authenticator app.
    TfChoiceAuthenticator,
    /// The two-factor choice of turning it off.
    TfChoiceDisable,
    /// The administrators were asked for help.
    TfHelpRequested,
    /// A two-factor method that is not available.
    TfMethodInvalid,
    /// Two-factor authentication was turned off.
    TfDisabled,
    /// The two-factor method was changed.
    TfChanged,
    /// A page number that is not one.
    InvalidPageNumber,
    /// A JSON body that is not an object of fields.
    BodyNotAnObject,
    /// A request with a NUL character.
    NulCharacter,
    /// A request for a host the site does not serve.
    UntrustedHost,
    /// The passkey usage of signing in on its own.
    WanUsageFirst,
    /// The passkey usage as a second factor.
    WanUsageSecondary,
    /// A passkey without a name.
    WanNameMissing,
    /// A passkey usage the site does not allow.
    WanUsageRefused,
    /// A passkey registered before.
    WanAlreadyRegistered,
    /// No passkey is registered as a second factor.
    WanNoSecondFactor,
    /// No passkey is registered.
    WanNoneRegistered,
    /// A request that could not be understood.
    BadRequestGeneric,
    /// A page that does not exist.
    PageNotFound,
    /// A method the address does not accept.
    MethodNotAllowed,
    /// A body that is neither a form nor JSON.
    UnsupportedMediaType,
    /// Values that are well-formed but not valid.
    Unprocessable,
    /// A body that is not UTF-8 text.
    BodyNotUtf8,
    /// No username.
    UsernameNotProvided,
    /// A username with other characters than letters and digits.
    UsernameDisallowedCharacters,
    /// A one-time code for the two-factor rescue was mailed.
    TfCodeSent,
    /// The username changed while the request was handled.
    UsernameChangedMeanwhile,
    /// A passkey usage other than `first` or `secondary`.
    WanUsageInvalid,
    /// A passkey request that expired or was used.
    WanStateInvalid,
    /// A passkey answer without the credential.
    WanCredentialMissing,
    /// A passkey answer that cannot be read.
    WanCredentialGarbled,
    /// A passkey that could not be verified.
    WanRefused,
    /// Passkeys that the site's address does not suit.
    WanNotConfigured,
    /// A passkey registration that could not start.
    WanRegisterStartFailed,
    /// A passkey sign-in that could not start.
    WanSigninStartFailed,
    /// The confirmation link is older than `within`.
    ConfirmationExpired {
        /// How long a link lasts (`confirm_email_within`).
        within: WithinDelta,
    },
    /// The reset link is older than `within`.
    PasswordResetExpired {
        /// How long a link lasts (`reset_password_within`).
        within: WithinDelta,
    },
    /// The link confirming a new address is older than `within`.
    ChangeEmailExpired {
        /// How long a link lasts (`change_email_within`).
        within: WithinDelta,
    },
    /// Registered; a confirmation link was mailed to `email`.
    ConfirmRegistration {
        /// The address as entered.
        email: String,
    },
    /// A sign-in code was mailed to `email`.
    CodeSentTo {
        /// The user's address.
        email: String,
    },
    /// A password longer than `length` characters.
    PasswordTooLong {
        /// The maximum length.
        length: usize,
    },
    /// A password below the strength score, with zxcvbn's advice.
    PasswordTooSimple {
        /// zxcvbn's warning and suggestion, written `: warning suggestion` (or nothing).
        advice: StrengthAdvice,
    },
    /// A passkey name longer than `length` characters.
    WanNameTooLong {
        /// The maximum length.
        length: usize,
    },
    /// The user has a passkey named `name`.
    WanNameInUse {
        /// The passkey's name.
        name: String,
    },
    /// The user has no passkey named `name`.
    WanNameNotFound {
        /// The passkey's name.
        name: String,
    },
    /// The passkey `name` was registered.
    WanRegistered {
        /// The passkey's name.
        name: String,
    },
    /// The passkey `name` was renamed `new_name`.
    WanRenamed {
        /// The old name.
        name: String,
        /// The new name.
        new_name: String,
    },
    /// The passkey `name` was removed.
    WanRemoved {
        /// The passkey's name.
        name: String,
    },
    /// The browser's answer to a passkey registration was refused (the reason is logged).
    WanRegisterFailed,
    /// The unified sign-in `method` to remove is not set up.
    UsMethodNotSetUp {
        /// The method's name.
        method: String,
    },
    /// A username shorter than `min` or longer than `max` characters.
    UsernameInvalidLength {
        /// `username_min_length`.
        min: usize,
        /// `username_max_length`.
        max: usize,
    },
    /// Another account has the username.
    UsernameTaken {
        /// The username as entered.
        username: String,
    },
    /// A required field of the application's left empty.
    FieldNotProvided {
        /// The field's label.
        label: String,
    },
    /// A body that is not JSON.
    BodyNotJson {
        /// The parser's account of where.
        detail: String,
    },
    /// A JSON field that is not a string, a number or a boolean.
    FieldNotScalar {
        /// The field's name.
        name: String,
    },
    /// A field longer than `length` characters.
    FieldTooLong {
        /// The maximum length.
        length: usize,
    },
    /// A text of the application's (an extra field's validator message, a status reason),
    /// shown as it is in every language.
    Text(String),
}

impl From<&PasswordPolicyError> for Message {
    fn from(error: &PasswordPolicyError) -> Message {
        match error {
            PasswordPolicyError::TooShort { min } => Message::PasswordTooShort { length: *min },
            PasswordPolicyError::TooLong { max } => Message::PasswordTooLong { length: *max },
            PasswordPolicyError::Breached => Message::PasswordBreached,
            PasswordPolicyError::TooWeak { advice } => {
                Message::PasswordTooSimple { advice: *advice }
            }
        }
    }
}

impl From<UsernameError> for Message {
    fn from(error: UsernameError) -> Message {
        match error {
            UsernameError::NotProvided => Message::UsernameNotProvided,
            UsernameError::DisallowedCharacters => Message::UsernameDisallowedCharacters,
            UsernameError::InvalidLength { min, max } => {
                Message::UsernameInvalidLength { min, max }
            }
            UsernameError::Taken(username) => Message::UsernameTaken { username },
        }
    }
}

impl Message {
    /// The key of the message in the `.ftl` files.
    pub fn fluent_id(&self) -> &'static str {
        names::names(self).0
    }

    /// Flask-Security-Too's name of the message (`msg_invalid_password`), or of the setting
    /// that holds a mail subject (`email_subject_password_reset`).
    pub fn fst_name(&self) -> &'static str {
        names::names(self).1
    }

    /// The arguments the text refers to (`{ $email }` in Fluent, `%(email)s` in an override).
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Message::PasswordTooShort { length } => vec![("length", length.to_string())],
            Message::ResetInstructionsSent { email }
            | Message::ConfirmationSent { email }
            | Message::ChangeEmailSent { email } => vec![("email", email.clone())],
            Message::ConfirmationExpired { within } => vec![("within", within.to_string())],
            Message::PasswordResetExpired { within } => vec![("within", within.to_string())],
            Message::ChangeEmailExpired { within } => vec![("within", within.to_string())],
            Message::ConfirmRegistration { email } => vec![("email", email.clone())],
            Message::CodeSentTo { email } => vec![("email", email.clone())],
            Message::PasswordTooLong { length } => vec![("length", length.to_string())],
            Message::PasswordTooSimple { advice } => vec![("detail", advice.to_string())],
            Message::WanNameTooLong { length } => vec![("length", length.to_string())],
            Message::WanNameInUse { name } => vec![("name", name.clone())],
            Message::WanNameNotFound { name } => vec![("name", name.clone())],
            Message::WanRegistered { name } => vec![("name", name.clone())],
            Message::WanRenamed { name, new_name } => {
                vec![("name", name.clone()), ("new_name", new_name.clone())]
            }
            Message::WanRemoved { name } => vec![("name", name.clone())],
            Message::UsMethodNotSetUp { method } => vec![("method", method.clone())],
            Message::UsernameInvalidLength { min, max } => {
                vec![("min", min.to_string()), ("max", max.to_string())]
            }
            Message::UsernameTaken { username } => vec![("username", username.clone())],
            Message::FieldNotProvided { label } => vec![("label", label.clone())],
            Message::BodyNotJson { detail } => vec![("detail", detail.clone())],
            Message::FieldNotScalar { name } => vec![("name", name.clone())],
            Message::FieldTooLong { length } => vec![("length", length.to_string())],
            _ => Vec::new(),
        }
    }

    /// The message whose Flask-Security-Too name is `name` (arguments left empty).
    pub fn by_fst_name(name: &str) -> Option<Message> {
        Message::PLAIN
            .iter()
            .chain(Message::WITH_ARGS)
            .find(|m| m.fst_name() == name)
            .cloned()
    }
}

//! [`Message`]: every message text a person may see outside the page templates, each with its
//! Fluent id and its Flask-Security-Too name.

/// A message shown as a flash, a form error or a JSON error, or used as a mail subject.
///
/// Each knows its Fluent id (the key in `locales/<lang>/security.ftl`) and its
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
}

impl Message {
    /// Every message without arguments, for lookups by English text and by name.
    pub const PLAIN: &'static [Message] = &[
        Message::Unauthenticated,
        Message::Forbidden,
        Message::AnonymousOnly,
        Message::GenericAuthnFailed,
        Message::InvalidRedirect,
        Message::InvalidEmail,
        Message::EmailNotProvided,
        Message::PasswordNotProvided,
        Message::PasswordsDoNotMatch,
        Message::InvalidPassword,
        Message::PasswordIsTheSame,
        Message::InvalidCode,
        Message::CsrfMissing,
        Message::CsrfInvalid,
        Message::CsrfExpired,
        Message::CsrfSessionMissing,
        Message::NoPermissionPage,
        Message::AccountChanged,
        Message::ReauthRequired,
        Message::InternalError,
        Message::ServiceBusy,
        Message::TooManyAttempts,
        Message::PayloadTooLarge,
        Message::InvalidResetToken,
        Message::PasswordReset,
        Message::PasswordChanged,
        Message::EmailConfirmed,
        Message::AlreadyConfirmed,
        Message::InvalidConfirmationToken,
        Message::InvalidChangeEmailToken,
        Message::ChangeEmailConfirmed,
        Message::NotAValidChoice,
        Message::ChooseAnOption,
        Message::CodeSent,
        Message::IdentityCodeSent,
        Message::RecoveryCodeInvalid,
        Message::InvalidPasscode,
        Message::UsSetupDone,
        Message::UsMethodRemoved,
        Message::UsLinkInvalid,
        Message::SubjectRegister,
        Message::SubjectConfirm,
        Message::SubjectPasswordReset,
        Message::SubjectPasswordNotice,
        Message::SubjectPasswordChangeNotice,
        Message::SubjectChangeEmail,
        Message::SubjectTwoFactor,
        Message::SubjectVerificationCode,
        Message::SubjectUsernameRecovery,
        Message::SubjectUsernameChangeNotice,
        Message::SubjectAccountDeleted,
        Message::SubjectChangeEmailNotice,
        Message::SubjectTwoFactorDisabledNotice,
        Message::SubjectTwoFactorChangedNotice,
        Message::SubjectRecoveryCodesNotice,
        Message::SubjectUsSetupNotice,
        Message::SubjectAccountLocked,
        Message::SubjectPasskeyAddedNotice,
        Message::SubjectPasskeyRemovedNotice,
        Message::SubjectNewDevice,
    ];

    /// The Fluent id and the Flask-Security-Too name.
    fn names(&self) -> (&'static str, &'static str) {
        use Message::*;
        match self {
            Unauthenticated => ("unauthenticated", "msg_unauthenticated"),
            Forbidden => ("forbidden", "msg_unauthorized"),
            AnonymousOnly => ("anonymous-only", "msg_anonymous_user_required"),
            GenericAuthnFailed => ("generic-authn-failed", "msg_generic_authn_failed"),
            InvalidRedirect => ("invalid-redirect", "msg_invalid_redirect"),
            InvalidEmail => ("invalid-email", "msg_invalid_email_address"),
            EmailNotProvided => ("email-not-provided", "msg_email_not_provided"),
            PasswordNotProvided => ("password-not-provided", "msg_password_not_provided"),
            PasswordsDoNotMatch => ("passwords-do-not-match", "msg_retype_password_mismatch"),
            InvalidPassword => ("invalid-password", "msg_invalid_password"),
            PasswordTooShort { .. } => ("password-too-short", "msg_password_invalid_length"),
            PasswordIsTheSame => ("password-is-the-same", "msg_password_is_the_same"),
            InvalidCode => ("invalid-code", "msg_invalid_code"),
            CsrfMissing => ("csrf-missing", "msg_csrf_missing"),
            CsrfInvalid => ("csrf-invalid", "msg_csrf_invalid"),
            CsrfExpired => ("csrf-expired", "msg_csrf_expired"),
            CsrfSessionMissing => ("csrf-session-missing", "msg_csrf_session_missing"),
            NoPermissionPage => ("no-permission-page", "msg_no_permission"),
            AccountChanged => ("account-changed", "msg_account_changed"),
            ReauthRequired => ("reauth-required", "msg_reauthentication_required"),
            InternalError => ("internal-error", "msg_internal_error"),
            ServiceBusy => ("service-busy", "msg_service_busy"),
            TooManyAttempts => ("too-many-attempts", "msg_too_many_attempts"),
            PayloadTooLarge => ("payload-too-large", "msg_payload_too_large"),
            ResetInstructionsSent { .. } => {
                ("reset-instructions-sent", "msg_password_reset_request")
            }
            InvalidResetToken => ("invalid-reset-token", "msg_invalid_reset_password_token"),
            PasswordReset => ("password-reset", "msg_password_reset"),
            PasswordChanged => ("password-changed", "msg_password_change"),
            ConfirmationSent { .. } => ("confirmation-sent", "msg_confirmation_request"),
            EmailConfirmed => ("email-confirmed", "msg_email_confirmed"),
            AlreadyConfirmed => ("already-confirmed", "msg_already_confirmed"),
            InvalidConfirmationToken => (
                "invalid-confirmation-token",
                "msg_invalid_confirmation_token",
            ),
            InvalidChangeEmailToken => (
                "invalid-change-email-token",
                "msg_invalid_change_email_token",
            ),
            ChangeEmailConfirmed => ("change-email-confirmed", "msg_change_email_confirmed"),
            ChangeEmailSent { .. } => ("change-email-sent", "msg_change_email_sent"),
            NotAValidChoice => ("not-a-valid-choice", "msg_not_a_valid_choice"),
            ChooseAnOption => ("choose-an-option", "msg_choose_an_option"),
            CodeSent => ("code-sent", "msg_code_sent"),
            IdentityCodeSent => ("identity-code-sent", "msg_code_has_been_sent"),
            RecoveryCodeInvalid => ("recovery-code-invalid", "msg_no_recovery_code_match"),
            InvalidPasscode => ("invalid-passcode", "msg_invalid_password_code"),
            UsSetupDone => ("us-setup-done", "msg_us_setup_successful"),
            UsMethodRemoved => ("us-method-removed", "msg_us_method_removed"),
            UsLinkInvalid => ("us-link-invalid", "msg_us_link_invalid"),
            SubjectRegister => ("subject-register", "email_subject_register"),
            SubjectConfirm => ("subject-confirm", "email_subject_confirm"),
            SubjectPasswordReset => ("subject-password-reset", "email_subject_password_reset"),
            SubjectPasswordNotice => ("subject-password-notice", "email_subject_password_notice"),
            SubjectPasswordChangeNotice => (
                "subject-password-change-notice",
                "email_subject_password_change_notice",
            ),
            SubjectChangeEmail => (
                "subject-change-email",
                "email_subject_change_email_instructions",
            ),
            SubjectTwoFactor => ("subject-two-factor", "email_subject_two_factor"),
            SubjectVerificationCode => ("subject-verification-code", "us_email_subject"),
            SubjectUsernameRecovery => (
                "subject-username-recovery",
                "email_subject_username_recovery",
            ),
            SubjectUsernameChangeNotice => (
                "subject-username-change-notice",
                "email_subject_username_change_notice",
            ),
            SubjectAccountDeleted => ("subject-account-deleted", "email_subject_account_deleted"),
            SubjectChangeEmailNotice => (
                "subject-change-email-notice",
                "email_subject_change_email_notice",
            ),
            SubjectTwoFactorDisabledNotice => (
                "subject-two-factor-disabled-notice",
                "email_subject_two_factor_disabled_notice",
            ),
            SubjectTwoFactorChangedNotice => (
                "subject-two-factor-changed-notice",
                "email_subject_two_factor_changed_notice",
            ),
            SubjectRecoveryCodesNotice => (
                "subject-recovery-codes-notice",
                "email_subject_recovery_codes_notice",
            ),
            SubjectUsSetupNotice => ("subject-us-setup-notice", "email_subject_us_setup_notice"),
            SubjectAccountLocked => ("subject-account-locked", "email_subject_account_locked"),
            SubjectPasskeyAddedNotice => (
                "subject-passkey-added-notice",
                "email_subject_passkey_added_notice",
            ),
            SubjectPasskeyRemovedNotice => (
                "subject-passkey-removed-notice",
                "email_subject_passkey_removed_notice",
            ),
            SubjectNewDevice => ("subject-new-device", "email_subject_new_device"),
        }
    }

    /// The key of the message in the `.ftl` files.
    pub fn fluent_id(&self) -> &'static str {
        self.names().0
    }

    /// Flask-Security-Too's name of the message (`msg_invalid_password`), or of the setting
    /// that holds a mail subject (`email_subject_password_reset`).
    pub fn fst_name(&self) -> &'static str {
        self.names().1
    }

    /// The arguments the text refers to (`{ $email }` in Fluent, `%(email)s` in an override).
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Message::PasswordTooShort { length } => vec![("length", length.to_string())],
            Message::ResetInstructionsSent { email }
            | Message::ConfirmationSent { email }
            | Message::ChangeEmailSent { email } => vec![("email", email.clone())],
            _ => Vec::new(),
        }
    }

    /// The message whose Flask-Security-Too name is `name` (arguments left empty).
    pub fn by_fst_name(name: &str) -> Option<Message> {
        let with_args = [
            Message::PasswordTooShort { length: 0 },
            Message::ResetInstructionsSent {
                email: String::new(),
            },
            Message::ConfirmationSent {
                email: String::new(),
            },
            Message::ChangeEmailSent {
                email: String::new(),
            },
        ];
        Message::PLAIN
            .iter()
            .chain(with_args.iter())
            .find(|m| m.fst_name() == name)
            .cloned()
    }
}

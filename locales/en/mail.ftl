## The mails other than the password reset mail. A `-text` variant is the text part where
## its lines are wrapped differently from the HTML part.

## Shared by several mails.

mail-button-confirm-email = Confirm my email
mail-button-reset-password = Reset my password
mail-confirm-intro = Please confirm your email address through the link below.
mail-confirm-intro-text = Please confirm your email address through the link below:
mail-ignore = If you did not ask for this, ignore this mail.
mail-notice-not-you = If you did not do this, reset your password and contact us right away: someone else may have access to your account.
mail-notice-not-you-text = If you did not do this, reset your password and contact us right away:
    someone else may have access to your account.

## welcome, welcome_existing, confirmation_instructions

mail-welcome-title = Welcome
mail-welcome-greeting = Welcome { $email }!
mail-existing-title = Someone tried to register your address
mail-existing-greeting = Hello { $email },
mail-existing-intro = Someone (you?) tried to register this email address, but it already has an account.
mail-existing-intro-text = Someone (you?) tried to register this email address, but it already has
    an account.
mail-existing-forgot = If that was you and you have forgotten your password, choose a new one:
mail-existing-forgot-text = If that was you and you have forgotten your password, choose a new one
    here:
mail-existing-unconfirmed = Your email address is not confirmed yet. Confirm it here:
mail-existing-ignore = If it was not you, ignore this mail: nothing has changed.
mail-confirm-title = Please confirm your email

## Password notices and the lockout mail.

mail-password-changed-title = Your password has been changed
mail-password-changed-body = Your password has been changed.
mail-password-changed-not-you = If you did not change it, choose a new password now.
mail-password-changed-not-you-text = If you did not change it, choose a new password now:
mail-reset-notice-title = Your password has been reset
mail-reset-notice-body = Your password has been reset.
mail-reset-notice-not-you = If you did not do this, contact us right away: someone else may have access to your account.
mail-reset-notice-not-you-text = If you did not do this, contact us right away: someone else may have
    access to your account.
mail-locked-title = Your account was locked
mail-locked-intro = Your account was locked after too many wrong passwords. Nobody can sign in to it with a password until { $until }.
mail-locked-intro-text = Your account was locked after too many wrong passwords. Nobody can sign in
    to it with a password until { $until }.
mail-locked-wait = If this was you, wait until then or choose a new password through the link below, which also ends the lock.
mail-locked-wait-text = If this was you, wait until then or choose a new password through the
    link below, which also ends the lock:
mail-locked-not-you = If it was not you, someone may be guessing your password: choosing a new one through the link is a good idea.
mail-locked-not-you-text = If it was not you, someone may be guessing your password: choosing a new
    one through the link is a good idea.

## Changing the email address and the username.

mail-change-email-title = Confirm your new email address
mail-change-email-intro = Someone (you?) asked to change the email address of an account to { $new-email }.
mail-change-email-intro-text = Someone (you?) asked to change the email address of an account to
    { $new-email }.
mail-change-email-confirm = Confirm the new address through the link below.
mail-change-email-confirm-text = Confirm the new address through the link below:
mail-change-email-button = Confirm my new address
mail-change-email-ignore = Until then the old address stays in use. If you did not ask for this, ignore this mail.
mail-change-email-ignore-text = Until then the old address stays in use. If you did not ask for this,
    ignore this mail.
mail-email-changed-title = Your email address has been changed
mail-email-changed-body = The email address of your account has been changed from <strong>{ $old-email }</strong> to <strong>{ $new-email }</strong>.
mail-email-changed-body-text = The email address of your account has been changed from { $old-email } to
    { $new-email }.
mail-username-changed-title = Your username has been changed
mail-username-changed-body = The username of your account has been changed from <strong>{ $old-username }</strong> to <strong>{ $username }</strong>.
mail-username-changed-body-text = The username of your account has been changed from { $old-username } to
    { $username }.
mail-username-set-body = Your account now has the username <strong>{ $username }</strong>.
mail-username-set-body-text = Your account now has the username { $username }.
mail-username-title = Your requested username
mail-username-intro = You asked for the username of your account. It is:
mail-username-ignore = If you did not ask for it, you can ignore this mail.

## Deleting the account.

mail-deleted-title = Your account has been deleted
mail-deleted-body = Your account <strong>{ $email }</strong> has been deleted, with its sessions, sign-in methods and security history. Any link or code sent to you before no longer works.
mail-deleted-body-text = Your account { $email } has been deleted, with its sessions, sign-in
    methods and security history. Any link or code sent to you before no longer works.
mail-deleted-not-you = If you did not do this, contact us right away.

## Signing in: codes, new devices.

mail-tf-code-title = Two-factor login
mail-tf-code-intro = Your sign-in code is:
mail-tf-code-hint = Enter it on the page that asked for it. If you did not try to sign in, someone may know your password: change it.
mail-tf-code-hint-text = Enter it on the page that asked for it. If you did not try to sign in,
    someone may know your password: change it.
mail-us-title = Verification code
mail-us-intro = Your verification code is:
mail-us-link = Or sign in directly through this link.
mail-us-link-text = Or sign in directly through this link:
mail-us-button = Sign in
mail-us-ignore = If you did not try to sign in, ignore this mail.
mail-new-device-title = New sign-in to your account
mail-new-device-intro = Your account was just signed in to from a browser or device it has not used recently.
mail-new-device-when = When: { $at }
mail-new-device-device = Device: { $device }
mail-new-device-address = Address: { $ip }
mail-new-device-not-you = If this was you, there is nothing to do. If it was not, change your password now and sign out the devices you don't recognise.
mail-new-device-not-you-text = If this was you, there is nothing to do. If it was not, change your password now and sign out the devices you don't recognise:
mail-new-device-button = See where you're signed in

## Two-factor, recovery codes, sign-in methods and passkeys.

mail-tf-rescue-title = Two-factor help request
mail-tf-rescue-body = The user { $email } cannot sign in with their second factor and asks for help.
mail-tf-rescue-body-text = The user { $email } cannot sign in with their second factor and
    asks for help.
mail-tf-rescue-check = Make sure the request really comes from them before you turn off their two-factor authentication.
mail-tf-rescue-check-text = Make sure the request really comes from them before you turn off their
    two-factor authentication.
mail-tf-disabled-title = Two-factor authentication has been turned off
mail-tf-disabled-body = Two-factor authentication has been turned off for your account { $email }. Signing in now needs only your password.
mail-tf-disabled-body-text = Two-factor authentication has been turned off for your account
    { $email }. Signing in now needs only your password.
mail-tf-changed-title = Your two-factor authenticator has been replaced
mail-tf-changed-body = A new authenticator has been set up for your account { $email }. Codes from the previous authenticator no longer work.
mail-tf-changed-body-text = A new authenticator has been set up for your account { $email }.
    Codes from the previous authenticator no longer work.
mail-recovery-codes-title = New recovery codes have been generated
mail-recovery-codes-body = New recovery codes have been generated for your account { $email }. Any recovery codes you had before no longer work.
mail-recovery-codes-body-text = New recovery codes have been generated for your account { $email }.
    Any recovery codes you had before no longer work.
mail-us-setup-title = Your sign-in methods have changed
mail-us-setup-intro = The sign-in methods of your account { $email } have changed:
mail-us-setup-added = added: { $method }
mail-us-setup-removed = removed: { $method }
mail-passkey-added-title = A passkey was added to your account
mail-passkey-added-body = A passkey named { $name } was added to your account { $email }. It can be used to sign in.
mail-passkey-removed-title = A passkey was removed from your account
mail-passkey-removed-body = The passkey named { $name } was removed from your account { $email }. It can no longer be used to sign in.

## Subjects of the mails that have no subject in security.ftl.

subject-new-device = New sign-in to your account

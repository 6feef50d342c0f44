## Messages: flashes, form errors and JSON errors. Each has a Flask-Security-Too
## name (`msg_*`) by which Rocket.toml overrides its English text.

unauthenticated = You must sign in to view this resource.
forbidden = You do not have permission to view this resource.
anonymous-only = You can only access this endpoint when not logged in.
generic-authn-failed = Authentication failed - identity or password/passcode invalid
invalid-redirect = Redirections outside the domain are forbidden
invalid-email = Invalid email address
email-not-provided = Email not provided
password-not-provided = Password not provided
passwords-do-not-match = Passwords do not match
invalid-password = Invalid password
password-too-short = Password must be at least { $length } characters
password-is-the-same = Your new password must be different than your previous password.
invalid-code = Invalid code
csrf-missing = The CSRF token is missing.
csrf-invalid = The CSRF token is invalid.
csrf-expired = The CSRF token has expired.
csrf-session-missing = The CSRF session token is missing.
no-permission-page = You currently do not have permissions to access this page
account-changed = Your account changed while this request was handled. Please try again.
reauth-required = You must re-authenticate to access this endpoint
internal-error = Something went wrong on our side. Please try again in a moment.
service-busy = The service is busy. Please try again in a moment.
too-many-attempts = Too many failed attempts from your address. Try again later.
payload-too-large = The request body is too large.
reset-instructions-sent = Instructions to reset your password have been sent to { $email }.
invalid-reset-token = Invalid reset password token.
password-reset = You successfully reset your password. Please authenticate using your new password.
password-changed = You successfully changed your password.
confirmation-sent = Confirmation instructions have been sent to { $email }.
email-confirmed = Thank you. Your email has been confirmed.
already-confirmed = Your email has already been confirmed.
invalid-confirmation-token = Invalid confirmation token.
invalid-change-email-token = Invalid change email token.
change-email-confirmed = Change of email address confirmed
change-email-sent = Instructions to confirm your new email address have been sent to { $email }.
not-a-valid-choice = Not a valid choice
choose-an-option = Choose one of the options.
code-sent = A code was sent to your e-mail address.
identity-code-sent = If that identity is in our system, you were sent a code.
recovery-code-invalid = Recovery code invalid
invalid-passcode = Password or code submitted is not valid
us-setup-done = Your sign-in method was set up.
us-method-removed = The sign-in method was removed.
us-link-invalid = The sign-in link is invalid or has expired.

## Mail subjects (used when the configured subject is the default).

subject-register = Welcome
subject-confirm = Please confirm your email
subject-password-reset = Password reset instructions
subject-password-notice = Your password has been reset
subject-password-change-notice = Your password has been changed
subject-change-email = Confirm your new email address
subject-two-factor = Two-Factor Login
subject-verification-code = Verification Code
subject-username-recovery = Your requested username
subject-username-change-notice = Your username has been changed
subject-account-deleted = Your account has been deleted
subject-change-email-notice = Your email address has been changed
subject-two-factor-disabled-notice = Two-factor authentication has been turned off
subject-two-factor-changed-notice = Your two-factor authenticator has been replaced
subject-recovery-codes-notice = New recovery codes have been generated
subject-us-setup-notice = Your sign-in methods have changed
subject-account-locked = Your account was locked

## The page layout.

site-home = Home
nav-signed-in = Signed in
nav-sign-out = Sign out
nav-sign-in = Sign in
nav-register = Register
nav-account = Account

## Form fields.

field-email = Email address
field-identity = Email address or username
field-password = Password
field-remember = Remember me

## The sign-in page.

login-title = Sign in
login-submit = Sign in
login-forgot-password = Forgot password?
login-or = or
login-with-code = Sign in with a one-time code
login-new-here = New here?
login-create-account = Create an account
login-forgot-username = Forgot your username?
login-get-username = Get it by email
login-no-confirmation = Didn't get the confirmation email?
login-send-again = Send it again

## Password reset request and registration pages.

forgot-title = Reset your password
forgot-heading = Forgot your password?
forgot-lead = Enter your email address and we'll send you a link to choose a new one.
forgot-submit = Send reset link
forgot-remembered = Remembered it?
link-back-to-sign-in = Back to sign in
register-title = Create an account
field-username = Username
field-password-confirm = Confirm password
hint-username = Letters and digits only.
hint-password-length = At least { $min } characters.
register-submit = Create account
register-have-account = Already have an account?
link-sign-in = Sign in
error-home = Go to the home page

## Password and confirmation pages.

reset-title = Choose a new password
reset-submit = Reset password
field-new-password = New password
field-new-password-confirm = Confirm new password
field-current-password = Current password
change-title = Change password
change-submit = Change password
change-forgot-current = Forgot your current password?
change-reset-by-email = Reset it by email
link-cancel = Cancel
confirm-title = Resend confirmation
confirm-lead = Enter the address you registered with and we'll send you a new confirmation link.
confirm-submit = Send confirmation link

## The password reset mail.

mail-reset-title = Reset your password
mail-reset-intro = Someone (you?) asked to reset the password of your account. Choose a new password through the link below.
mail-reset-intro-text = Someone (you?) asked to reset the password of your account. Choose a new
    password through the link below:
mail-reset-button = Choose a new password
mail-link-fallback = If the button does not work, copy this address into your browser:
mail-reset-ignore = If you did not ask for this, ignore this mail: your password stays the same.
mail-reset-ignore-text = If you did not ask for this, ignore this mail: your password stays the
    same.

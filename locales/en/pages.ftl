# Texts of the security pages beyond sign-in, registration and passwords.

## Shared
page-continue = Continue
page-verify = Verify
page-send-code = Send code
page-send-code-by = Send the code by
page-password-or-code = Password or code
page-confirm-title = Confirm it's you
page-phone = Phone number
page-phone-hint = Include your country code, for example +1 555 0100.
page-use-recovery-code = Use a recovery code
page-continue-passkey = Continue with a passkey
page-use-my-passkey = Use my passkey
page-new-username = New username

## Form building blocks
method-email-rescue = Email me a one-time code
method-email = Email
method-authenticator = Authenticator app
method-sms = Text message (SMS)
method-password = Password
method-disable = Turn off two-factor authentication
method-help = Ask the site administrator for help
method-recovery-code = Use a recovery code
authr-heading = Scan with your authenticator app
authr-lead = Open an authenticator app (such as Google Authenticator, Microsoft Authenticator, 1Password or Aegis), add an account and scan this QR code.
authr-qr-label = QR code to add { $account } to an authenticator app
authr-cant-scan = Can't scan it? Enter this key by hand:
authr-issuer = Issuer
authr-account = Account
authr-type = Type
authr-totp = Time-based (TOTP)
authr-open = Open in an authenticator app on this device

## Unified sign-in
us-signin-lead = Use your password, or have a one-time code sent to you.
us-signin-passcode-hint = Your password, or the code we sent you.
us-signin-no-password = No password handy?
us-signin-send-before = Enter your email address above and choose
us-signin-send-after = . We'll email you a one-time code to type in above, along with a link that signs you in.
us-signin-with-password = Sign in with email and password
us-setup-title = Sign-in methods
us-setup-lead = Besides your password, you can sign in with a one-time code.
us-setup-active = Active:
us-setup-code-sent = We've sent you a code. Enter it below to finish setting up this method.
us-setup-code = Verification code
us-setup-other = Set up a different method
us-setup-choose = Set up
us-setup-remove = Remove
us-setup-save = Save
us-verify-lead = Enter your password or a one-time code to continue.
us-verify-need-code = Need a code? Choose where to send it, then
us-verify-need-code-after = .

## Two-factor authentication
tf-title = Two-factor authentication
tf-on = On
tf-on-status = You sign in with a second step:
tf-off = Off
tf-off-status = Add a second step to signing in: a 6-digit code from an app on your phone.
tf-app-code = Code from the app
tf-app-code-hint = Enter the 6-digit code the app shows to finish.
tf-verify-turn-on = Verify and turn on
tf-other-method = Choose a different method
tf-method = Method
tf-lost-phone = Lost your phone?
tf-setup-recovery-codes = Set up recovery codes
tf-verify-lead = Enter the 6-digit code from your authenticator app, or a code we emailed you.
tf-code = Authentication code
tf-cant-use-app = Can't use your authenticator app?
tf-get-back-in = Get back in
tf-have-recovery-code = Have a recovery code?
tf-passkey-second = Registered a passkey as your second factor?
tf-use-passkey = Use your passkey

## Recovery codes
mf-recovery-lead = Enter one of the recovery codes you saved when you set up two-factor authentication.
mf-recovery-code = Recovery code
mf-recovery-code-hint = It looks like 1a2b-3c4d-5e6f.
mf-recovery-use-app = Use your authenticator app instead
mf-codes-title = Recovery codes
mf-codes-lead = If you lose access to your authenticator app, a recovery code lets you finish signing in. Each code works once.
mf-codes-store = Store these somewhere safe
mf-codes-store-why = , such as a password manager or a printed copy. Anyone who has them and your password can sign in as you.
mf-codes-show = Show my recovery codes
mf-codes-replace = Generating new codes replaces any codes you already have.
mf-codes-generate = Generate new codes
mf-codes-tf-settings = Two-factor settings

## Confirming it is you
verify-lead = Please enter your password again to continue.
verify-use-code = Use a one-time code instead
verify-use-passkey = Use a passkey instead

## Account
change-email-title = Change email address
change-email-current = Your current address is
change-email-lead = We'll send a confirmation link to the new address. Your address changes once you follow that link.
change-email-new = New email address
change-email-submit = Send confirmation link
change-username-title = Change username
change-username-current = Your username is
change-username-none = Your account has no username yet.
change-username-lead = Letters and digits only. You can sign in with your username or your email address.
delete-title = Delete your account
delete-lead = This deletes your account for good: your sign-in methods, sessions on every device and your security activity go with it. It cannot be undone.
delete-password = Your password
delete-password-hint = To confirm it is you.
delete-submit = Delete my account
delete-keep = Keep my account
recover-username-title = Forgot your username
recover-username-heading = Forgot your username?
recover-username-lead = Enter your email address and we'll send your username to it.
recover-username-submit = Send my username

## Activity and sessions
activity-title = Security activity
activity-lead = Sign-ins and changes to your account's security, newest first. If something here wasn't you, change your password and
activity-lead-link = sign out the devices
activity-lead-end = {" "}you don't recognise.
activity-empty = Nothing recorded yet.
activity-newer = Newer
activity-older = Older
sessions-title = Where you're signed in
sessions-lead = Each browser or device signed in to your account. Sign out any you don't recognise, then change your password.
sessions-this-device = this device
sessions-remembered = remembered
sessions-signed-in = signed in
sessions-last-active = last active
sessions-sign-out-here = Sign out here
sessions-sign-out = Sign out
sessions-sign-out-others = Sign out everywhere else

## Passkeys
wan-title = Passkeys
wan-lead = A passkey lets you sign in with your device's screen lock or a security key instead of a password.
wan-list-usage-first = sign in
wan-list-usage-second = second factor
wan-added = added
wan-last-used = last used
wan-none = You have no passkeys yet.
wan-create-heading = Create the passkey
wan-create = Create passkey
wan-add-heading = Add a passkey
wan-name = Name for this passkey
wan-name-hint = For example the device it is on.
wan-use-it = Use it
wan-add = Add passkey
wan-rename-heading = Rename a passkey
wan-current-name = Current name
wan-new-name = New name
wan-rename = Rename
wan-remove-heading = Remove a passkey
wan-remove-name = Name of the passkey to remove
wan-remove = Remove
wan-signin-title = Sign in with a passkey
wan-confirm-title = Confirm with your passkey
wan-other-way = Sign in another way
wan-verify-lead = Use one of your passkeys to continue.
wan-use-password = Use your password instead
wan-unsupported = Passkeys need JavaScript and a browser that supports WebAuthn. Please use another browser, or another way to sign in.

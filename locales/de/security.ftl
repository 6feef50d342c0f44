## Meldungen: Hinweise, Formularfehler und JSON-Fehler.

unauthenticated = Bitte melden Sie sich an, um diese Seite zu sehen.
forbidden = Sie haben keine Berechtigung, diese Seite zu sehen.
anonymous-only = Diese Seite ist nur ohne Anmeldung erreichbar.
generic-authn-failed = Anmeldung fehlgeschlagen – Kennung oder Passwort/Code ungültig
invalid-redirect = Weiterleitungen auf andere Domains sind nicht erlaubt
invalid-email = Ungültige E-Mail-Adresse
email-not-provided = Keine E-Mail-Adresse angegeben
password-not-provided = Kein Passwort angegeben
passwords-do-not-match = Die Passwörter stimmen nicht überein
invalid-password = Ungültiges Passwort
password-too-short = Das Passwort muss mindestens { $length } Zeichen lang sein
password-is-the-same = Ihr neues Passwort muss sich von Ihrem bisherigen unterscheiden.
invalid-code = Ungültiger Code
csrf-missing = Das CSRF-Token fehlt.
csrf-invalid = Das CSRF-Token ist ungültig.
csrf-expired = Das CSRF-Token ist abgelaufen.
csrf-session-missing = Das CSRF-Sitzungstoken fehlt.
no-permission-page = Sie haben derzeit keine Berechtigung für diese Seite
account-changed = Ihr Konto wurde während dieser Anfrage geändert. Bitte versuchen Sie es erneut.
reauth-required = Bitte melden Sie sich erneut an, um diese Seite zu nutzen
internal-error = Bei uns ist etwas schiefgegangen. Bitte versuchen Sie es gleich noch einmal.
service-busy = Der Dienst ist gerade ausgelastet. Bitte versuchen Sie es gleich noch einmal.
too-many-attempts = Zu viele fehlgeschlagene Versuche von Ihrer Adresse. Bitte versuchen Sie es später erneut.
payload-too-large = Die Anfrage ist zu groß.
reset-instructions-sent = Eine Anleitung zum Zurücksetzen Ihres Passworts wurde an { $email } gesendet.
invalid-reset-token = Ungültiger Link zum Zurücksetzen des Passworts.
password-reset = Ihr Passwort wurde zurückgesetzt. Bitte melden Sie sich mit Ihrem neuen Passwort an.
password-changed = Ihr Passwort wurde geändert.
confirmation-sent = Eine Bestätigungsanleitung wurde an { $email } gesendet.
email-confirmed = Vielen Dank. Ihre E-Mail-Adresse ist bestätigt.
already-confirmed = Ihre E-Mail-Adresse wurde bereits bestätigt.
invalid-confirmation-token = Ungültiger Bestätigungslink.
invalid-change-email-token = Ungültiger Link zur Änderung der E-Mail-Adresse.
change-email-confirmed = Die Änderung der E-Mail-Adresse ist bestätigt
change-email-sent = Eine Anleitung zur Bestätigung Ihrer neuen E-Mail-Adresse wurde an { $email } gesendet.
not-a-valid-choice = Keine gültige Auswahl
choose-an-option = Bitte wählen Sie eine der Möglichkeiten.
code-sent = Ein Code wurde an Ihre E-Mail-Adresse gesendet.
identity-code-sent = Falls diese Kennung bei uns bekannt ist, wurde Ihnen ein Code gesendet.
recovery-code-invalid = Ungültiger Wiederherstellungscode
invalid-passcode = Das eingegebene Passwort oder der Code ist ungültig
us-setup-done = Ihre Anmeldemethode wurde eingerichtet.
us-method-removed = Die Anmeldemethode wurde entfernt.
us-link-invalid = Der Anmeldelink ist ungültig oder abgelaufen.

## Betreffzeilen

subject-register = Willkommen
subject-confirm = Bitte bestätigen Sie Ihre E-Mail-Adresse
subject-password-reset = Anleitung zum Zurücksetzen Ihres Passworts
subject-password-notice = Ihr Passwort wurde zurückgesetzt
subject-password-change-notice = Ihr Passwort wurde geändert
subject-change-email = Bestätigen Sie Ihre neue E-Mail-Adresse
subject-two-factor = Anmeldung mit zweitem Faktor
subject-verification-code = Bestätigungscode
subject-username-recovery = Ihr angeforderter Benutzername
subject-username-change-notice = Ihr Benutzername wurde geändert
subject-account-deleted = Ihr Konto wurde gelöscht
subject-change-email-notice = Ihre E-Mail-Adresse wurde geändert
subject-two-factor-disabled-notice = Die Zwei-Faktor-Authentifizierung wurde deaktiviert
subject-two-factor-changed-notice = Ihr Authentifikator für den zweiten Faktor wurde ersetzt
subject-recovery-codes-notice = Neue Wiederherstellungscodes wurden erstellt
subject-us-setup-notice = Ihre Anmeldemethoden haben sich geändert
subject-account-locked = Ihr Konto wurde gesperrt

## Seitenrahmen

site-home = Startseite
nav-signed-in = Angemeldet
nav-sign-out = Abmelden
nav-sign-in = Anmelden
nav-register = Registrieren
nav-account = Konto

## Formularfelder

field-email = E-Mail-Adresse
field-identity = E-Mail-Adresse oder Benutzername
field-password = Passwort
field-remember = Angemeldet bleiben

## Anmeldeseite

login-title = Anmelden
login-submit = Anmelden
login-forgot-password = Passwort vergessen?
login-or = oder
login-with-code = Mit einem Einmalcode anmelden
login-new-here = Neu hier?
login-create-account = Konto erstellen
login-forgot-username = Benutzernamen vergessen?
login-get-username = Per E-Mail zusenden lassen
login-no-confirmation = Keine Bestätigungs-E-Mail erhalten?
login-send-again = Erneut senden

## Seiten „Passwort vergessen“ und „Registrieren“

forgot-title = Passwort zurücksetzen
forgot-heading = Passwort vergessen?
forgot-lead = Geben Sie Ihre E-Mail-Adresse ein, und wir senden Ihnen einen Link, mit dem Sie ein neues Passwort wählen.
forgot-submit = Link senden
forgot-remembered = Doch wieder eingefallen?
link-back-to-sign-in = Zurück zur Anmeldung
register-title = Konto erstellen
field-username = Benutzername
field-password-confirm = Passwort bestätigen
hint-username = Nur Buchstaben und Ziffern.
hint-password-length = Mindestens { $min } Zeichen.
register-submit = Konto erstellen
register-have-account = Sie haben bereits ein Konto?
link-sign-in = Anmelden
error-home = Zur Startseite

## Seiten für Passwort und Bestätigung

reset-title = Neues Passwort wählen
reset-submit = Passwort zurücksetzen
field-new-password = Neues Passwort
field-new-password-confirm = Neues Passwort bestätigen
field-current-password = Aktuelles Passwort
change-title = Passwort ändern
change-submit = Passwort ändern
change-forgot-current = Aktuelles Passwort vergessen?
change-reset-by-email = Per E-Mail zurücksetzen
link-cancel = Abbrechen
confirm-title = Bestätigung erneut senden
confirm-lead = Geben Sie die Adresse ein, mit der Sie sich registriert haben, und wir senden Ihnen einen neuen Bestätigungslink.
confirm-submit = Bestätigungslink senden

## E-Mail zum Zurücksetzen des Passworts

mail-reset-title = Passwort zurücksetzen
mail-reset-intro = Jemand (Sie?) hat das Zurücksetzen des Passworts Ihres Kontos angefordert. Über den folgenden Link wählen Sie ein neues Passwort.
mail-reset-intro-text = Jemand (Sie?) hat das Zurücksetzen des Passworts Ihres Kontos angefordert.
    Über den folgenden Link wählen Sie ein neues Passwort:
mail-reset-button = Neues Passwort wählen
mail-link-fallback = Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:
mail-reset-ignore = Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert.
mail-reset-ignore-text = Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr
    Passwort bleibt unverändert.

# Texte der Sicherheitsseiten über Anmeldung, Registrierung und Passwörter hinaus.

## Gemeinsam
page-continue = Weiter
page-verify = Bestätigen
page-send-code = Code senden
page-send-code-by = Code senden per
page-password-or-code = Passwort oder Code
page-confirm-title = Bestätigen Sie, dass Sie es sind
page-phone = Telefonnummer
page-phone-hint = Mit Ländervorwahl, zum Beispiel +49 30 1234567.
page-use-recovery-code = Wiederherstellungscode verwenden
page-continue-passkey = Mit einem Passkey fortfahren
page-use-my-passkey = Meinen Passkey verwenden
page-new-username = Neuer Benutzername

## Formularbausteine
method-email-rescue = Einmalcode per E-Mail senden
method-email = E-Mail
method-authenticator = Authenticator-App
method-sms = Textnachricht (SMS)
method-password = Passwort
method-disable = Zwei-Faktor-Authentifizierung ausschalten
method-help = Den Administrator der Website um Hilfe bitten
method-recovery-code = Wiederherstellungscode verwenden
authr-heading = Mit Ihrer Authenticator-App scannen
authr-lead = Öffnen Sie eine Authenticator-App (etwa Google Authenticator, Microsoft Authenticator, 1Password oder Aegis), fügen Sie ein Konto hinzu und scannen Sie diesen QR-Code.
authr-qr-label = QR-Code, um { $account } zu einer Authenticator-App hinzuzufügen
authr-cant-scan = Scannen klappt nicht? Geben Sie diesen Schlüssel von Hand ein:
authr-issuer = Aussteller
authr-account = Konto
authr-type = Art
authr-totp = Zeitbasiert (TOTP)
authr-open = In einer Authenticator-App auf diesem Gerät öffnen

## Anmeldung mit Code
us-signin-lead = Melden Sie sich mit Ihrem Passwort an oder lassen Sie sich einen Einmalcode senden.
us-signin-passcode-hint = Ihr Passwort oder der Code, den wir Ihnen gesendet haben.
us-signin-no-password = Passwort nicht zur Hand?
us-signin-send-before = Geben Sie oben Ihre E-Mail-Adresse ein und wählen Sie
us-signin-send-after = . Wir senden Ihnen per E-Mail einen Einmalcode, den Sie oben eingeben, und einen Link, der Sie anmeldet.
us-signin-with-password = Mit E-Mail-Adresse und Passwort anmelden
us-setup-title = Anmeldemethoden
us-setup-lead = Außer mit Ihrem Passwort können Sie sich mit einem Einmalcode anmelden.
us-setup-active = Aktiv:
us-setup-code-sent = Wir haben Ihnen einen Code gesendet. Geben Sie ihn unten ein, um diese Methode einzurichten.
us-setup-code = Bestätigungscode
us-setup-other = Eine andere Methode einrichten
us-setup-choose = Einrichten
us-setup-remove = Entfernen
us-setup-save = Speichern
us-verify-lead = Geben Sie Ihr Passwort oder einen Einmalcode ein, um fortzufahren.
us-verify-need-code = Sie brauchen einen Code? Wählen Sie, wohin er gesendet werden soll, dann
us-verify-need-code-after = .

## Zwei-Faktor-Authentifizierung
tf-title = Zwei-Faktor-Authentifizierung
tf-on = An
tf-on-status = Sie melden sich mit einem zweiten Schritt an:
tf-off = Aus
tf-off-status = Ergänzen Sie die Anmeldung um einen zweiten Schritt: einen 6-stelligen Code aus einer App auf Ihrem Telefon.
tf-app-code = Code aus der App
tf-app-code-hint = Geben Sie zum Abschluss den 6-stelligen Code ein, den die App anzeigt.
tf-verify-turn-on = Bestätigen und einschalten
tf-other-method = Eine andere Methode wählen
tf-method = Methode
tf-lost-phone = Telefon verloren?
tf-setup-recovery-codes = Wiederherstellungscodes einrichten
tf-verify-lead = Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App oder einen Code ein, den wir Ihnen per E-Mail gesendet haben.
tf-code = Authentifizierungscode
tf-cant-use-app = Sie können Ihre Authenticator-App nicht verwenden?
tf-get-back-in = Wieder Zugang erhalten
tf-have-recovery-code = Sie haben einen Wiederherstellungscode?
tf-passkey-second = Haben Sie einen Passkey als zweiten Faktor registriert?
tf-use-passkey = Ihren Passkey verwenden

## Wiederherstellungscodes
mf-recovery-lead = Geben Sie einen der Wiederherstellungscodes ein, die Sie beim Einrichten der Zwei-Faktor-Authentifizierung gespeichert haben.
mf-recovery-code = Wiederherstellungscode
mf-recovery-code-hint = Er sieht aus wie 1a2b-3c4d-5e6f.
mf-recovery-use-app = Stattdessen Ihre Authenticator-App verwenden
mf-codes-title = Wiederherstellungscodes
mf-codes-lead = Wenn Sie keinen Zugriff mehr auf Ihre Authenticator-App haben, können Sie die Anmeldung mit einem Wiederherstellungscode abschließen. Jeder Code funktioniert einmal.
mf-codes-store = Bewahren Sie diese Codes sicher auf
mf-codes-store-why = , etwa in einem Passwortmanager oder ausgedruckt. Wer sie und Ihr Passwort hat, kann sich als Sie anmelden.
mf-codes-show = Meine Wiederherstellungscodes anzeigen
mf-codes-replace = Neue Codes ersetzen alle Codes, die Sie bereits haben.
mf-codes-generate = Neue Codes erzeugen
mf-codes-tf-settings = Einstellungen der Zwei-Faktor-Authentifizierung

## Bestätigen, dass Sie es sind
verify-lead = Bitte geben Sie Ihr Passwort erneut ein, um fortzufahren.
verify-use-code = Stattdessen einen Einmalcode verwenden
verify-use-passkey = Stattdessen einen Passkey verwenden

## Konto
change-email-title = E-Mail-Adresse ändern
change-email-current = Ihre aktuelle Adresse ist
change-email-lead = Wir senden einen Bestätigungslink an die neue Adresse. Ihre Adresse ändert sich, sobald Sie diesem Link folgen.
change-email-new = Neue E-Mail-Adresse
change-email-submit = Bestätigungslink senden
change-username-title = Benutzernamen ändern
change-username-current = Ihr Benutzername ist
change-username-none = Ihr Konto hat noch keinen Benutzernamen.
change-username-lead = Nur Buchstaben und Ziffern. Sie können sich mit Ihrem Benutzernamen oder Ihrer E-Mail-Adresse anmelden.
delete-title = Ihr Konto löschen
delete-lead = Damit wird Ihr Konto endgültig gelöscht: Ihre Anmeldemethoden, die Sitzungen auf allen Geräten und Ihre Sicherheitsaktivität werden mit gelöscht. Dies kann nicht rückgängig gemacht werden.
delete-password = Ihr Passwort
delete-password-hint = Zur Bestätigung, dass Sie es sind.
delete-submit = Mein Konto löschen
delete-keep = Mein Konto behalten
recover-username-title = Benutzername vergessen
recover-username-heading = Benutzername vergessen?
recover-username-lead = Geben Sie Ihre E-Mail-Adresse ein, und wir senden Ihnen Ihren Benutzernamen dorthin.
recover-username-submit = Meinen Benutzernamen senden

## Aktivität und Sitzungen
activity-title = Sicherheitsaktivität
activity-lead = Anmeldungen und Änderungen an der Sicherheit Ihres Kontos, die neuesten zuerst. Wenn etwas davon nicht von Ihnen stammt, ändern Sie Ihr Passwort und
activity-lead-link = melden Sie die Geräte ab
activity-lead-end = , die Sie nicht kennen.
activity-empty = Noch nichts aufgezeichnet.
activity-newer = Neuere
activity-older = Ältere
sessions-title = Wo Sie angemeldet sind
sessions-lead = Jeder Browser und jedes Gerät, die bei Ihrem Konto angemeldet sind. Melden Sie alle ab, die Sie nicht kennen, und ändern Sie dann Ihr Passwort.
sessions-this-device = dieses Gerät
sessions-remembered = gemerkt
sessions-signed-in = angemeldet
sessions-last-active = zuletzt aktiv
sessions-sign-out-here = Hier abmelden
sessions-sign-out = Abmelden
sessions-sign-out-others = Überall sonst abmelden

## Passkeys
wan-title = Passkeys
wan-lead = Mit einem Passkey melden Sie sich über die Bildschirmsperre Ihres Geräts oder einen Sicherheitsschlüssel an statt mit einem Passwort.
wan-list-usage-first = Anmeldung
wan-list-usage-second = zweiter Faktor
wan-added = hinzugefügt
wan-last-used = zuletzt verwendet
wan-none = Sie haben noch keine Passkeys.
wan-create-heading = Passkey erstellen
wan-create = Passkey erstellen
wan-add-heading = Einen Passkey hinzufügen
wan-name = Name für diesen Passkey
wan-name-hint = Zum Beispiel das Gerät, auf dem er liegt.
wan-use-it = Verwenden für
wan-add = Passkey hinzufügen
wan-rename-heading = Einen Passkey umbenennen
wan-current-name = Aktueller Name
wan-new-name = Neuer Name
wan-rename = Umbenennen
wan-remove-heading = Einen Passkey entfernen
wan-remove-name = Name des zu entfernenden Passkeys
wan-remove = Entfernen
wan-signin-title = Mit einem Passkey anmelden
wan-confirm-title = Mit Ihrem Passkey bestätigen
wan-other-way = Auf andere Weise anmelden
wan-verify-lead = Verwenden Sie einen Ihrer Passkeys, um fortzufahren.
wan-use-password = Stattdessen Ihr Passwort verwenden
wan-unsupported = Passkeys brauchen JavaScript und einen Browser, der WebAuthn unterstützt. Bitte verwenden Sie einen anderen Browser oder eine andere Anmeldeart.

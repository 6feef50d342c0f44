## Die Mails außer der Mail zum Zurücksetzen des Passworts. Eine `-text`-Variante ist der
## Textteil, wo dessen Zeilen anders umbrochen sind als im HTML-Teil.

## Von mehreren Mails geteilt.

mail-button-confirm-email = E-Mail-Adresse bestätigen
mail-button-reset-password = Passwort zurücksetzen
mail-confirm-intro = Bitte bestätigen Sie Ihre E-Mail-Adresse über den folgenden Link.
mail-confirm-intro-text = Bitte bestätigen Sie Ihre E-Mail-Adresse über den folgenden Link:
mail-ignore = Wenn Sie dies nicht angefordert haben, ignorieren Sie diese E-Mail.
mail-notice-not-you = Wenn Sie das nicht waren, setzen Sie Ihr Passwort zurück und wenden Sie sich umgehend an uns: Möglicherweise hat jemand anderes Zugriff auf Ihr Konto.
mail-notice-not-you-text = Wenn Sie das nicht waren, setzen Sie Ihr Passwort zurück und wenden Sie sich
    umgehend an uns: Möglicherweise hat jemand anderes Zugriff auf Ihr Konto.

## welcome, welcome_existing, confirmation_instructions

mail-welcome-title = Willkommen
mail-welcome-greeting = Willkommen, { $email }!
mail-existing-title = Jemand wollte sich mit Ihrer Adresse registrieren
mail-existing-greeting = Hallo { $email },
mail-existing-intro = jemand (Sie?) wollte sich mit dieser E-Mail-Adresse registrieren, aber es gibt bereits ein Konto dafür.
mail-existing-intro-text = jemand (Sie?) wollte sich mit dieser E-Mail-Adresse registrieren, aber es
    gibt bereits ein Konto dafür.
mail-existing-forgot = Falls Sie das waren und Ihr Passwort vergessen haben, wählen Sie ein neues:
mail-existing-forgot-text = Falls Sie das waren und Ihr Passwort vergessen haben, wählen Sie hier ein
    neues:
mail-existing-unconfirmed = Ihre E-Mail-Adresse ist noch nicht bestätigt. Bestätigen Sie sie hier:
mail-existing-ignore = Falls Sie das nicht waren, ignorieren Sie diese E-Mail: Es hat sich nichts geändert.
mail-confirm-title = Bitte bestätigen Sie Ihre E-Mail-Adresse

## Passwort-Hinweise und die Sperr-Mail.

mail-password-changed-title = Ihr Passwort wurde geändert
mail-password-changed-body = Ihr Passwort wurde geändert.
mail-password-changed-not-you = Wenn Sie es nicht geändert haben, wählen Sie jetzt ein neues Passwort.
mail-password-changed-not-you-text = Wenn Sie es nicht geändert haben, wählen Sie jetzt ein neues Passwort:
mail-reset-notice-title = Ihr Passwort wurde zurückgesetzt
mail-reset-notice-body = Ihr Passwort wurde zurückgesetzt.
mail-reset-notice-not-you = Wenn Sie das nicht waren, wenden Sie sich umgehend an uns: Möglicherweise hat jemand anderes Zugriff auf Ihr Konto.
mail-reset-notice-not-you-text = Wenn Sie das nicht waren, wenden Sie sich umgehend an uns: Möglicherweise
    hat jemand anderes Zugriff auf Ihr Konto.
mail-locked-title = Ihr Konto wurde gesperrt
mail-locked-intro = Ihr Konto wurde nach zu vielen falschen Passworteingaben gesperrt. Bis { $until } kann sich niemand mit einem Passwort daran anmelden.
mail-locked-intro-text = Ihr Konto wurde nach zu vielen falschen Passworteingaben gesperrt. Bis
    { $until } kann sich niemand mit einem Passwort daran anmelden.
mail-locked-wait = Wenn Sie das waren, warten Sie bis dahin oder wählen Sie über den folgenden Link ein neues Passwort; das hebt die Sperre ebenfalls auf.
mail-locked-wait-text = Wenn Sie das waren, warten Sie bis dahin oder wählen Sie über den folgenden
    Link ein neues Passwort; das hebt die Sperre ebenfalls auf:
mail-locked-not-you = Wenn Sie das nicht waren, versucht möglicherweise jemand, Ihr Passwort zu erraten: Es empfiehlt sich, über den Link ein neues zu wählen.
mail-locked-not-you-text = Wenn Sie das nicht waren, versucht möglicherweise jemand, Ihr Passwort zu
    erraten: Es empfiehlt sich, über den Link ein neues zu wählen.

## E-Mail-Adresse und Benutzername ändern.

mail-change-email-title = Bestätigen Sie Ihre neue E-Mail-Adresse
mail-change-email-intro = Jemand (Sie?) hat beantragt, die E-Mail-Adresse eines Kontos in { $new-email } zu ändern.
mail-change-email-intro-text = Jemand (Sie?) hat beantragt, die E-Mail-Adresse eines Kontos in
    { $new-email } zu ändern.
mail-change-email-confirm = Bestätigen Sie die neue Adresse über den folgenden Link.
mail-change-email-confirm-text = Bestätigen Sie die neue Adresse über den folgenden Link:
mail-change-email-button = Neue Adresse bestätigen
mail-change-email-ignore = Bis dahin bleibt die alte Adresse in Gebrauch. Wenn Sie dies nicht beantragt haben, ignorieren Sie diese E-Mail.
mail-change-email-ignore-text = Bis dahin bleibt die alte Adresse in Gebrauch. Wenn Sie dies nicht
    beantragt haben, ignorieren Sie diese E-Mail.
mail-email-changed-title = Ihre E-Mail-Adresse wurde geändert
mail-email-changed-body = Die E-Mail-Adresse Ihres Kontos wurde von <strong>{ $old-email }</strong> in <strong>{ $new-email }</strong> geändert.
mail-email-changed-body-text = Die E-Mail-Adresse Ihres Kontos wurde von { $old-email } in
    { $new-email } geändert.
mail-username-changed-title = Ihr Benutzername wurde geändert
mail-username-changed-body = Der Benutzername Ihres Kontos wurde von <strong>{ $old-username }</strong> in <strong>{ $username }</strong> geändert.
mail-username-changed-body-text = Der Benutzername Ihres Kontos wurde von { $old-username } in
    { $username } geändert.
mail-username-set-body = Ihr Konto hat jetzt den Benutzernamen <strong>{ $username }</strong>.
mail-username-set-body-text = Ihr Konto hat jetzt den Benutzernamen { $username }.
mail-username-title = Ihr angeforderter Benutzername
mail-username-intro = Sie haben den Benutzernamen Ihres Kontos angefordert. Er lautet:
mail-username-ignore = Wenn Sie ihn nicht angefordert haben, können Sie diese E-Mail ignorieren.

## Konto löschen.

mail-deleted-title = Ihr Konto wurde gelöscht
mail-deleted-body = Ihr Konto <strong>{ $email }</strong> wurde gelöscht, mitsamt seinen Sitzungen, Anmeldemethoden und seinem Sicherheitsverlauf. Links und Codes, die Ihnen zuvor geschickt wurden, funktionieren nicht mehr.
mail-deleted-body-text = Ihr Konto { $email } wurde gelöscht, mitsamt seinen Sitzungen,
    Anmeldemethoden und seinem Sicherheitsverlauf. Links und Codes, die Ihnen zuvor
    geschickt wurden, funktionieren nicht mehr.
mail-deleted-not-you = Wenn Sie das nicht waren, wenden Sie sich umgehend an uns.

## Anmelden: Codes, neue Geräte.

mail-tf-code-title = Zwei-Faktor-Anmeldung
mail-tf-code-intro = Ihr Anmeldecode lautet:
mail-tf-code-hint = Geben Sie ihn auf der Seite ein, die danach gefragt hat. Wenn Sie sich nicht anmelden wollten, kennt möglicherweise jemand Ihr Passwort: Ändern Sie es.
mail-tf-code-hint-text = Geben Sie ihn auf der Seite ein, die danach gefragt hat. Wenn Sie sich nicht
    anmelden wollten, kennt möglicherweise jemand Ihr Passwort: Ändern Sie es.
mail-us-title = Bestätigungscode
mail-us-intro = Ihr Bestätigungscode lautet:
mail-us-link = Oder melden Sie sich direkt über diesen Link an.
mail-us-link-text = Oder melden Sie sich direkt über diesen Link an:
mail-us-button = Anmelden
mail-us-ignore = Wenn Sie sich nicht anmelden wollten, ignorieren Sie diese E-Mail.
mail-new-device-title = Neue Anmeldung bei Ihrem Konto
mail-new-device-intro = Soeben hat sich jemand von einem Browser oder Gerät bei Ihrem Konto angemeldet, das in letzter Zeit nicht verwendet wurde.
mail-new-device-when = Wann: { $at }
mail-new-device-device = Gerät: { $device }
mail-new-device-address = Adresse: { $ip }
mail-new-device-not-you = Wenn Sie das waren, ist nichts zu tun. Wenn nicht, ändern Sie jetzt Ihr Passwort und melden Sie die Geräte ab, die Sie nicht kennen.
mail-new-device-not-you-text = Wenn Sie das waren, ist nichts zu tun. Wenn nicht, ändern Sie jetzt Ihr Passwort und melden Sie die Geräte ab, die Sie nicht kennen:
mail-new-device-button = Anzeigen, wo Sie angemeldet sind

## Zwei-Faktor, Wiederherstellungscodes, Anmeldemethoden und Passkeys.

mail-tf-rescue-title = Hilfeanfrage zur Zwei-Faktor-Anmeldung
mail-tf-rescue-body = Der Benutzer { $email } kann sich nicht mit seinem zweiten Faktor anmelden und bittet um Hilfe.
mail-tf-rescue-body-text = Der Benutzer { $email } kann sich nicht mit seinem zweiten Faktor
    anmelden und bittet um Hilfe.
mail-tf-rescue-check = Vergewissern Sie sich, dass die Anfrage wirklich von ihm stammt, bevor Sie seine Zwei-Faktor-Authentifizierung abschalten.
mail-tf-rescue-check-text = Vergewissern Sie sich, dass die Anfrage wirklich von ihm stammt, bevor Sie
    seine Zwei-Faktor-Authentifizierung abschalten.
mail-tf-disabled-title = Die Zwei-Faktor-Authentifizierung wurde abgeschaltet
mail-tf-disabled-body = Die Zwei-Faktor-Authentifizierung wurde für Ihr Konto { $email } abgeschaltet. Zum Anmelden genügt jetzt Ihr Passwort.
mail-tf-disabled-body-text = Die Zwei-Faktor-Authentifizierung wurde für Ihr Konto { $email }
    abgeschaltet. Zum Anmelden genügt jetzt Ihr Passwort.
mail-tf-changed-title = Ihr Zwei-Faktor-Authentifikator wurde ersetzt
mail-tf-changed-body = Für Ihr Konto { $email } wurde ein neuer Authentifikator eingerichtet. Codes des bisherigen Authentifikators funktionieren nicht mehr.
mail-tf-changed-body-text = Für Ihr Konto { $email } wurde ein neuer Authentifikator eingerichtet.
    Codes des bisherigen Authentifikators funktionieren nicht mehr.
mail-recovery-codes-title = Neue Wiederherstellungscodes wurden erzeugt
mail-recovery-codes-body = Für Ihr Konto { $email } wurden neue Wiederherstellungscodes erzeugt. Ihre bisherigen Wiederherstellungscodes funktionieren nicht mehr.
mail-recovery-codes-body-text = Für Ihr Konto { $email } wurden neue Wiederherstellungscodes erzeugt.
    Ihre bisherigen Wiederherstellungscodes funktionieren nicht mehr.
mail-us-setup-title = Ihre Anmeldemethoden haben sich geändert
mail-us-setup-intro = Die Anmeldemethoden Ihres Kontos { $email } haben sich geändert:
mail-us-setup-added = hinzugefügt: { $method }
mail-us-setup-removed = entfernt: { $method }
mail-passkey-added-title = Ihrem Konto wurde ein Passkey hinzugefügt
mail-passkey-added-body = Ein Passkey namens { $name } wurde Ihrem Konto { $email } hinzugefügt. Mit ihm kann man sich anmelden.
mail-passkey-removed-title = Ein Passkey wurde aus Ihrem Konto entfernt
mail-passkey-removed-body = Der Passkey namens { $name } wurde aus Ihrem Konto { $email } entfernt. Mit ihm kann man sich nicht mehr anmelden.

## Betreffzeilen der Mails, die in security.ftl keine haben.

subject-new-device = Neue Anmeldung bei Ihrem Konto

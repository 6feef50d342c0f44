# Zeitspannen, Hinweise zu schwachen Passwörtern und die Meldungen des Passkey-Skripts.

## Zeitspannen in Meldungen, nach „innerhalb von“ (Dativ): $count Einheiten.

duration-seconds = { $count ->
    [one] { $count } Sekunde
   *[other] { $count } Sekunden
  }
duration-minutes = { $count ->
    [one] { $count } Minute
   *[other] { $count } Minuten
  }
duration-hours = { $count ->
    [one] { $count } Stunde
   *[other] { $count } Stunden
  }
duration-days = { $count ->
    [one] { $count } Tag
   *[other] { $count } Tagen
  }
duration-weeks = { $count ->
    [one] { $count } Woche
   *[other] { $count } Wochen
  }

## Die Hinweise von zxcvbn nach „Das Passwort ist nicht komplex genug“.

password-advice-one = : { $advice }
password-advice-both = : { $warning } { $suggestion }

password-warning-straight-rows = Gerade Tastenreihen sind leicht zu erraten.
password-warning-short-keyboard-patterns = Kurze Tastaturmuster sind leicht zu erraten.
password-warning-repeated-characters = Wiederholungen wie „aaa“ sind leicht zu erraten.
password-warning-repeated-groups = Wiederholungen wie „abcabcabc“ sind kaum schwerer zu erraten als „abc“.
password-warning-top-10 = Dies ist eines der 10 häufigsten Passwörter.
password-warning-top-100 = Dies ist eines der 100 häufigsten Passwörter.
password-warning-very-common = Dies ist ein sehr häufiges Passwort.
password-warning-similar-to-common = Dies ähnelt einem häufig verwendeten Passwort.
password-warning-sequences = Folgen wie abc oder 6543 sind leicht zu erraten.
password-warning-recent-years = Jahreszahlen der letzten Jahre sind leicht zu erraten.
password-warning-single-word = Ein einzelnes Wort ist leicht zu erraten.
password-warning-dates = Datumsangaben sind oft leicht zu erraten.
password-warning-names-alone = Vor- und Nachnamen allein sind leicht zu erraten.
password-warning-common-names = Häufige Vor- und Nachnamen sind leicht zu erraten.

password-suggestion-few-words = Verwenden Sie mehrere Wörter, aber keine gängigen Redewendungen.
password-suggestion-no-symbols-needed = Sonderzeichen, Ziffern oder Großbuchstaben sind nicht nötig.
password-suggestion-another-word = Fügen Sie ein oder zwei weitere Wörter hinzu. Ungewöhnliche Wörter sind besser.
password-suggestion-capitalization = Großschreibung hilft kaum.
password-suggestion-all-uppercase = Nur Großbuchstaben sind fast so leicht zu erraten wie nur Kleinbuchstaben.
password-suggestion-reversed-words = Rückwärts geschriebene Wörter sind kaum schwerer zu erraten.
password-suggestion-substitutions = Vorhersehbare Ersetzungen wie „@“ statt „a“ helfen kaum.
password-suggestion-longer-keyboard-pattern = Verwenden Sie ein längeres Tastaturmuster mit mehr Richtungswechseln.
password-suggestion-avoid-repeats = Vermeiden Sie wiederholte Wörter und Zeichen.
password-suggestion-avoid-sequences = Vermeiden Sie Zeichenfolgen wie abc oder 6543.
password-suggestion-avoid-recent-years = Vermeiden Sie Jahreszahlen der letzten Jahre.
password-suggestion-avoid-your-years = Vermeiden Sie Jahreszahlen, die mit Ihnen zu tun haben.
password-suggestion-avoid-your-dates = Vermeiden Sie Daten und Jahreszahlen, die mit Ihnen zu tun haben.

## Die Meldungen des Passkey-Skripts (webauthn.js), die ihm die Seite mitgibt.

wan-script-cancelled = Die Passkey-Anfrage wurde abgebrochen oder ist abgelaufen. Bitte versuchen Sie es erneut.
wan-script-already-registered = Dieser Passkey ist bereits registriert.
# $reason: die Erklärung des Browsers.
wan-script-failed = Ihr Browser konnte keinen Passkey verwenden: { $reason }

# Durées, conseils sur les mots de passe faibles et messages du script des clés d'accès.

## Durées dans les messages, après « dans le délai de » : $count unités.

duration-seconds = { $count ->
    [one] { $count } seconde
   *[other] { $count } secondes
  }
duration-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
  }
duration-hours = { $count ->
    [one] { $count } heure
   *[other] { $count } heures
  }
duration-days = { $count ->
    [one] { $count } jour
   *[other] { $count } jours
  }
duration-weeks = { $count ->
    [one] { $count } semaine
   *[other] { $count } semaines
  }

## Les conseils de zxcvbn après « Le mot de passe n'est pas assez complexe ».

password-advice-one = { "\u00A0" }: { $advice }
password-advice-both = { "\u00A0" }: { $warning } { $suggestion }

password-warning-straight-rows = Les rangées de touches consécutives sont faciles à deviner.
password-warning-short-keyboard-patterns = Les motifs courts sur le clavier sont faciles à deviner.
password-warning-repeated-characters = Les répétitions comme « aaa » sont faciles à deviner.
password-warning-repeated-groups = Les répétitions comme « abcabcabc » sont à peine plus difficiles à deviner que « abc ».
password-warning-top-10 = C'est l'un des 10 mots de passe les plus courants.
password-warning-top-100 = C'est l'un des 100 mots de passe les plus courants.
password-warning-very-common = C'est un mot de passe très courant.
password-warning-similar-to-common = Il ressemble à un mot de passe très utilisé.
password-warning-sequences = Les suites comme abc ou 6543 sont faciles à deviner.
password-warning-recent-years = Les années récentes sont faciles à deviner.
password-warning-single-word = Un mot seul est facile à deviner.
password-warning-dates = Les dates sont souvent faciles à deviner.
password-warning-names-alone = Les noms et prénoms seuls sont faciles à deviner.
password-warning-common-names = Les noms et prénoms courants sont faciles à deviner.

password-suggestion-few-words = Utilisez plusieurs mots et évitez les expressions courantes.
password-suggestion-no-symbols-needed = Inutile d'ajouter des symboles, des chiffres ou des majuscules.
password-suggestion-another-word = Ajoutez un ou deux mots. Les mots peu courants sont préférables.
password-suggestion-capitalization = Les majuscules n'aident pas beaucoup.
password-suggestion-all-uppercase = Un mot de passe tout en majuscules est presque aussi facile à deviner que tout en minuscules.
password-suggestion-reversed-words = Les mots écrits à l'envers ne sont guère plus difficiles à deviner.
password-suggestion-substitutions = Les substitutions prévisibles comme « @ » au lieu de « a » n'aident pas beaucoup.
password-suggestion-longer-keyboard-pattern = Utilisez un motif de clavier plus long, avec plus de changements de direction.
password-suggestion-avoid-repeats = Évitez les mots et les caractères répétés.
password-suggestion-avoid-sequences = Évitez les suites.
password-suggestion-avoid-recent-years = Évitez les années récentes.
password-suggestion-avoid-your-years = Évitez les années qui vous sont associées.
password-suggestion-avoid-your-dates = Évitez les dates et les années qui vous sont associées.

## Les messages du script des clés d'accès (webauthn.js), que la page lui transmet.

wan-script-cancelled = La demande de clé d'accès a été annulée ou a expiré. Veuillez réessayer.
wan-script-already-registered = Cette clé d'accès est déjà enregistrée.
# $reason : l'explication du navigateur.
wan-script-failed = Votre navigateur n'a pas pu utiliser de clé d'accès{ "\u00A0" }: { $reason }

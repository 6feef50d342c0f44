# Durations, advice on weak passwords and the passkey script's messages.

## Durations in messages ("You did not reset your password within { $within }"), $count units.
## English messages quote the setting as configured; these words serve languages without
## their own.

duration-seconds = { $count ->
    [one] { $count } second
   *[other] { $count } seconds
  }
duration-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
  }
duration-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
  }
duration-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
  }
duration-weeks = { $count ->
    [one] { $count } week
   *[other] { $count } weeks
  }

## zxcvbn's advice after "Password not complex enough": a warning, a suggestion, or both.

password-advice-one = : { $advice }
password-advice-both = : { $warning } { $suggestion }

password-warning-straight-rows = Straight rows of keys are easy to guess.
password-warning-short-keyboard-patterns = Short keyboard patterns are easy to guess.
password-warning-repeated-characters = Repeats like "aaa" are easy to guess.
password-warning-repeated-groups = Repeats like "abcabcabc" are only slightly harder to guess than "abc".
password-warning-top-10 = This is a top-10 common password.
password-warning-top-100 = This is a top-100 common password.
password-warning-very-common = This is a very common password.
password-warning-similar-to-common = This is similar to a commonly used password.
password-warning-sequences = Sequences like abc or 6543 are easy to guess.
password-warning-recent-years = Recent years are easy to guess.
password-warning-single-word = A word by itself is easy to guess.
password-warning-dates = Dates are often easy to guess.
password-warning-names-alone = Names and surnames by themselves are easy to guess.
password-warning-common-names = Common names and surnames are easy to guess.

password-suggestion-few-words = Use a few words, avoid common phrases.
password-suggestion-no-symbols-needed = No need for symbols, digits, or uppercase letters.
password-suggestion-another-word = Add another word or two. Uncommon words are better.
password-suggestion-capitalization = Capitalization doesn't help very much.
password-suggestion-all-uppercase = All-uppercase is almost as easy to guess as all-lowercase.
password-suggestion-reversed-words = Reversed words aren't much harder to guess.
password-suggestion-substitutions = Predictable substitutions like '@' instead of 'a' don't help very much.
password-suggestion-longer-keyboard-pattern = Use a longer keyboard pattern with more turns.
password-suggestion-avoid-repeats = Avoid repeated words and characters.
password-suggestion-avoid-sequences = Avoid sequences.
password-suggestion-avoid-recent-years = Avoid recent years.
password-suggestion-avoid-your-years = Avoid years that are associated with you.
password-suggestion-avoid-your-dates = Avoid dates and years that are associated with you.

## The passkey script's messages (webauthn.js), given to it by the page.

wan-script-cancelled = The passkey request was cancelled or timed out. Please try again.
wan-script-already-registered = This passkey is already registered.
# $reason: the browser's own explanation.
wan-script-failed = Your browser could not use a passkey: { $reason }

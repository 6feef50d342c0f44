//! [`StrengthAdvice`]: zxcvbn's warning and first suggestion about a weak password, each
//! known by the Fluent id of its text.

use std::fmt;

use zxcvbn::feedback::{Feedback, Suggestion, Warning};

/// What zxcvbn says about a weak password: what makes it guessable and how to do better,
/// each optional.
///
/// `Display` writes zxcvbn's English (`": <warning> <suggestion>"`, or nothing); the pages
/// show it in the user's language through the Fluent ids.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StrengthAdvice {
    warning: Option<Warning>,
    suggestion: Option<Suggestion>,
}

// The fields are fieldless enums, so equality is total.
impl Eq for StrengthAdvice {}

impl StrengthAdvice {
    /// No advice.
    pub const NONE: StrengthAdvice = StrengthAdvice {
        warning: None,
        suggestion: None,
    };

    /// The warning and the first suggestion of zxcvbn's feedback.
    pub(crate) fn from_feedback(feedback: Option<&Feedback>) -> Self {
        StrengthAdvice {
            warning: feedback.and_then(Feedback::warning),
            suggestion: feedback.and_then(|f| f.suggestions().first().copied()),
        }
    }

    /// Whether zxcvbn gave neither a warning nor a suggestion.
    pub fn is_empty(&self) -> bool {
        self.warning.is_none() && self.suggestion.is_none()
    }

    /// The Fluent ids of the warning and of the suggestion, those given, in that order.
    pub(crate) fn fluent_ids(&self) -> Vec<&'static str> {
        let warning = self.warning.map(warning_id);
        let suggestion = self.suggestion.map(suggestion_id);
        warning.into_iter().chain(suggestion).collect()
    }

    /// Every warning and suggestion zxcvbn knows, each with its Fluent id and English text.
    #[cfg(test)]
    pub(crate) fn every_text() -> Vec<(&'static str, String)> {
        use Suggestion as S;
        use Warning as W;
        let warnings = [
            W::StraightRowsOfKeysAreEasyToGuess,
            W::ShortKeyboardPatternsAreEasyToGuess,
            W::RepeatsLikeAaaAreEasyToGuess,
            W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess,
            W::ThisIsATop10Password,
            W::ThisIsATop100Password,
            W::ThisIsACommonPassword,
            W::ThisIsSimilarToACommonlyUsedPassword,
            W::SequencesLikeAbcAreEasyToGuess,
            W::RecentYearsAreEasyToGuess,
            W::AWordByItselfIsEasyToGuess,
            W::DatesAreOftenEasyToGuess,
            W::NamesAndSurnamesByThemselvesAreEasyToGuess,
            W::CommonNamesAndSurnamesAreEasyToGuess,
        ];
        let suggestions = [
            S::UseAFewWordsAvoidCommonPhrases,
            S::NoNeedForSymbolsDigitsOrUppercaseLetters,
            S::AddAnotherWordOrTwo,
            S::CapitalizationDoesntHelpVeryMuch,
            S::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase,
            S::ReversedWordsArentMuchHarderToGuess,
            S::PredictableSubstitutionsDontHelpVeryMuch,
            S::UseALongerKeyboardPatternWithMoreTurns,
            S::AvoidRepeatedWordsAndCharacters,
            S::AvoidSequences,
            S::AvoidRecentYears,
            S::AvoidYearsThatAreAssociatedWithYou,
            S::AvoidDatesAndYearsThatAreAssociatedWithYou,
        ];
        let warnings = warnings.into_iter().map(|w| (warning_id(w), w.to_string()));
        let suggestions = suggestions
            .into_iter()
            .map(|s| (suggestion_id(s), s.to_string()));
        warnings.chain(suggestions).collect()
    }

    /// Advice of a warning and a suggestion, for tests.
    #[cfg(test)]
    pub(crate) fn of(warning: Option<Warning>, suggestion: Option<Suggestion>) -> Self {
        StrengthAdvice {
            warning,
            suggestion,
        }
    }
}

impl fmt::Display for StrengthAdvice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.warning, self.suggestion) {
            (Some(w), Some(s)) => write!(f, ": {w} {s}"),
            (Some(w), None) => write!(f, ": {w}"),
            (None, Some(s)) => write!(f, ": {s}"),
            (None, None) => Ok(()),
        }
    }
}

/// The Fluent id of a zxcvbn warning.
fn warning_id(warning: Warning) -> &'static str {
    match warning {
        Warning::StraightRowsOfKeysAreEasyToGuess => "password-warning-straight-rows",
        Warning::ShortKeyboardPatternsAreEasyToGuess => "password-warning-short-keyboard-patterns",
        Warning::RepeatsLikeAaaAreEasyToGuess => "password-warning-repeated-characters",
        Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
            "password-warning-repeated-groups"
        }
        Warning::ThisIsATop10Password => "password-warning-top-10",
        Warning::ThisIsATop100Password => "password-warning-top-100",
        Warning::ThisIsACommonPassword => "password-warning-very-common",
        Warning::ThisIsSimilarToACommonlyUsedPassword => "password-warning-similar-to-common",
        Warning::SequencesLikeAbcAreEasyToGuess => "password-warning-sequences",
        Warning::RecentYearsAreEasyToGuess => "password-warning-recent-years",
        Warning::AWordByItselfIsEasyToGuess => "password-warning-single-word",
        Warning::DatesAreOftenEasyToGuess => "password-warning-dates",
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => "password-warning-names-alone",
        Warning::CommonNamesAndSurnamesAreEasyToGuess => "password-warning-common-names",
    }
}

/// The Fluent id of a zxcvbn suggestion.
fn suggestion_id(suggestion: Suggestion) -> &'static str {
    match suggestion {
        Suggestion::UseAFewWordsAvoidCommonPhrases => "password-suggestion-few-words",
        Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => {
            "password-suggestion-no-symbols-needed"
        }
        Suggestion::AddAnotherWordOrTwo => "password-suggestion-another-word",
        Suggestion::CapitalizationDoesntHelpVeryMuch => "password-suggestion-capitalization",
        Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => {
            "password-suggestion-all-uppercase"
        }
        Suggestion::ReversedWordsArentMuchHarderToGuess => "password-suggestion-reversed-words",
        Suggestion::PredictableSubstitutionsDontHelpVeryMuch => "password-suggestion-substitutions",
        Suggestion::UseALongerKeyboardPatternWithMoreTurns => {
            "password-suggestion-longer-keyboard-pattern"
        }
        Suggestion::AvoidRepeatedWordsAndCharacters => "password-suggestion-avoid-repeats",
        Suggestion::AvoidSequences => "password-suggestion-avoid-sequences",
        Suggestion::AvoidRecentYears => "password-suggestion-avoid-recent-years",
        Suggestion::AvoidYearsThatAreAssociatedWithYou => "password-suggestion-avoid-your-years",
        Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => {
            "password-suggestion-avoid-your-dates"
        }
    }
}

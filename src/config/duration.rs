//! `WithinDelta`: the duration type of every lifetime setting.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A duration written as `"<n> <unit>"`, as Flask-Security-Too's `get_within_delta` reads it.
///
/// Units: `seconds`, `minutes`, `hours`, `days`, `weeks` (singular too). The text is kept,
/// because user-facing messages quote it ("You did not confirm your email within 10 seconds.").
///
/// ```
/// use rocket_security::WithinDelta;
///
/// let d: WithinDelta = "2 hours".parse().unwrap();
/// assert_eq!(d.as_secs(), 7200);
/// assert_eq!(d.to_string(), "2 hours");
/// assert!("two hours".parse::<WithinDelta>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct WithinDelta {
    text: String,
    duration: Duration,
}

impl WithinDelta {
    /// The duration.
    pub fn duration(&self) -> Duration {
        self.duration
    }

    /// The duration in whole seconds.
    pub fn as_secs(&self) -> u64 {
        self.duration.as_secs()
    }

    /// The duration as a `chrono::Duration`, for arithmetic with timestamps.
    pub fn to_chrono(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.duration).unwrap_or(chrono::Duration::MAX)
    }

    /// A duration of `secs` seconds, written `"<secs> seconds"`.
    ///
    /// ```
    /// use rocket_security::WithinDelta;
    ///
    /// assert_eq!(WithinDelta::from_secs(120).to_string(), "120 seconds");
    /// ```
    pub fn from_secs(secs: u64) -> Self {
        // Longer than the longest accepted duration: kept as the longest.
        format!("{} seconds", secs.min(MAX_DURATION_SECS))
            .parse()
            .expect("a bounded number of seconds is well-formed")
    }

    pub(crate) fn new(text: &str) -> Self {
        text.parse().expect("built-in durations are well-formed")
    }
}

/// Reads a duration setting that Flask-Security-Too gives in seconds (`token_max_age`,
/// `us_token_validity`, ...): a whole number of seconds, or a duration string like every other.
pub(super) fn seconds_or_within<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<WithinDelta, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum SecondsOrText {
        Seconds(u64),
        Text(String),
    }
    match SecondsOrText::deserialize(deserializer) {
        Ok(SecondsOrText::Seconds(secs)) => format!("{secs} seconds")
            .parse()
            .map_err(serde::de::Error::custom),
        Ok(SecondsOrText::Text(text)) => text.parse().map_err(serde::de::Error::custom),
        Err(_) => Err(serde::de::Error::custom(
            "expected a duration like \"15 minutes\" or a whole number of seconds",
        )),
    }
}

/// Why a duration string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct MalformedDuration {
    input: String,
    too_long: bool,
}

impl MalformedDuration {
    fn describe(&self) -> String {
        if self.too_long {
            format!(
                "duration {:?} is too long: write at most {} days",
                self.input,
                MAX_DURATION_SECS / 86_400
            )
        } else {
            format!(
                "malformed duration {:?}: write a number and a unit, for example \"10 seconds\", \
                 \"2 hours\" or \"5 days\"",
                self.input
            )
        }
    }
}

/// The longest duration accepted, about a thousand years: longer ones would overflow the
/// date arithmetic of sessions and tokens.
const MAX_DURATION_SECS: u64 = 365_000 * 86_400;

impl FromStr for WithinDelta {
    type Err = MalformedDuration;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let refuse = |too_long| MalformedDuration {
            input: s.to_owned(),
            too_long,
        };
        let bad = || refuse(false);
        let mut parts = s.split_whitespace();
        let (Some(amount), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let unit = unit.to_ascii_lowercase();
        let unit_secs: u64 = match unit.strip_suffix('s').unwrap_or(&unit) {
            "second" => 1,
            "minute" => 60,
            "hour" => 3600,
            "day" => 86_400,
            "week" => 604_800,
            _ => return Err(bad()),
        };
        if !amount.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let secs = amount
            .parse::<u64>()
            .ok()
            .and_then(|amount| amount.checked_mul(unit_secs))
            .filter(|secs| *secs <= MAX_DURATION_SECS)
            .ok_or_else(|| refuse(true))?;
        Ok(WithinDelta {
            text: s.trim().to_owned(),
            duration: Duration::from_secs(secs),
        })
    }
}

impl fmt::Display for WithinDelta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for WithinDelta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.text)
    }
}

impl Serialize for WithinDelta {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for WithinDelta {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

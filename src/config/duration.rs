//! `WithinDelta`: the duration type of every lifetime setting.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A duration written as `"<n> <unit>"`, as Flask-Security-Too's `get_within_delta` reads it.
///
/// Units: `seconds`, `minutes`, `hours`, `days`, `weeks` (singular too). The text is kept,
/// because English messages quote it as written ("You did not confirm your email within 10
/// seconds."); other languages write the [`count`](WithinDelta::count) and
/// [`unit`](WithinDelta::unit) in their own words.
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
    count: u64,
    unit: TimeUnit,
}

/// The unit a [`WithinDelta`] was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeUnit {
    /// `seconds`.
    Seconds,
    /// `minutes`.
    Minutes,
    /// `hours`.
    Hours,
    /// `days`.
    Days,
    /// `weeks`.
    Weeks,
}

impl TimeUnit {
    /// The unit written in the singular (`"second"`), as a duration names it.
    fn by_name(name: &str) -> Option<TimeUnit> {
        Some(match name {
            "second" => TimeUnit::Seconds,
            "minute" => TimeUnit::Minutes,
            "hour" => TimeUnit::Hours,
            "day" => TimeUnit::Days,
            "week" => TimeUnit::Weeks,
            _ => return None,
        })
    }

    /// The unit's length in seconds.
    pub fn secs(self) -> u64 {
        match self {
            TimeUnit::Seconds => 1,
            TimeUnit::Minutes => 60,
            TimeUnit::Hours => 3600,
            TimeUnit::Days => 86_400,
            TimeUnit::Weeks => 604_800,
        }
    }
}

impl WithinDelta {
    /// The number of units, as written (`2` of `"2 hours"`).
    ///
    /// ```
    /// use rocket_security::{TimeUnit, WithinDelta};
    ///
    /// let d: WithinDelta = "2 Hours".parse().unwrap();
    /// assert_eq!((d.count(), d.unit()), (2, TimeUnit::Hours));
    /// ```
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The unit, as written (hours of `"2 hours"`).
    pub fn unit(&self) -> TimeUnit {
        self.unit
    }

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

    /// No time at all, written as nothing: the placeholder of a message's argument.
    pub(crate) const fn empty() -> Self {
        WithinDelta {
            text: String::new(),
            duration: Duration::ZERO,
            count: 0,
            unit: TimeUnit::Seconds,
        }
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
        let unit = TimeUnit::by_name(unit.strip_suffix('s').unwrap_or(&unit)).ok_or_else(bad)?;
        if !amount.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let count = amount.parse::<u64>().map_err(|_| refuse(true))?;
        let secs = count
            .checked_mul(unit.secs())
            .filter(|secs| *secs <= MAX_DURATION_SECS)
            .ok_or_else(|| refuse(true))?;
        Ok(WithinDelta {
            text: s.trim().to_owned(),
            duration: Duration::from_secs(secs),
            count,
            unit,
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

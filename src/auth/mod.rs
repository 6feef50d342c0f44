//! Authentication shared by the guards and the flows: the password check of a sign-in (with
//! the lockout and the per-client limit), freshness, and the syntax of an e-mail address.
//! Guards and flows both build on it; it knows neither.

mod email;
mod fresh;
pub(crate) mod lockout;
mod password;

pub(crate) use email::validate_email;
pub(crate) use fresh::is_fresh;
pub use fresh::Fresh;
pub(crate) use password::authenticate_password;

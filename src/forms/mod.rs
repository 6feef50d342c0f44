//! The security forms: request bodies ([`Input`]), the state of one form ([`FormState`]), the
//! fields an application adds ([`FormField`]), and the checks of submitted values.

mod fields;
mod input;
mod state;
mod validate;

pub use self::fields::{FieldValidator, FormField, FormKind};
pub(crate) use self::input::{EarlyError, Input};
pub(crate) use self::state::{check_new_password, FormState};
pub(crate) use self::validate::validate_email;

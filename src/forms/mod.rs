//! The security forms: request bodies ([`Input`]), the state of one form ([`FormState`]), the
//! fields an application adds ([`FormField`]), and the checks of submitted values.

mod fields;
mod input;
mod state;

pub use self::fields::{FieldValidator, FormField, FormKind};
pub(crate) use self::input::Input;
pub(crate) use self::state::{check_new_password, FormState};
pub(crate) use crate::auth::validate_email;

//! The fields an application adds to the security forms.

use std::sync::Arc;

/// Which security form an application field is added to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormKind {
    /// `/login`.
    Login,
    /// `/register`; values are stored in [`User::extra`].
    Register,
    /// `/confirm` (send confirmation).
    SendConfirmation,
    /// `/reset` (forgot password).
    ForgotPassword,
    /// `/reset/<token>`.
    ResetPassword,
    /// `/change`.
    ChangePassword,
    /// `/us-signin` (passwordless).
    UnifiedSignin,
}

/// Checks a submitted value; `Err` holds the message shown next to the field.
pub type FieldValidator = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// A field an application adds to a security form.
#[derive(Clone)]
pub struct FormField {
    pub(crate) name: String,
    pub(crate) label: String,
    pub(crate) input_type: String,
    pub(crate) required: bool,
    pub(crate) validator: Option<FieldValidator>,
}

impl std::fmt::Debug for FormField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FormField")
            .field("name", &self.name)
            .field("label", &self.label)
            .field("input_type", &self.input_type)
            .field("required", &self.required)
            .finish_non_exhaustive()
    }
}

impl FormField {
    /// A text field.
    pub fn text(name: &str, label: &str) -> Self {
        FormField {
            name: name.into(),
            label: label.into(),
            input_type: "text".into(),
            required: false,
            validator: None,
        }
    }

    /// Sets the HTML input type (`text`, `tel`, `number`, `checkbox`, ...).
    pub fn input_type(mut self, input_type: &str) -> Self {
        self.input_type = input_type.into();
        self
    }

    /// Makes the field required (`"<label> not provided"` when blank).
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Adds a check of the submitted value.
    pub fn validate(
        mut self,
        check: impl Fn(&str) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.validator = Some(Arc::new(check));
        self
    }

    /// The field name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

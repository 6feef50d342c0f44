//! Values and errors of one security form, as the page and the JSON envelope show them.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::fields::FormKind;
use super::input::Input;
use crate::auth::validate_email;
use crate::config::SecurityConfig;
use crate::error::msg;
use crate::i18n::Message;
use crate::password::PasswordPolicy;
use crate::state::Security;

/// Values and errors of one form, as the page and the JSON envelope show them.
#[derive(Debug, Clone)]
pub(crate) struct FormState {
    pub kind: Option<FormKind>,
    pub name: &'static str,
    pub action: String,
    pub values: BTreeMap<String, String>,
    /// Field → messages; form-level messages under `""`.
    pub errors: BTreeMap<String, Vec<String>>,
}

impl FormState {
    pub fn new(name: &'static str, action: String) -> Self {
        FormState {
            kind: None,
            name,
            action,
            values: BTreeMap::new(),
            errors: BTreeMap::new(),
        }
    }

    pub fn kind(mut self, kind: FormKind) -> Self {
        self.kind = Some(kind);
        self
    }

    pub fn value(&mut self, field: &str, value: impl Into<String>) {
        self.values.insert(field.into(), value.into());
    }

    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors
            .entry(field.into())
            .or_default()
            .push(message.into());
    }

    /// The same form with every error message passed through `translate`.
    pub fn translated(&self, translate: impl Fn(&str) -> String) -> FormState {
        let mut form = self.clone();
        for messages in form.errors.values_mut() {
            for message in messages.iter_mut() {
                *message = translate(message);
            }
        }
        form
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Every message, flattened in field order.
    pub fn all_errors(&self) -> Vec<&str> {
        self.errors.values().flatten().map(String::as_str).collect()
    }

    /// Reads a required e-mail field: `Email not provided` when blank, `Invalid email address`
    /// when malformed. Returns the validated address.
    pub fn email_field(&mut self, input: &Input, field: &str) -> Option<String> {
        let raw = input.text(field);
        self.value(field, raw.clone().unwrap_or_default());
        let Some(raw) = raw else {
            self.error(field, msg::EMAIL_NOT_PROVIDED);
            return None;
        };
        let valid = validate_email(&raw);
        if valid.is_none() {
            self.error(field, msg::INVALID_EMAIL);
        }
        valid
    }

    /// Reads the identity and secret of a sign-in form (`email`/`password` or
    /// `identity`/`passcode`) and the `remember` box, recording `... not provided` errors.
    pub fn credentials(
        &mut self,
        input: &Input,
        identity: &str,
        secret: &str,
    ) -> (Option<String>, Option<String>, bool) {
        let id = input.text(identity);
        // Passwords are taken as typed: spaces at either end are part of them.
        let secret_value = input
            .get(secret)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let remember = input.flag("remember");
        self.value(identity, id.clone().unwrap_or_default());
        if remember {
            self.value("remember", "y");
        }
        if id.is_none() {
            self.error(identity, msg::EMAIL_NOT_PROVIDED);
        }
        if secret_value.is_none() {
            self.error(secret, msg::PASSWORD_NOT_PROVIDED);
        }
        (id, secret_value, remember)
    }

    /// Validates the application's extra fields of this form, recording values and errors.
    /// Returns their values.
    pub fn check_extra_fields(&mut self, security: &Security, input: &Input) -> Map<String, Value> {
        let mut values = Map::new();
        let Some(kind) = self.kind else { return values };
        for field in security.form_fields(kind) {
            let value = input.text(&field.name);
            self.value(&field.name, value.clone().unwrap_or_default());
            match &value {
                None if field.required => {
                    self.error(&field.name, format!("{} not provided", field.label));
                }
                Some(v) => {
                    if let Some(Err(message)) = field.validator.as_ref().map(|check| check(v)) {
                        self.error(&field.name, message);
                    }
                    values.insert(field.name.clone(), Value::String(v.clone()));
                }
                None => {}
            }
        }
        values
    }

    /// The form as templates see it: values, errors and the application's extra fields.
    pub fn to_json(&self, security: &Security) -> Value {
        let mut fields = Map::new();
        let names = self
            .values
            .keys()
            .chain(self.errors.keys())
            .filter(|k| !k.is_empty());
        for name in names {
            fields.insert(
                name.clone(),
                json!({
                    "value": self.values.get(name).cloned().unwrap_or_default(),
                    "errors": self.errors.get(name).cloned().unwrap_or_default(),
                }),
            );
        }
        let extra_fields: Vec<Value> = match self.kind {
            Some(kind) => security
                .form_fields(kind)
                .map(|f| {
                    json!({
                        "name": f.name,
                        "label": f.label,
                        "type": f.input_type,
                        "required": f.required,
                        "value": self.values.get(&f.name).cloned().unwrap_or_default(),
                        "errors": self.errors.get(&f.name).cloned().unwrap_or_default(),
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        json!({
            "name": self.name,
            "action": self.action,
            "fields": fields,
            "errors": self.errors.get("").cloned().unwrap_or_default(),
            "extra_fields": extra_fields,
        })
    }
}

/// Checks a new password against the password policy and its confirmation, recording errors
/// under the given field names. `user_inputs` (the account's address and username) count as
/// easy guesses for the strength check. `text` words the policy's refusals.
pub(crate) fn check_new_password(
    config: &SecurityConfig,
    form: &mut FormState,
    input: &Input,
    (field, confirm_field): (&str, &str),
    user_inputs: &[&str],
    text: &dyn Fn(&Message) -> String,
) -> Option<String> {
    let password = input.get(field).filter(|p| !p.is_empty());
    let confirm = input.get(confirm_field).filter(|p| !p.is_empty());
    match password {
        None => form.error(field, msg::PASSWORD_NOT_PROVIDED),
        Some(p) => {
            if let Err(e) = PasswordPolicy::from_config(config).check(p, user_inputs) {
                form.error(field, text(&Message::from(&e)));
            }
        }
    }
    match confirm {
        None => form.error(confirm_field, msg::PASSWORD_NOT_PROVIDED),
        Some(c) if password.is_some_and(|p| p != c) => {
            form.error(confirm_field, msg::PASSWORDS_DO_NOT_MATCH)
        }
        Some(_) => {}
    }
    password.map(str::to_owned)
}

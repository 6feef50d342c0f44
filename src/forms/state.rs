//! Values and errors of one security form, as the page and the JSON envelope show them.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::fields::FormKind;
use super::input::Input;
use crate::auth::validate_email;
use crate::config::SecurityConfig;
use crate::i18n::{LanguageIdentifier, Message};
use crate::password::PasswordPolicy;
use crate::state::Security;

/// Values and errors of one form, as the page and the JSON envelope show them.
#[derive(Debug, Clone)]
pub(crate) struct FormState {
    pub kind: Option<FormKind>,
    pub name: &'static str,
    pub action: String,
    pub values: BTreeMap<String, String>,
    /// Field → messages; form-level messages under `""`. Worded in the request's language
    /// when the page or the JSON answer is built.
    pub errors: BTreeMap<String, Vec<Message>>,
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

    pub fn error(&mut self, field: &str, message: impl Into<Message>) {
        self.errors
            .entry(field.into())
            .or_default()
            .push(message.into());
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Every message in `lang`, flattened in field order.
    pub fn all_errors(&self, security: &Security, lang: &LanguageIdentifier) -> Vec<String> {
        let catalog = security.catalog();
        self.errors
            .values()
            .flatten()
            .map(|m| catalog.message(lang, m))
            .collect()
    }

    /// The messages of each field in `lang`.
    pub fn field_errors(
        &self,
        security: &Security,
        lang: &LanguageIdentifier,
    ) -> BTreeMap<String, Vec<String>> {
        let catalog = security.catalog();
        self.errors
            .iter()
            .map(|(field, messages)| {
                let texts = messages.iter().map(|m| catalog.message(lang, m)).collect();
                (field.clone(), texts)
            })
            .collect()
    }

    /// Reads a required e-mail field: `Email not provided` when blank, `Invalid email address`
    /// when malformed. Returns the validated address.
    pub fn email_field(&mut self, input: &Input, field: &str) -> Option<String> {
        let raw = input.text(field);
        self.value(field, raw.clone().unwrap_or_default());
        let Some(raw) = raw else {
            self.error(field, Message::EmailNotProvided);
            return None;
        };
        let valid = validate_email(&raw);
        if valid.is_none() {
            self.error(field, Message::InvalidEmail);
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
            self.error(identity, Message::EmailNotProvided);
        }
        if secret_value.is_none() {
            self.error(secret, Message::PasswordNotProvided);
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
                    let label = field.label.clone();
                    self.error(&field.name, Message::FieldNotProvided { label });
                }
                Some(v) => {
                    if let Some(Err(message)) = field.validator.as_ref().map(|check| check(v)) {
                        self.error(&field.name, Message::Text(message));
                    }
                    values.insert(field.name.clone(), Value::String(v.clone()));
                }
                None => {}
            }
        }
        values
    }

    /// The form as templates see it: values, errors in `lang` and the application's extra
    /// fields.
    pub fn to_json(&self, security: &Security, lang: &LanguageIdentifier) -> Value {
        let errors = self.field_errors(security, lang);
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
                    "errors": errors.get(name).cloned().unwrap_or_default(),
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
                        "errors": errors.get(&f.name).cloned().unwrap_or_default(),
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        json!({
            "name": self.name,
            "action": self.action,
            "fields": fields,
            "errors": errors.get("").cloned().unwrap_or_default(),
            "extra_fields": extra_fields,
        })
    }
}

/// Checks a new password against the password policy and its confirmation, recording errors
/// under the given field names. `user_inputs` (the account's address and username) count as
/// easy guesses for the strength check.
pub(crate) fn check_new_password(
    config: &SecurityConfig,
    form: &mut FormState,
    input: &Input,
    (field, confirm_field): (&str, &str),
    user_inputs: &[&str],
) -> Option<String> {
    let password = input.get(field).filter(|p| !p.is_empty());
    let confirm = input.get(confirm_field).filter(|p| !p.is_empty());
    match password {
        None => form.error(field, Message::PasswordNotProvided),
        Some(p) => {
            if let Err(e) = PasswordPolicy::from_config(config).check(p, user_inputs) {
                form.error(field, Message::from(&e));
            }
        }
    }
    match confirm {
        None => form.error(confirm_field, Message::PasswordNotProvided),
        Some(c) if password.is_some_and(|p| p != c) => {
            form.error(confirm_field, Message::PasswordsDoNotMatch)
        }
        Some(_) => {}
    }
    password.map(str::to_owned)
}

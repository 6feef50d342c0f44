//! Request bodies of the security endpoints: urlencoded forms or flat JSON objects.

use std::collections::BTreeMap;

use rocket::data::{Data, FromData, ToByteUnit};
use rocket::request::Request;
use serde_json::Value;

use crate::error::Error;
use crate::i18n::Message;

/// A parsed request body: urlencoded form or flat JSON object, as field → values.
#[derive(Debug, Default, Clone)]
pub(crate) struct Input {
    fields: BTreeMap<String, Vec<String>>,
}

/// Largest body a security endpoint reads.
const BODY_LIMIT: u64 = 64 * 1024;

/// Longest value of one field, in characters: longer text is refused before it can reach the
/// datastore (or a password hash, or a mail).
const FIELD_LIMIT: usize = 4096;

impl Input {
    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    /// The first value, trimmed; `None` when absent or blank.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    /// Every value of a field.
    pub fn all(&self, name: &str) -> &[String] {
        self.fields.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// A checkbox or JSON boolean.
    pub fn flag(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| {
            matches!(
                v.to_ascii_lowercase().as_str(),
                "y" | "yes" | "on" | "true" | "1"
            )
        })
    }

    fn from_json(body: &str) -> Result<Input, Message> {
        if body.trim().is_empty() {
            return Ok(Input::default());
        }
        let value: Value = serde_json::from_str(body).map_err(|e| Message::BodyNotJson {
            detail: e.to_string(),
        })?;
        let Value::Object(object) = value else {
            return Err(Message::BodyNotAnObject);
        };
        let mut fields = BTreeMap::new();
        for (name, value) in object {
            let scalar = |v: &Value| -> Option<Option<String>> {
                match v {
                    Value::Null => Some(None),
                    Value::String(s) => Some(Some(s.clone())),
                    Value::Bool(b) => Some(Some(b.to_string())),
                    Value::Number(n) => Some(Some(n.to_string())),
                    _ => None,
                }
            };
            let bad = || Message::FieldNotScalar { name: name.clone() };
            let values = match &value {
                Value::Array(items) => {
                    let mut values = Vec::new();
                    for item in items {
                        values.extend(scalar(item).ok_or_else(bad)?);
                    }
                    values
                }
                other => scalar(other).ok_or_else(bad)?.into_iter().collect(),
            };
            fields.insert(name, values);
        }
        Ok(Input { fields })
    }

    /// Refuses text the datastore cannot hold: NUL characters (PostgreSQL rejects them) and
    /// values longer than [`FIELD_LIMIT`].
    fn check_storable(&self) -> Result<(), Message> {
        for (name, values) in &self.fields {
            if name.contains('\u{0}') || values.iter().any(|v| v.contains('\u{0}')) {
                return Err(Message::NulCharacter);
            }
            if name.chars().count() > FIELD_LIMIT
                || values.iter().any(|v| v.chars().count() > FIELD_LIMIT)
            {
                return Err(Message::FieldTooLong {
                    length: FIELD_LIMIT,
                });
            }
        }
        Ok(())
    }

    fn from_form(body: &str) -> Input {
        let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, value) in url::form_urlencoded::parse(body.as_bytes()) {
            fields
                .entry(name.into_owned())
                .or_default()
                .push(value.into_owned());
        }
        Input { fields }
    }
}

/// Refuses a body before the handler runs, recording the failure for the fairing's answer.
pub(crate) fn early_error<'r, T>(
    req: &Request<'_>,
    error: Error,
) -> rocket::data::Outcome<'r, T, Error> {
    crate::error::Failure::record_early(req, &error);
    rocket::data::Outcome::Error((error.status(), error))
}

#[rocket::async_trait]
impl<'r> FromData<'r> for Input {
    type Error = Error;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> rocket::data::Outcome<'r, Self> {
        let body = match data.open(BODY_LIMIT.bytes()).into_string().await {
            Ok(body) if body.is_complete() => body.into_inner(),
            Ok(_) => return early_error(req, Error::PayloadTooLarge),
            Err(_) => return early_error(req, Error::BadRequest(Message::BodyNotUtf8)),
        };
        let content_type = req.content_type();
        let storable = |input: Input| match input.check_storable() {
            Ok(()) => rocket::data::Outcome::Success(input),
            Err(message) => early_error(req, Error::BadRequest(message)),
        };
        if content_type.is_some_and(|ct| ct.is_json()) {
            return match Input::from_json(&body) {
                Ok(input) => storable(input),
                Err(message) => early_error(req, Error::BadRequest(message)),
            };
        }
        if content_type.is_some_and(|ct| ct.is_form_data()) {
            return early_error(req, Error::BadRequest(Message::UnsupportedMediaType));
        }
        storable(Input::from_form(&body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_input_types() {
        let input =
            Input::from_json(r#"{"email":"a@b.co","remember":true,"n":5,"m":["x","y"],"z":null}"#)
                .unwrap();
        assert_eq!(input.get("email"), Some("a@b.co"));
        assert!(input.flag("remember"));
        assert_eq!(input.get("n"), Some("5"));
        assert_eq!(input.all("m"), ["x", "y"]);
        assert_eq!(input.get("z"), None);
        assert!(Input::from_json("[1,2]").is_err());
        assert!(Input::from_json("{\"email\": {\"a\": 1}}")
            .unwrap_err()
            .to_string()
            .contains("email"));
        assert!(Input::from_json("{not json").is_err());
    }
}

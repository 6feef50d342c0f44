//! Typed reads of a user's custom fields (the `extra` field of [`User`]).

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::datastore::User;

impl User {
    /// The user's custom fields (the application's registration fields, see
    /// [`FormField`](crate::FormField)) read as `T`, typically a struct of the application.
    ///
    /// Form fields arrive as text: a value stored as the string `"42"` or `"true"` also reads
    /// as a number or a boolean field of `T`.
    ///
    /// ```
    /// use rocket_security::User;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Profile {
    ///     name: String,
    ///     age: Option<u32>,
    /// }
    ///
    /// let mut user = User::anonymous();
    /// user.extra.insert("name".into(), "Ada".into());
    /// user.extra.insert("age".into(), "36".into());
    /// let profile: Profile = user.extra().unwrap();
    /// assert_eq!((profile.name.as_str(), profile.age), ("Ada", Some(36)));
    /// ```
    pub fn extra<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        let stored = Value::Object(self.extra.clone());
        match serde_json::from_value(stored) {
            Ok(value) => Ok(value),
            Err(error) => {
                let parsed: Map<String, Value> = self
                    .extra
                    .iter()
                    .map(|(k, v)| (k.clone(), parsed_text(v)))
                    .collect();
                serde_json::from_value(Value::Object(parsed)).map_err(|_| error)
            }
        }
    }

    /// One custom field read as `T`: `None` when the user has no such field or it does not
    /// read as `T` (a text value `"42"` reads as a number too).
    ///
    /// ```
    /// use rocket_security::User;
    ///
    /// let mut user = User::anonymous();
    /// user.extra.insert("age".into(), "36".into());
    /// assert_eq!(user.extra_field::<u32>("age"), Some(36));
    /// assert_eq!(user.extra_field::<String>("age").as_deref(), Some("36"));
    /// assert_eq!(user.extra_field::<u32>("height"), None);
    /// ```
    pub fn extra_field<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        let value = self.extra.get(name)?;
        serde_json::from_value(value.clone())
            .ok()
            .or_else(|| serde_json::from_value(parsed_text(value)).ok())
    }
}

/// A text value read as the JSON scalar it spells (`"42"` → `42`, `"true"` → `true`); any
/// other value as it is.
fn parsed_text(value: &Value) -> Value {
    match value {
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(scalar @ (Value::Number(_) | Value::Bool(_))) => scalar,
            _ => value.clone(),
        },
        other => other.clone(),
    }
}

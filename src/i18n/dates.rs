//! Dates on pages, written the way each language writes them.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use rocket_dyn_templates::tera::{self, Value};

/// The `strftime` pattern of a date and time (UTC) in the language `lang`.
fn pattern(lang: &str) -> &'static str {
    match lang.split(['-', '_']).next().unwrap_or_default() {
        "de" => "%d.%m.%Y, %H:%M UTC",
        "fr" | "es" => "%d/%m/%Y %H:%M UTC",
        _ => "%Y-%m-%d %H:%M UTC",
    }
}

/// `2026-12-01T03:44:56.000000` (UTC) as the language `lang` writes it, to the minute.
pub fn local_datetime(value: &str, lang: &str) -> Option<String> {
    let at = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    Some(at.format(pattern(lang)).to_string())
}

/// The Tera filter `local_datetime(lang=..)`; a value that is not a date stays as it is.
pub fn tera_filter(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let lang = args.get("lang").and_then(Value::as_str).unwrap_or("en");
    let text = value.as_str().unwrap_or_default();
    Ok(Value::String(
        local_datetime(text, lang).unwrap_or_else(|| text.to_owned()),
    ))
}

#[cfg(test)]
mod tests {
    use super::local_datetime;

    #[test]
    fn each_language_writes_dates_its_way() {
        let at = "2026-12-01T03:44:56.123456";
        assert_eq!(local_datetime(at, "en").unwrap(), "2026-12-01 03:44 UTC");
        assert_eq!(local_datetime(at, "de").unwrap(), "01.12.2026, 03:44 UTC");
        assert_eq!(local_datetime(at, "fr").unwrap(), "01/12/2026 03:44 UTC");
        assert_eq!(local_datetime(at, "es-MX").unwrap(), "01/12/2026 03:44 UTC");
        assert_eq!(
            local_datetime("2026-12-01T03:44:56", "he").unwrap(),
            "2026-12-01 03:44 UTC"
        );
        assert_eq!(local_datetime("yesterday", "en"), None);
    }
}

//! Checks of submitted values shared by the forms.

/// Validates an e-mail address by the syntax rules of python's email-validator (without
/// deliverability checks). Returns it with the domain lower-cased.
pub(crate) fn validate_email(email: &str) -> Option<String> {
    let email = email.trim();
    if email.len() > 254 || email.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let (local, domain) = email.rsplit_once('@')?;
    if local.is_empty()
        || local.len() > 64
        || local.starts_with('.')
        || local.ends_with('.')
        || local.contains("..")
    {
        return None;
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~-.".contains(c) || !c.is_ascii());
    if !local_ok {
        return None;
    }
    let domain = domain.to_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || domain.len() > 253 {
        return None;
    }
    for label in &labels {
        if label.is_empty()
            || label.len() > 63
            || label.starts_with('-')
            || label.ends_with('-')
            || !label.chars().all(|c| c.is_alphanumeric() || c == '-')
        {
            return None;
        }
    }
    if labels.last()?.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(format!("{local}@{domain}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_syntax() {
        assert_eq!(
            validate_email("Joe@Example.COM").as_deref(),
            Some("Joe@example.com")
        );
        for bad in [
            "",
            "joe",
            "joe@",
            "@example.com",
            "joe@localhost",
            "joe@@example.com",
            "jo e@example.com",
            "joe@example..com",
            ".joe@example.com",
            "joe@-example.com",
            "joe@example.123",
            "joe(x)@example.com",
        ] {
            assert!(validate_email(bad).is_none(), "{bad:?}");
        }
        assert!(validate_email("o'brien+tag@sub.example.co.uk").is_some());
    }
}

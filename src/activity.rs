//! The security activity of each account: the recorder that turns [`SecurityEvent`]s into rows
//! of the append-only activity log. It is called from one place, where every event is emitted
//! ([`Security::emit`](crate::Security)), so the flows only emit events.

use std::sync::Arc;

use chrono::NaiveDateTime;
use serde_json::{json, Value};

use crate::datastore::{Activity, ActivityKind, UserDatastore};
use crate::events::SecurityEvent;

/// Where the request that caused an event came from.
#[derive(Clone, Debug, Default)]
pub(crate) struct Origin {
    /// Client address.
    pub ip: Option<String>,
    /// Client `User-Agent`, cut to 255 characters.
    pub user_agent: Option<String>,
}

/// The account, kind and detail an event is recorded as; `None` for events that are not
/// security activity of an existing account (registration, mailed instructions, failures
/// naming an unknown address).
fn classify(event: &SecurityEvent) -> Option<(i64, ActivityKind, Option<String>)> {
    use ActivityKind as K;
    Some(match event {
        SecurityEvent::UserAuthenticated { user, method } => {
            (user.id, K::SignIn, Some(method.clone()))
        }
        SecurityEvent::UserFailedAuthn {
            user: Some(user), ..
        } => (user.id, K::SignInFailed, None),
        SecurityEvent::PasswordChanged { user } => (user.id, K::PasswordChanged, None),
        SecurityEvent::PasswordReset { user } => (user.id, K::PasswordReset, None),
        SecurityEvent::ChangeEmailConfirmed { user, .. } => (user.id, K::EmailChanged, None),
        SecurityEvent::TwoFactorMethodChanged {
            user,
            method: Some(method),
        } => (user.id, K::TwoFactorOn, Some(method.clone())),
        SecurityEvent::TwoFactorMethodChanged { user, method: None } => {
            (user.id, K::TwoFactorOff, None)
        }
        SecurityEvent::RecoveryCodesGenerated { user } => {
            (user.id, K::RecoveryCodesRegenerated, None)
        }
        SecurityEvent::SignInMethodChanged {
            user,
            method,
            added,
        } => {
            let kind = if *added {
                K::SignInMethodAdded
            } else {
                K::SignInMethodRemoved
            };
            (user.id, kind, Some(method.clone()))
        }
        SecurityEvent::SessionsEnded { user, count } => {
            (user.id, K::SessionEnded, Some(count.to_string()))
        }
        _ => return None,
    })
}

/// Records `event` in its account's activity, in the background (the event fires whether or
/// not the write succeeds; a failed write is logged).
pub(crate) fn record(
    store: Arc<dyn UserDatastore>,
    at: NaiveDateTime,
    event: &SecurityEvent,
    origin: Origin,
) {
    let Some((user_id, kind, detail)) = classify(event) else {
        return;
    };
    let activity = Activity {
        id: 0,
        user_id,
        kind,
        at,
        ip: origin.ip,
        user_agent: origin.user_agent,
        detail,
    };
    rocket::tokio::spawn(async move {
        if let Err(e) = store.add_activity(&activity).await {
            tracing::warn!("could not record security activity: {e}");
        }
    });
}

/// A time as ISO-8601 without an offset (all times are UTC), as the other JSON answers give it.
pub(crate) fn iso(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// The JSON object of one event on the activity page.
pub(crate) fn to_json(activity: &Activity) -> Value {
    json!({
        "kind": activity.kind,
        "at": iso(activity.at),
        "ip": activity.ip,
        "device": crate::user_agent::device_name(activity.user_agent.as_deref()),
        "detail": activity.detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datastore::User;

    fn user() -> User {
        User::anonymous()
    }

    #[test]
    fn events_map_to_kinds() {
        let kind = |event: SecurityEvent| classify(&event).map(|(_, kind, _)| kind);
        assert_eq!(
            kind(SecurityEvent::UserAuthenticated {
                user: user(),
                method: "password".into()
            }),
            Some(ActivityKind::SignIn)
        );
        assert_eq!(
            kind(SecurityEvent::UserFailedAuthn {
                user: None,
                identity: "x@example.com".into()
            }),
            None
        );
        assert_eq!(
            kind(SecurityEvent::TwoFactorMethodChanged {
                user: user(),
                method: None
            }),
            Some(ActivityKind::TwoFactorOff)
        );
        assert_eq!(
            kind(SecurityEvent::SignInMethodChanged {
                user: user(),
                method: "email".into(),
                added: false
            }),
            Some(ActivityKind::SignInMethodRemoved)
        );
        assert_eq!(
            kind(SecurityEvent::UserRegistered {
                user: user(),
                confirm_token: None
            }),
            None
        );
    }
}

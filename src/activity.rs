//! The security activity of each account: the recorder that turns [`SecurityEvent`]s into rows
//! of the append-only activity log. It is called from one place, where every event is emitted
//! ([`Security::emit`](crate::Security)), so the flows only emit events.

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
    /// The application's base URL (`server_name`, else the request's checked host), for links
    /// in mail.
    pub base_url: Option<String>,
}

/// The account, kind and detail an event is recorded as; `None` for events that are not
/// security activity of an existing account (registration, mailed instructions, failures
/// naming an unknown address).
fn classify(event: &SecurityEvent) -> Option<(i64, ActivityKind, Option<String>)> {
    use ActivityKind as K;
    Some(match event {
        SecurityEvent::UserAuthenticated { user, method } => {
            (user.id, K::SignIn, Some(method.to_string()))
        }
        SecurityEvent::UserFailedAuthn {
            user: Some(user), ..
        } => (user.id, K::SignInFailed, None),
        SecurityEvent::AccountLocked {
            user: Some(user), ..
        } => (user.id, K::Locked, None),
        SecurityEvent::PasswordChanged { user } => (user.id, K::PasswordChanged, None),
        SecurityEvent::PasswordReset { user } => (user.id, K::PasswordReset, None),
        SecurityEvent::ChangeEmailConfirmed { user, .. } => (user.id, K::EmailChanged, None),
        SecurityEvent::UsernameChanged { user, .. } => {
            (user.id, K::UsernameChanged, user.username.clone())
        }
        SecurityEvent::TwoFactorMethodChanged {
            user,
            method: Some(method),
        } => (user.id, K::TwoFactorOn, Some(method.to_string())),
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
            (user.id, kind, Some(method.to_string()))
        }
        SecurityEvent::PasskeyRegistered { user, name } => {
            (user.id, K::PasskeyAdded, Some(name.clone()))
        }
        SecurityEvent::PasskeyUsed { user, name } => (user.id, K::PasskeyUsed, Some(name.clone())),
        SecurityEvent::PasskeyDeleted { user, name } => {
            (user.id, K::PasskeyRemoved, Some(name.clone()))
        }
        SecurityEvent::SessionsEnded { user, count } => {
            (user.id, K::SessionEnded, Some(count.to_string()))
        }
        _ => return None,
    })
}

/// The activity row `event` is recorded as, if any.
pub(crate) fn activity_of(
    at: NaiveDateTime,
    event: &SecurityEvent,
    origin: Origin,
) -> Option<Activity> {
    let (user_id, kind, detail) = classify(event)?;
    Some(Activity {
        id: 0,
        user_id,
        kind,
        at,
        ip: origin.ip,
        user_agent: origin.user_agent,
        detail,
    })
}

/// Appends `activity` to the log. With `new_device_window`, a sign-in first looks whether the
/// account signed in with the same browser (`User-Agent`) within that window; returns `true`
/// when it did not (a new device). A failed write is logged, never raised: the event has fired.
pub(crate) async fn store_activity(
    store: &dyn UserDatastore,
    activity: &Activity,
    new_device_window: Option<chrono::Duration>,
) -> bool {
    let mut new_device = false;
    if let (ActivityKind::SignIn, Some(window)) = (activity.kind, new_device_window) {
        let since = activity
            .at
            .checked_sub_signed(window)
            .unwrap_or(NaiveDateTime::MIN);
        let ua = activity.user_agent.as_deref();
        match store.signed_in_from(activity.user_id, ua, since).await {
            Ok(seen) => new_device = !seen,
            Err(e) => tracing::warn!("could not look up earlier sign-ins: {e}"),
        }
    }
    if let Err(e) = store.add_activity(activity).await {
        tracing::warn!("could not record security activity: {e}");
    }
    new_device
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
                method: crate::config::SignInMethod::Password
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
                method: crate::config::UnifiedMethod::Email,
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

//! Flask-Security-Too's `UserMixin`, `RoleMixin` and `AnonymousUser`, for code written against
//! them.

use serde_json::Value;

use crate::datastore::{Role, User};
use crate::state::Security;

/// What every user offers (Flask-Security-Too's `UserMixin`).
///
/// ```
/// use rocket_security::{AnonymousUser, UserMixin};
///
/// assert!(!AnonymousUser.has_role("admin"));
/// assert!(!AnonymousUser.is_authenticated());
/// ```
pub trait UserMixin {
    /// Whether the user holds the named role.
    fn has_role(&self, role: &str) -> bool;

    /// Whether the user may sign in.
    fn is_active(&self) -> bool;

    /// Whether this is a real, signed-in user (`false` for [`AnonymousUser`]).
    fn is_authenticated(&self) -> bool;

    /// A signed auth token for the user, bound to its `fs_token_uniquifier` (see
    /// [`Security::get_auth_token`]); `None` for the anonymous user.
    fn get_auth_token(&self, security: &Security) -> Option<String>;

    /// The `user` object of JSON responses (see [`Security::get_security_payload`]).
    fn get_security_payload(&self, security: &Security) -> Value;
}

impl UserMixin for User {
    fn has_role(&self, role: &str) -> bool {
        User::has_role(self, role)
    }

    fn is_active(&self) -> bool {
        self.active
    }

    fn is_authenticated(&self) -> bool {
        true
    }

    fn get_auth_token(&self, security: &Security) -> Option<String> {
        Some(security.get_auth_token(self))
    }

    fn get_security_payload(&self, security: &Security) -> Value {
        security.get_security_payload(self)
    }
}

/// The user of a request nobody signed in to (Flask-Security-Too's `AnonymousUser`): holds no
/// role, is not active, has no token.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AnonymousUser;

impl UserMixin for AnonymousUser {
    fn has_role(&self, _role: &str) -> bool {
        false
    }

    fn is_active(&self) -> bool {
        false
    }

    fn is_authenticated(&self) -> bool {
        false
    }

    fn get_auth_token(&self, _security: &Security) -> Option<String> {
        None
    }

    fn get_security_payload(&self, _security: &Security) -> Value {
        Value::Object(Default::default())
    }
}

/// What every role offers (Flask-Security-Too's `RoleMixin`).
pub trait RoleMixin {
    /// The role's permissions.
    fn get_permissions(&self) -> Vec<String>;

    /// Adds permissions (duplicates are ignored). Store the role to keep the change.
    fn add_permissions(&mut self, permissions: &[&str]);

    /// Removes permissions. Store the role to keep the change.
    fn remove_permissions(&mut self, permissions: &[&str]);
}

impl RoleMixin for Role {
    fn get_permissions(&self) -> Vec<String> {
        self.permissions.clone()
    }

    fn add_permissions(&mut self, permissions: &[&str]) {
        for permission in permissions {
            if !self.permissions.iter().any(|p| p == permission) {
                self.permissions.push((*permission).to_owned());
            }
        }
    }

    fn remove_permissions(&mut self, permissions: &[&str]) {
        self.permissions
            .retain(|p| !permissions.contains(&p.as_str()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_permissions_are_added_once_and_removed() {
        let mut role = Role {
            id: 1,
            name: "editor".into(),
            description: None,
            permissions: vec!["read".into()],
            update_datetime: chrono::NaiveDateTime::default(),
        };
        role.add_permissions(&["write", "read"]);
        assert_eq!(role.get_permissions(), ["read", "write"]);
        role.remove_permissions(&["read"]);
        assert_eq!(role.get_permissions(), ["write"]);
    }

    #[test]
    fn users_hold_their_roles_and_anonymous_holds_none() {
        let mut user = User::anonymous();
        user.roles.push(Role {
            id: 1,
            name: "admin".into(),
            description: None,
            permissions: Vec::new(),
            update_datetime: chrono::NaiveDateTime::default(),
        });
        assert!(UserMixin::has_role(&user, "admin"));
        assert!(!UserMixin::has_role(&user, "editor"));
        assert!(user.is_authenticated());
        assert!(!AnonymousUser.has_role("admin"));
        assert!(!AnonymousUser.is_active());
    }
}

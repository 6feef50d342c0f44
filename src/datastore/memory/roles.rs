//! Roles and their grants.

use super::MemoryDatastore;
use crate::datastore::{Clocked, DatastoreError, DatastoreResult, NewRole, Role, RoleStore, User};

#[rocket::async_trait]
impl RoleStore for MemoryDatastore {
    async fn create_role(&self, role: NewRole) -> DatastoreResult<Role> {
        let now = self.now();
        let mut inner = self.lock();
        if inner.roles.contains_key(&role.name) {
            return Err(DatastoreError::DuplicateRole(role.name));
        }
        Ok(inner.insert_role(role, now))
    }

    async fn find_role(&self, name: &str) -> DatastoreResult<Option<Role>> {
        Ok(self.lock().roles.get(name).cloned())
    }

    async fn list_roles(&self) -> DatastoreResult<Vec<Role>> {
        Ok(self.lock().roles.values().cloned().collect())
    }

    async fn add_role_to_user(&self, user: &User, role: &str) -> DatastoreResult<bool> {
        let mut inner = self.lock();
        inner.user(user.id)?;
        let role_id = match inner.roles.get(role) {
            Some(found) => found.id,
            None => return Err(DatastoreError::RoleNotFound(role.to_owned())),
        };
        Ok(inner.grants.insert((user.id, role_id)))
    }

    async fn remove_role_from_user(&self, user: &User, role: &str) -> DatastoreResult<bool> {
        let mut inner = self.lock();
        inner.user(user.id)?;
        let Some(role_id) = inner.roles.get(role).map(|found| found.id) else {
            return Ok(false);
        };
        Ok(inner.grants.remove(&(user.id, role_id)))
    }
}

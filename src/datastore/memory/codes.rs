//! One-time codes.

use chrono::NaiveDateTime;
use subtle::ConstantTimeEq;

use super::MemoryDatastore;
use crate::datastore::{micros, CodeStore, DatastoreResult, OneTimeCode};

#[rocket::async_trait]
impl CodeStore for MemoryDatastore {
    async fn put_code(&self, code: &OneTimeCode) -> DatastoreResult<()> {
        let mut inner = self.lock();
        inner.user(code.user_id)?;
        let mut code = code.clone();
        code.expires_at = micros(code.expires_at);
        inner
            .codes
            .insert((code.user_id, code.purpose.clone()), code);
        Ok(())
    }

    async fn take_code(
        &self,
        user_id: i64,
        purpose: &str,
        code_hash: &str,
        now: NaiveDateTime,
    ) -> DatastoreResult<bool> {
        let mut inner = self.lock();
        let key = (user_id, purpose.to_owned());
        let Some(code) = inner.codes.get(&key) else {
            return Ok(false);
        };
        let matches: bool = code.code_hash.as_bytes().ct_eq(code_hash.as_bytes()).into();
        if !matches || now > code.expires_at {
            return Ok(false);
        }
        inner.codes.remove(&key);
        Ok(true)
    }

    async fn delete_expired_codes(&self, now: NaiveDateTime) -> DatastoreResult<u64> {
        let mut inner = self.lock();
        let count = inner.codes.len();
        inner.codes.retain(|_, c| c.expires_at >= now);
        Ok((count - inner.codes.len()) as u64)
    }
}

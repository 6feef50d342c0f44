//! Password hashing: Argon2id PHC strings with an HMAC pepper, on a bounded pool of threads.
// Placeholder API surface, replaced by the full implementation.
#![allow(missing_docs, dead_code, unused_variables)]

#[derive(Debug, Clone, Copy)]
pub struct Argon2Settings {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("hashing failed")]
    Internal,
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordPolicyError {
    #[error("Password must be at least {0} characters")]
    TooShort(usize),
    #[error("Password must be at most {0} characters")]
    TooLong(usize),
}

pub fn validate_password_length(
    p: &str,
    min: usize,
    max: usize,
) -> Result<(), PasswordPolicyError> {
    let n = p.chars().count();
    if n < min {
        return Err(PasswordPolicyError::TooShort(min));
    }
    if n > max {
        return Err(PasswordPolicyError::TooLong(max));
    }
    Ok(())
}

#[rocket::async_trait]
pub trait PasswordHasher: Send + Sync + 'static {
    async fn hash(&self, password: &str) -> Result<String, PasswordError>;
    async fn verify(&self, password: &str, hash: &str) -> Result<bool, PasswordError>;
    fn needs_update(&self, hash: &str) -> bool;
    async fn dummy_verify(&self, password: &str) -> Result<(), PasswordError>;
}

pub struct Argon2Hasher;
impl Argon2Hasher {
    pub fn new(s: Argon2Settings, pepper: Option<String>, workers: usize, queue: usize) -> Self {
        Argon2Hasher
    }
}
#[rocket::async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &str) -> Result<String, PasswordError> {
        Ok(format!("plain:{password}"))
    }
    async fn verify(&self, password: &str, hash: &str) -> Result<bool, PasswordError> {
        Ok(hash == format!("plain:{password}"))
    }
    fn needs_update(&self, hash: &str) -> bool {
        false
    }
    async fn dummy_verify(&self, password: &str) -> Result<(), PasswordError> {
        Ok(())
    }
}

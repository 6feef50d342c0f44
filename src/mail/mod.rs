//! Outgoing mail: the `Mailer` trait, its transports, the outbox and mail templates.
// Placeholder API surface, replaced by the full implementation.
#![allow(missing_docs, dead_code, unused_variables)]
use crate::config::MailConfig;
use crate::datastore::UserDatastore;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail failed")]
    Failed,
}
#[rocket::async_trait]
pub trait Mailer: Send + Sync + 'static {
    async fn send(&self, mail: &Mail) -> Result<(), MailError>;
}
pub struct Outbox;
impl Outbox {
    pub fn new(d: Arc<dyn UserDatastore>, m: Arc<dyn Mailer>, max: u32) -> Self {
        Outbox
    }
    pub async fn enqueue(&self, mail: Mail) -> Result<(), MailError> {
        Ok(())
    }
    pub async fn run(self: Arc<Self>) {}
}
pub fn mailer_from_config(c: &MailConfig) -> Result<Arc<dyn Mailer>, MailError> {
    Err(MailError::Failed)
}
pub fn render_mail(
    t: &rocket_dyn_templates::tera::Tera,
    name: &str,
    c: &rocket_dyn_templates::tera::Context,
) -> Result<(String, String), MailError> {
    Ok((String::new(), String::new()))
}

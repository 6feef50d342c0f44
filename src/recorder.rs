//! Where events meet the security activity: `Security::emit_from` and the recording (and
//! new-device notice) that every emitted event goes through.

use rocket::request::Request;
use rocket_dyn_templates::tera::Context;

use crate::activity::{self, Origin};
use crate::datastore::{Activity, UserQuery};
use crate::events::SecurityEvent;
use crate::i18n::Message;
use crate::state::Security;

impl Security {
    /// Emits an event caused by `request`; the security activity keeps the request's client
    /// address and `User-Agent` with it.
    pub(crate) fn emit_from(&self, request: &Request<'_>, event: SecurityEvent) {
        let origin = Origin {
            ip: self.client_ip(request),
            user_agent: request
                .headers()
                .get_one("User-Agent")
                .map(|ua| ua.chars().take(255).collect()),
            base_url: Some(self.site_url().to_owned()),
        };
        self.emit_with(origin, event);
    }

    /// Records `event` in its account's activity (mailing a new-device notice when due), then
    /// hands it to the subscribers.
    pub(crate) fn emit_with(&self, origin: Origin, event: SecurityEvent) {
        let at = self.now().naive_utc();
        let base_url = origin.base_url.clone().unwrap_or_default();
        if let Some(activity) = activity::activity_of(at, &event, origin) {
            let security = self.clone();
            rocket::tokio::spawn(async move {
                let config = security.config();
                let window = config
                    .notify_new_device
                    .then(|| config.activity_keep.to_chrono());
                let store = security.datastore();
                if activity::store_activity(store, &activity, window).await {
                    security.mail_new_device(&activity, &base_url).await;
                }
            });
        }
        self.fire(event);
    }

    /// Mails the owner of `activity` (a sign-in) that a new device signed in.
    async fn mail_new_device(&self, activity: &Activity, base_url: &str) {
        let user = match self
            .datastore()
            .find_user(UserQuery::Id(activity.user_id))
            .await
        {
            Ok(Some(user)) => user,
            _ => return,
        };
        let config = self.config();
        let mut context = Context::new();
        context.insert("user", &serde_json::json!({"email": user.email}));
        context.insert("at", &activity.at.format("%Y-%m-%d %H:%M UTC").to_string());
        context.insert("ip", &activity.ip.as_deref().unwrap_or("unknown"));
        let device = crate::user_agent::device_name(activity.user_agent.as_deref());
        context.insert("device", &device);
        let link = format!("{base_url}{}", config.route_path("/sessions"));
        context.insert("sessions_link", &link);
        if let Err(e) = self
            .send_security_mail(
                Message::SubjectNewDevice,
                &user.email,
                "new_device",
                &context,
            )
            .await
        {
            tracing::warn!("could not mail the new-device notice: {e}");
        }
    }
}

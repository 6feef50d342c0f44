//! The `Security` fairing: wires the layer into Rocket. It builds the state (see
//! [`crate::builder`]), reuses or manages the pool, mounts the enabled flows, answers the
//! layer's own failures and saves sessions as responses leave.

use std::time::Duration;

use rocket::fairing::{self, Fairing, Info, Kind};
use rocket::request::Request;
use rocket::{Build, Orbit, Response, Rocket};

use crate::builder::SecurityBuilder;
use crate::datastore::SecurityDb;
use crate::session::SessionCell;
use crate::state::Security;

impl Security {
    /// The fairing with every default: the Diesel datastore named by
    /// `databases.security.url`, Argon2id hashing, the mail transport of `security.mail.url`.
    pub fn fairing() -> SecurityFairing {
        SecurityBuilder::default().fairing()
    }

    /// Catchers that answer every error the way the security pages do: the JSON envelope for
    /// JSON clients, the security layer's error page for browsers, and the login page (with
    /// `next`) for an anonymous browser on a protected page.
    ///
    /// The fairing registers no catcher at the application's root: failures of its own guards
    /// and routes are answered in that shape whatever catchers the application has. Register
    /// these where the application wants the same answers for its own errors:
    ///
    /// ```no_run
    /// # use rocket_security::Security;
    /// let rocket = rocket::build()
    ///     .attach(Security::fairing())
    ///     .register("/", Security::catchers());
    /// ```
    pub fn catchers() -> Vec<rocket::Catcher> {
        crate::catchers::catchers()
    }

    /// A readiness route for load balancers, to mount where the application wants it:
    /// `GET <base>/health` answers `200 {"status":"ok"}` while the database answers within two
    /// seconds, and `503 {"status":"unavailable"}` with `Retry-After` while it does not.
    ///
    /// ```no_run
    /// # use rocket_security::Security;
    /// let rocket = rocket::build()
    ///     .attach(Security::fairing())
    ///     .mount("/", Security::health());
    /// ```
    pub fn health() -> Vec<rocket::Route> {
        crate::health::routes()
    }
}

impl SecurityBuilder {
    /// The fairing to attach.
    pub fn fairing(self) -> SecurityFairing {
        SecurityFairing {
            builder: std::sync::Mutex::new(Some(self)),
        }
    }
}

/// The fairing made by [`Security::fairing`] or [`SecurityBuilder::fairing`].
pub struct SecurityFairing {
    builder: std::sync::Mutex<Option<SecurityBuilder>>,
}

#[rocket::async_trait]
impl Fairing for SecurityFairing {
    fn info(&self) -> Info {
        Info {
            name: "rocket_security",
            kind: Kind::Ignite
                | Kind::Liftoff
                | Kind::Request
                | Kind::Response
                | Kind::Shutdown
                | Kind::Singleton,
        }
    }

    /// Sets up after every fairing attached with the application: a `SecurityDb::init()`
    /// attached after this fairing has then opened its pool, which is reused.
    async fn on_ignite(&self, rocket: Rocket<Build>) -> fairing::Result {
        let builder = self
            .builder
            .lock()
            .ok()
            .and_then(|mut b| b.take())
            .unwrap_or_default();
        let builder = std::sync::Mutex::new(Some(builder));
        Ok(rocket.attach(fairing::AdHoc::try_on_ignite(
            "rocket_security",
            move |rocket| async move {
                let builder = builder.lock().ok().and_then(|mut b| b.take());
                match ignite(builder.unwrap_or_default(), rocket).await {
                    Ok(rocket) => Ok(rocket),
                    Err((rocket, message)) => {
                        tracing::error!("rocket_security: {message}");
                        Err(rocket)
                    }
                }
            },
        )))
    }

    async fn on_liftoff(&self, rocket: &Rocket<Orbit>) {
        let Some(security) = rocket.state::<Security>().cloned() else {
            return;
        };
        security.outbox().spawn(rocket.shutdown());
        let mut shutdown = rocket.shutdown();
        rocket::tokio::spawn(async move {
            let mut tick = rocket::tokio::time::interval(Duration::from_secs(300));
            loop {
                rocket::tokio::select! {
                    _ = tick.tick() => {
                        match security.purge_expired().await {
                            Ok(purged) => tracing::debug!(?purged, "purged expired records"),
                            Err(e) => tracing::warn!("could not purge expired records: {e}"),
                        }
                        let keep = security.config().activity_keep.to_chrono();
                        let before = security.now().naive_utc()
                            .checked_sub_signed(keep)
                            .unwrap_or(chrono::NaiveDateTime::MIN);
                        if let Err(e) = security.datastore().purge_activity(before).await {
                            tracing::warn!("could not purge old security activity: {e}");
                        }
                    }
                    _ = &mut shutdown => break,
                }
            }
        });
    }

    async fn on_request(&self, request: &mut Request<'_>, data: &mut rocket::Data<'_>) {
        let Some(security) = request.rocket().state::<Security>().cloned() else {
            return;
        };
        crate::hardening::on_request(security.config(), request, data).await;
    }

    /// Lets the outbox finish the mail it is sending (within the shutdown grace period).
    async fn on_shutdown(&self, rocket: &Rocket<Orbit>) {
        if let Some(security) = rocket.state::<Security>() {
            let grace = Duration::from_secs(u64::from(rocket.config().shutdown.grace));
            if !security.outbox().finish(grace).await {
                tracing::warn!("mail outbox: a delivery was still under way at shutdown");
            }
        }
    }

    async fn on_response<'r>(&self, request: &'r Request<'_>, response: &mut Response<'r>) {
        let Some(security) = request.rocket().state::<Security>() else {
            return;
        };
        if let Some(status) = crate::error::Failure::of(request) {
            if response.status() == status && crate::catchers::answers_itself(request, status) {
                *response = crate::catchers::answer(request, status).await;
            }
        }
        if let Err(e) = SessionCell::persist(request, response).await {
            tracing::error!("could not save the session: {e}");
        }
        crate::hardening::add_hsts(security.config(), request, response);
    }
}

type IgniteResult = Result<Rocket<Build>, (Rocket<Build>, String)>;

async fn ignite(mut builder: SecurityBuilder, rocket: Rocket<Build>) -> IgniteResult {
    let figment = rocket.figment().clone();
    let managed = rocket.state::<SecurityDb>().map(|db| db.0.clone());
    if builder.datastore.is_none() {
        builder.pool = managed.clone();
    }
    let catchers_under_prefix = builder.catchers_under_prefix;
    let built = match builder.build(&figment).await {
        Ok(built) => built,
        Err(message) => return Err((rocket, message)),
    };
    let mut rocket = rocket;
    if let Some(secret_key) = built.generated_secret_key {
        rocket = rocket.configure(figment.merge(("secret_key", secret_key)));
    }
    if let (Some(pool), None) = (built.pool, managed) {
        rocket = rocket.manage(SecurityDb::from(pool));
    }
    let security = built.security;
    let base = crate::endpoints::mount_base(security.config());
    let routes = crate::flows::routes(security.config());
    let mut rocket = rocket
        .mount(base.as_str(), routes)
        .mount("/", rocket::routes![crate::hardening::refused]);
    if catchers_under_prefix {
        rocket = rocket.register(base.as_str(), crate::catchers::catchers());
    }
    Ok(rocket.manage(security))
}

#[cfg(test)]
mod tests {
    use crate::config::SecurityConfig;

    /// Every mounted route is an endpoint of the table (a trailing `<token>` segment and the
    /// query aside).
    #[test]
    fn mounted_routes_are_in_the_endpoint_table() {
        let config = SecurityConfig {
            registerable: true,
            confirmable: true,
            recoverable: true,
            changeable: true,
            change_email: true,
            two_factor: true,
            multi_factor_recovery_codes: true,
            unified_signin: true,
            username_enable: true,
            change_username: true,
            username_recovery: true,
            deletable: true,
            webauthn: true,
            ..SecurityConfig::default()
        };
        let known: Vec<&str> = crate::endpoints::routes().collect();
        for route in crate::flows::routes(&config) {
            let path = route.uri.path().to_string();
            let path = match path.rsplit_once("/<") {
                Some((base, _)) => base.to_owned(),
                None => path,
            };
            assert!(known.contains(&path.as_str()), "{path} is not in the table");
        }
    }
}

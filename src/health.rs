//! The readiness route for load balancers: `GET /health` answers 200 while the database
//! answers, and 503 with `Retry-After` while it does not.

use std::time::Duration;

use rocket::http::Status;
use rocket::response::{self, Responder};
use rocket::{get, Request, Route, State};
use serde_json::json;

use crate::error::RETRY_AFTER_SECS;
use crate::responses::{json_response, retry_after_header};
use crate::state::Security;

/// How long the database may take to answer before the instance counts as not ready.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// The routes of [`Security::health`].
pub(crate) fn routes() -> Vec<Route> {
    rocket::routes![health]
}

/// Whether this instance can serve: the database answered within [`PING_TIMEOUT`].
struct Readiness(bool);

impl<'r> Responder<'r, 'static> for Readiness {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        let (status, state) = if self.0 {
            (Status::Ok, "ok")
        } else {
            (Status::ServiceUnavailable, "unavailable")
        };
        let mut response = json_response(status, &json!({ "status": state }));
        if !self.0 {
            response.set_header(retry_after_header(RETRY_AFTER_SECS));
        }
        Ok(response)
    }
}

#[get("/health")]
async fn health(security: &State<Security>) -> Readiness {
    let ping = security.datastore().ping();
    match rocket::tokio::time::timeout(PING_TIMEOUT, ping).await {
        Ok(Ok(())) => Readiness(true),
        Ok(Err(error)) => {
            tracing::warn!(%error, "health: the database does not answer");
            Readiness(false)
        }
        Err(_) => {
            tracing::warn!("health: the database did not answer within {PING_TIMEOUT:?}");
            Readiness(false)
        }
    }
}

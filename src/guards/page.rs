//! `PageContext`: what the security layout needs, for an application's own pages.

use rocket::request::{FromRequest, Outcome, Request};
use rocket::{Ignite, Rocket, Sentinel};
use serde_json::{json, Map, Value};

use crate::error::Error;
use crate::fairing::{missing_fairing, Security};
use crate::session::{authenticate, SessionCell};

/// The context the default security layout (`security/_layout.html`) renders from: `urls`,
/// `features`, `current_user`, `flashes` (taken, so they show once) and `csrf_token`.
///
/// An application's pages can extend the same layout, so the whole site looks alike:
///
/// ```no_run
/// # use rocket::get;
/// use rocket_dyn_templates::Template;
/// use rocket_security::PageContext;
///
/// #[get("/")]
/// fn index(page: PageContext) -> Template {
///     Template::render("index", page.with(serde_json::json!({ "title": "Home" })))
/// }
/// ```
#[derive(Debug, Clone)]
pub struct PageContext(Map<String, Value>);

impl PageContext {
    /// The context merged with the application's own values (which win on conflicts).
    pub fn with(mut self, values: Value) -> Value {
        if let Value::Object(values) = values {
            self.0.extend(values);
        }
        Value::Object(self.0)
    }

    /// The context alone.
    pub fn into_value(self) -> Value {
        Value::Object(self.0)
    }
}

async fn build(request: &Request<'_>) -> Result<PageContext, Error> {
    let security = Security::of(request);
    let context = security.static_context().into_json();
    let mut map = match context {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let user = authenticate(request).await?;
    map.insert(
        "current_user".into(),
        user.map_or(
            Value::Null,
            |(u, _)| json!({"email": u.email, "roles": u.role_names()}),
        ),
    );
    map.insert(
        "csrf_token".into(),
        Value::String(crate::csrf::generate(request).await?),
    );
    let flashes = SessionCell::lock(request).await?.take_flashes();
    map.insert("flashes".into(), json!(flashes));
    Ok(PageContext(map))
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for PageContext {
    type Error = Error;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Error> {
        match build(request).await {
            Ok(context) => Outcome::Success(context),
            Err(e) => crate::error::fail(request, e),
        }
    }
}

impl Sentinel for PageContext {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        missing_fairing(rocket, "PageContext")
    }
}

//! `PageContext`: what the security layout needs, for an application's own pages; and `Page`,
//! a thin helper rendering an application page with the security layer's template engine.

use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response;
use rocket::{Ignite, Rocket, Sentinel};
use rocket_dyn_templates::tera::Context;
use serde_json::{json, Map, Value};

use crate::error::Error;
use crate::responses::html_response;
use crate::session::{authenticate, SessionCell};
use crate::state::{missing_fairing, Security};

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

    /// The page `name` rendered by the security layer's engine from this context merged with
    /// `values` (which win on conflicts): a [`Page`] made without serialising the context
    /// again. The engine holds the application's `template_dir` beside the security defaults,
    /// so the page can extend `security/_layout` without a copy of it.
    ///
    /// ```no_run
    /// # use rocket::get;
    /// use rocket_security::{Page, PageContext};
    ///
    /// #[get("/")]
    /// fn index(page: PageContext) -> Page {
    ///     page.render("index", serde_json::json!({ "title": "Home" }))
    /// }
    /// ```
    pub fn render(self, name: impl Into<String>, values: Value) -> Page {
        Page {
            name: name.into(),
            context: self.with(values),
        }
    }
}

async fn build(request: &Request<'_>) -> Result<PageContext, Error> {
    let security = Security::of(request);
    let lang = crate::locale::request_locale(request).await;
    let mut map = security.page_base(&lang).json.clone();
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

/// A page of the application rendered by the security layer's template engine, which holds the
/// application's templates (Rocket's `template_dir`) as well as the security defaults. Pages
/// can extend `security/_layout` with the context from a [`PageContext`](crate::PageContext).
///
/// ```no_run
/// # use rocket::get;
/// use rocket_security::{Page, PageContext};
///
/// #[get("/")]
/// fn index(page: PageContext) -> Page {
///     // templates/index.html.tera: {% extends "security/_layout" %} ...
///     Page::render("index", page.with(serde_json::json!({ "title": "Home" })))
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Page {
    name: String,
    context: serde_json::Value,
}

impl Page {
    /// The template `name` (`index` or `index.html` for `templates/index.html.tera`) with
    /// `context` (any serialisable object).
    pub fn render(name: impl Into<String>, context: impl serde::Serialize) -> Page {
        Page {
            name: name.into(),
            context: serde_json::to_value(context).unwrap_or_default(),
        }
    }
}

impl<'r> rocket::response::Responder<'r, 'static> for Page {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        let Some(security) = request.rocket().state::<Security>() else {
            tracing::error!("Page needs the security fairing: attach Security::fairing()");
            return Err(Status::InternalServerError);
        };
        let templates = security.templates();
        let Some(name) = templates.resolve(&self.name) else {
            tracing::error!("no template named {:?}", self.name);
            return Err(Status::InternalServerError);
        };
        let context = Context::from_value(self.context).unwrap_or_default();
        match templates.render(name, &context) {
            Ok(body) => Ok(html_response(Status::Ok, body)),
            Err(e) => {
                tracing::error!("{e}");
                Err(Status::InternalServerError)
            }
        }
    }
}

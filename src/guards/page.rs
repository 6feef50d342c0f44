//! `PageContext`: what the security layout needs, for an application's own pages; and `Page`,
//! a thin helper rendering an application page with the security layer's template engine.

use std::sync::Arc;

use rocket::http::Status;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response;
use rocket::{Ignite, Rocket, Sentinel};
use rocket_dyn_templates::tera::Context;
use serde_json::{json, Map, Value};

use crate::error::Error;
use crate::page_base::PageBase;
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
pub struct PageContext {
    /// What every page of the request's language shares.
    base: Arc<PageBase>,
    /// This request's entries: `current_user`, `csrf_token`, `flashes`.
    own: Map<String, Value>,
}

impl PageContext {
    /// The context merged with the application's own values (which win on conflicts).
    pub fn with(self, values: Value) -> Value {
        let mut map = self.base.json.clone();
        map.extend(self.own);
        if let Value::Object(values) = values {
            map.extend(values);
        }
        Value::Object(map)
    }

    /// The context alone.
    pub fn into_value(self) -> Value {
        self.with(Value::Null)
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
        let mut own = self.own;
        if let Value::Object(values) = values {
            own.extend(values);
        }
        Page {
            name: name.into(),
            base: Some(self.base),
            context: Value::Object(own),
        }
    }
}

async fn build(request: &Request<'_>) -> Result<PageContext, Error> {
    let security = Security::of(request);
    let lang = crate::locale::request_locale(request).await;
    let base = security.page_base(&lang);
    let mut map = Map::new();
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
    Ok(PageContext { base, own: map })
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
    /// The shared part of the context, when it came from a [`PageContext`] and is not in
    /// `context` yet.
    base: Option<Arc<PageBase>>,
    context: serde_json::Value,
}

impl Page {
    /// The template `name` (`index` or `index.html` for `templates/index.html.tera`) with
    /// `context` (any serialisable object).
    pub fn render(name: impl Into<String>, context: impl serde::Serialize) -> Page {
        Page {
            name: name.into(),
            base: None,
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
        let rendered = match (self.base, self.context) {
            (Some(base), Value::Object(own)) => {
                base.render_with(own, |context| templates.render(name, context))
            }
            (_, context) => {
                templates.render(name, &Context::from_value(context).unwrap_or_default())
            }
        };
        match rendered {
            Ok(body) => Ok(html_response(Status::Ok, body)),
            Err(e) => {
                tracing::error!("{e}");
                Err(Status::InternalServerError)
            }
        }
    }
}

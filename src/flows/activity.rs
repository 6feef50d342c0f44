//! The security activity page: `GET /activity?page=N`, the account's security events, newest
//! first, a page at a time.

use rocket::{get, Route};
use rocket_dyn_templates::tera::Context;
use serde_json::{json, Map, Value};

use crate::context::{Ctx, Reply};
use crate::error::Error;
use crate::forms::FormState;
use crate::i18n::Message;

/// Events on one page.
const PAGE_SIZE: i64 = 25;
/// The last page that can be asked for (keeps the offset small).
const MAX_PAGE: i64 = 10_000;

pub(super) fn routes() -> Vec<Route> {
    rocket::routes![activity_page]
}

#[get("/activity?<page>")]
async fn activity_page(ctx: Ctx<'_>, page: Option<&str>) -> Result<Reply, Error> {
    let user = ctx.require_user(None).await?;
    let page = match page.map(str::trim) {
        None | Some("") => 1,
        Some(text) => match text.parse::<i64>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
            _ => return Err(Error::BadRequest(Message::InvalidPageNumber)),
        },
    };
    let mut events = ctx
        .sec
        .datastore()
        .list_activity(user.id, (page - 1) * PAGE_SIZE, PAGE_SIZE + 1)
        .await?;
    let has_more = events.len() as i64 > PAGE_SIZE;
    events.truncate(PAGE_SIZE as usize);
    if !ctx.json {
        let events: Vec<Value> = events
            .iter()
            .map(|e| {
                let mut json = crate::activity::to_json(e);
                json["label"] = json!(e.kind.label());
                json
            })
            .collect();
        let mut extra = Context::new();
        extra.insert("events", &events);
        extra.insert("page", &page);
        extra.insert("has_more", &has_more);
        let form = FormState::new("activity", ctx.config().route_path("/activity"));
        return ctx.page("activity.html", &form, extra).await;
    }
    let events: Vec<Value> = events.iter().map(crate::activity::to_json).collect();
    let mut response = Map::new();
    response.insert("events".into(), json!(events));
    response.insert("page".into(), json!(page));
    response.insert("has_more".into(), json!(has_more));
    ctx.ok(response).await
}

//! The sessions page: `GET /sessions` lists where the user is signed in, `POST /sessions/revoke`
//! signs one device out (`id`) or every other one (`all_others`).

use rocket::http::Status;
use rocket::{get, post, Route};
use rocket_dyn_templates::tera::Context;
use serde_json::{json, Map, Value};

use crate::context::{Ctx, Reply};
use crate::datastore::User;
use crate::devices::{self, Device};
use crate::error::Error;
use crate::events::SecurityEvent;
use crate::forms::{FormState, Input};
use crate::i18n::Message;
use crate::session::SessionCell;

/// Answer to an id that is not one of the user's devices (also another user's).
const NOT_FOUND: Message = Message::NoSuchSession;

pub(super) fn routes() -> Vec<Route> {
    rocket::routes![sessions_page, revoke]
}

fn sessions_form(ctx: &Ctx<'_>) -> FormState {
    FormState::new("sessions_form", ctx.config().route_path("/sessions/revoke"))
}

/// The devices of `user`, the current one marked.
async fn list(ctx: &Ctx<'_>, user: &User) -> Result<Vec<Device>, Error> {
    let (session, remember) = {
        let live = SessionCell::lock(ctx.req).await?;
        (
            live.id_hash().map(str::to_owned),
            live.remember_hash().map(str::to_owned),
        )
    };
    Ok(devices::devices(ctx.sec, user.id, session.as_deref(), remember.as_deref()).await?)
}

/// 404 for an id that is not one of the user's devices: the page with the error, or JSON.
async fn not_found(ctx: &Ctx<'_>, user: &User) -> Result<Reply, Error> {
    if ctx.json {
        return Ok(ctx.error(Status::NotFound, NOT_FOUND));
    }
    let mut form = sessions_form(ctx);
    form.error("id", NOT_FOUND);
    Ok(match answer(ctx, user, &form).await? {
        Reply::Html(_, body) => Reply::Html(Status::NotFound, body),
        other => other,
    })
}

async fn answer(ctx: &Ctx<'_>, user: &User, form: &FormState) -> Result<Reply, Error> {
    let devices = list(ctx, user).await?;
    if ctx.json {
        let mut response = Map::new();
        let sessions: Vec<Value> = devices.iter().map(Device::to_json).collect();
        response.insert("sessions".into(), json!(sessions));
        return ctx.ok(response).await;
    }
    let mut extra = Context::new();
    let sessions: Vec<Value> = devices.iter().map(Device::to_json).collect();
    extra.insert("sessions", &sessions);
    extra.insert("others", &devices.iter().any(|d| !d.current));
    ctx.page("sessions.html", form, extra).await
}

/// Records in the security activity that sessions were ended.
fn ended(ctx: &Ctx<'_>, user: &User, count: u64) {
    if count > 0 {
        let user = user.clone();
        ctx.sec
            .emit_from(ctx.req, SecurityEvent::SessionsEnded { user, count });
    }
}

#[get("/sessions")]
async fn sessions_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    let user = ctx.require_user(None).await?;
    answer(&ctx, &user, &sessions_form(&ctx)).await
}

#[post("/sessions/revoke", data = "<input>")]
async fn revoke(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    let user = ctx.require_user(Some(&input)).await?;
    ctx.check_csrf(&input).await?;
    let devices = list(&ctx, &user).await?;
    let message = if input.flag("all_others") {
        let current = devices.iter().find(|d| d.current);
        let count = devices::sign_out_others(ctx.sec, user.id, current).await?;
        ended(&ctx, &user, count);
        Message::OtherSessionsSignedOut
    } else {
        let id = input.text("id").unwrap_or_default();
        if id.is_empty() {
            let mut form = sessions_form(&ctx);
            form.error("id", Message::ChooseASession);
            if ctx.json {
                return ctx.invalid("sessions.html", &form).await;
            }
            return answer(&ctx, &user, &form).await;
        }
        match devices::sign_out_device(ctx.sec, &devices, &id).await? {
            None => return not_found(&ctx, &user).await,
            Some(true) => SessionCell::lock(ctx.req).await?.logout(),
            Some(false) => {}
        }
        ended(&ctx, &user, 1);
        Message::SessionSignedOut
    };
    if ctx.json {
        return answer(&ctx, &user, &sessions_form(&ctx)).await;
    }
    ctx.flash("success", message).await?;
    Ok(Reply::redirect(ctx.config().route_path("/sessions")))
}

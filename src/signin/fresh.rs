//! The freshness check of the sensitive account pages.

use rocket::http::Status;

use crate::auth::is_fresh;
use crate::context::{Ctx, Reply};
use crate::error::Error;

/// `None` when the request's sign-in is fresh; else the reply sending the user to
/// re-authenticate: browsers to `/verify?next=<here>`, JSON clients a 401 with
/// `reauth_required`.
pub(crate) async fn require_fresh(ctx: &Ctx<'_>) -> Result<Option<Reply>, Error> {
    if is_fresh(ctx.req).await? {
        return Ok(None);
    }
    Ok(Some(stale_reply(ctx)))
}

fn stale_reply(ctx: &Ctx<'_>) -> Reply {
    if ctx.json {
        return Reply::Json(
            Status::Unauthorized,
            crate::responses::reauth_envelope(ctx.req),
        );
    }
    let here = ctx.req.uri().to_string();
    let next: String = url::form_urlencoded::byte_serialize(here.as_bytes()).collect();
    Reply::redirect(format!(
        "{}?next={next}",
        ctx.config().route_path("/verify")
    ))
}

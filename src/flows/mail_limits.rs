//! The per-address limit on mails anyone can request (see [`MailKind`]).

use super::Ctx;
use crate::datastore::User;
use crate::error::Error;
use crate::mail::{within_mail_limit, MailKind};

/// Counts a mail of `kind` to `address` and says whether it may be sent. Callers answer the
/// same either way, so a limited address looks like any other.
pub(crate) async fn mail_allowed(
    ctx: &Ctx<'_>,
    kind: MailKind,
    address: &str,
) -> Result<bool, Error> {
    let sec = ctx.sec;
    Ok(within_mail_limit(
        sec.datastore(),
        sec.config(),
        kind,
        address,
        sec.now().naive_utc(),
    )
    .await?)
}

/// `user`, unless the mail of `kind` to their address is over the limit: then `None`, as for
/// an unknown address.
pub(crate) async fn limited(
    ctx: &Ctx<'_>,
    kind: MailKind,
    user: Option<User>,
) -> Result<Option<User>, Error> {
    match user {
        Some(user) if mail_allowed(ctx, kind, &user.email).await? => Ok(Some(user)),
        _ => Ok(None),
    }
}

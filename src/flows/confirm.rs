//! `/confirm` and `/confirm/<token>`: e-mail confirmation.

use crate::datastore::User;
use crate::fairing::Security;
use crate::token::TokenPurpose;

use super::Ctx;

/// A confirmation token: the user's uniquifier and address, so it stops working when the
/// address changes.
pub(crate) fn confirmation_token(security: &Security, user: &User) -> String {
    security.keys().sign(
        TokenPurpose::Confirm,
        &(user.fs_uniquifier.clone(), user.email.to_lowercase()),
        security.now(),
    )
}

/// The absolute link of a confirmation token.
pub(crate) fn confirmation_link(ctx: &Ctx<'_>, token: &str) -> String {
    format!(
        "{}{}/{token}",
        ctx.base_url(),
        ctx.config().route_path("/confirm")
    )
}

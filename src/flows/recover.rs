//! `/reset` and `/reset/<token>`: forgotten passwords.

use crate::datastore::User;
use crate::fairing::Security;
use crate::token::TokenPurpose;

use super::Ctx;

/// A reset token bound to the current password hash: once the password changes (by this
/// reset or otherwise), every earlier reset link stops working.
pub(crate) fn reset_token(security: &Security, user: &User) -> String {
    security.keys().sign(
        TokenPurpose::Reset,
        &(
            user.fs_uniquifier.clone(),
            password_fingerprint(security, user),
        ),
        security.now(),
    )
}

/// A short keyed digest of the stored password hash (the hash itself never leaves the server).
pub(crate) fn password_fingerprint(security: &Security, user: &User) -> String {
    let hash = user.password.as_deref().unwrap_or("");
    hex::encode(
        &security
            .keys()
            .sign_bytes(TokenPurpose::Reset, hash.as_bytes())[..12],
    )
}

/// The absolute link of a reset token.
pub(crate) fn reset_link(ctx: &Ctx<'_>, token: &str) -> String {
    format!(
        "{}{}/{token}",
        ctx.base_url(),
        ctx.config().route_path("/reset")
    )
}

//! The mailed account links (confirmation and password reset), shared by the flows that send
//! them: `/register`, `/confirm` and `/reset`.

use crate::context::Ctx;
use crate::datastore::User;
use crate::state::Security;
use crate::token::{state_fingerprint, TokenPurpose};

/// A confirmation token: the user's uniquifier and a fingerprint of their address and password
/// hash, so it stops working when either changes.
pub(crate) fn confirmation_token(security: &Security, user: &User) -> String {
    bound_token(security, TokenPurpose::Confirm, user)
}

/// The absolute link of a confirmation token.
pub(crate) fn confirmation_link(ctx: &Ctx<'_>, token: &str) -> String {
    link(ctx, "/confirm", token)
}

/// A reset token bound to the current address and password hash: once either changes (by this
/// reset or otherwise), every earlier reset link stops working.
pub(crate) fn reset_token(security: &Security, user: &User) -> String {
    bound_token(security, TokenPurpose::Reset, user)
}

/// The absolute link of a reset token.
pub(crate) fn reset_link(ctx: &Ctx<'_>, token: &str) -> String {
    link(ctx, "/reset", token)
}

fn bound_token(security: &Security, purpose: TokenPurpose, user: &User) -> String {
    security.keys().sign(
        purpose,
        &(
            user.fs_uniquifier.clone(),
            state_fingerprint(security.keys(), purpose, user),
        ),
        security.now(),
    )
}

fn link(ctx: &Ctx<'_>, route: &str, token: &str) -> String {
    format!(
        "{}{}/{token}",
        ctx.base_url(),
        ctx.config().route_path(route)
    )
}

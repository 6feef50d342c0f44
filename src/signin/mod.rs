//! Signing in, below the flows that use it: one way to finish a first factor for every entry
//! point, the sign-in waiting for its second factor (a request guard), the typed session slots
//! of the flows, one-time codes with the one check that counts before it compares, the
//! credentials of unified sign-in, and the freshness check.

pub(crate) mod codes;
pub(crate) mod credentials;
pub(crate) mod factor;
pub(crate) mod finish;
pub(crate) mod fresh;
pub(crate) mod pending;
pub(crate) mod second_factor;
pub(crate) mod slots;

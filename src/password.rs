//! Password hashing: Argon2id PHC strings with an HMAC pepper, on a bounded pool of threads.

//! Password hashing at the default (OWASP) Argon2id parameters.
//!
//! `cargo bench --bench password`. The throughput group shows how 32 logins arriving at once
//! are served by the bounded pool (one thread per core) instead of 32 threads and buffers.

// `criterion_group!` defines an undocumented public function.
#![allow(missing_docs)]

use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rocket::futures::future::join_all;
use rocket::tokio::runtime::Runtime;
use rocket_security::{get_hmac, Argon2Hasher, Argon2Settings, PasswordHasher};

const PASSWORD: &str = "correct horse battery staple";

/// A runtime, a hasher at the default settings and a stored hash of [`PASSWORD`].
fn setup() -> (Runtime, Arc<Argon2Hasher>, String) {
    let runtime = Runtime::new().expect("tokio runtime");
    let hasher = Argon2Hasher::new(Argon2Settings::default(), Some("bench pepper".into()))
        .expect("default settings are valid");
    let hash = runtime
        .block_on(hasher.hash(PASSWORD))
        .expect("hashing works");
    (runtime, Arc::new(hasher), hash)
}

fn single(c: &mut Criterion) {
    let (runtime, hasher, hash) = setup();

    let mut group = c.benchmark_group("argon2id default");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("hash", |b| {
        b.to_async(&runtime)
            .iter(|| async { hasher.hash(PASSWORD).await.expect("hashing works") })
    });
    group.bench_function("verify", |b| {
        b.to_async(&runtime).iter(|| async {
            assert!(hasher
                .verify(PASSWORD, &hash)
                .await
                .expect("verifying works"))
        })
    });
    group.finish();
}

fn hmac(c: &mut Criterion) {
    let long = "x".repeat(1024);
    c.bench_function("get_hmac", |b| {
        b.iter(|| get_hmac(Some("bench pepper"), std::hint::black_box(PASSWORD)))
    });
    c.bench_function("get_hmac 1 KiB", |b| {
        b.iter(|| get_hmac(Some("bench pepper"), std::hint::black_box(&long)))
    });
}

fn concurrent(c: &mut Criterion) {
    const LOGINS: usize = 32;
    let (runtime, hasher, hash) = setup();

    let mut group = c.benchmark_group("argon2id default pool");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(LOGINS as u64));
    group.bench_function(format!("{LOGINS} concurrent verifies"), |b| {
        b.to_async(&runtime).iter(|| async {
            let logins = (0..LOGINS).map(|_| {
                let hasher = hasher.clone();
                let hash = hash.clone();
                rocket::tokio::spawn(async move { hasher.verify(PASSWORD, &hash).await })
            });
            for login in join_all(logins).await {
                assert!(login.expect("task ran").expect("verifying works"));
            }
        })
    });
    group.finish();
}

/// Resident and peak memory of this process (KiB), from `/proc/self/status`.
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The process's memory around bursts of 32 concurrent verifies: while working, each hashing
/// thread holds Argon2's working memory (19 MiB at the defaults); once the pool runs out of
/// work, it goes back to the system, so the resident size returns to where it started.
fn memory(_: &mut Criterion) {
    const LOGINS: usize = 32;
    let (runtime, hasher, hash) = setup();
    std::thread::sleep(Duration::from_millis(200));
    let (before, _) = memory_kib();
    println!("resident before the bursts: {before} KiB");
    for burst in 1..=3 {
        runtime.block_on(async {
            let logins = (0..LOGINS).map(|_| {
                let hasher = hasher.clone();
                let hash = hash.clone();
                rocket::tokio::spawn(async move { hasher.verify(PASSWORD, &hash).await })
            });
            for login in join_all(logins).await {
                assert!(login.expect("task ran").expect("verifying works"));
            }
        });
        std::thread::sleep(Duration::from_millis(200));
        let (resident, peak) = memory_kib();
        println!(
            "after burst {burst} of {LOGINS} verifies, pool idle: resident {resident} KiB, \
             peak {peak} KiB"
        );
    }
}

criterion_group!(benches, single, hmac, concurrent, memory);
criterion_main!(benches);

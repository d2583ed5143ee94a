//! What a request with credentials costs: argon2id hashing and verification (the reason for
//! the hashing cap), a token check (parse, checksum, SHA-256 for the lookup) and a TOTP check.

use criterion::{Criterion, criterion_group, criterion_main};
use portico_api::auth::passwords::{PasswordHasherPool, PasswordScheme};
use portico_api::auth::secrets;
use portico_domain::identity::totp;
use portico_domain::tokens::TokenSecret;

fn passwords(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let pool = PasswordHasherPool::new(1, 4);
    let hash = runtime.block_on(pool.hash("Correct-Horse-7")).unwrap();
    let mut group = c.benchmark_group("argon2id (19 MiB, t=2, p=1)");
    group.sample_size(20);
    group.bench_function("hash", |b| b.iter(|| runtime.block_on(pool.hash("Correct-Horse-7")).unwrap()));
    group.bench_function("verify", |b| {
        b.iter(|| {
            runtime.block_on(pool.verify("Correct-Horse-7", Some((PasswordScheme::Argon2id, hash.clone())))).unwrap()
        })
    });
    group.finish();
}

fn tokens(c: &mut Criterion) {
    let token = TokenSecret::from_random(&secrets::random_bytes::<32>()).expose().to_owned();
    c.bench_function("token check (parse + checksum + SHA-256)", |b| {
        b.iter(|| {
            let secret = TokenSecret::parse(std::hint::black_box(&token)).unwrap();
            secrets::hash(secret.expose())
        })
    });
    c.bench_function("token noise rejected by checksum", |b| {
        b.iter(|| {
            TokenSecret::parse(std::hint::black_box("ptc_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH000000")).is_err()
        })
    });
}

fn one_time_codes(c: &mut Criterion) {
    let seed = secrets::random_bytes::<20>();
    let now = 1_800_000_000;
    let code = totp::code_for_step(&seed, totp::step_at(now));
    c.bench_function("TOTP check (3 steps)", |b| {
        b.iter(|| totp::matching_step(&seed, std::hint::black_box(&code), now))
    });
}

criterion_group!(benches, passwords, tokens, one_time_codes);
criterion_main!(benches);

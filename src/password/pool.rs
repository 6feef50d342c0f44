//! The threads that run Argon2, and the bounded queue that feeds them.
//!
//! Argon2 with OWASP parameters takes tens of milliseconds and 19 MiB per hash. Run on Tokio's
//! blocking pool, every concurrent login gets its own thread and buffer (measured: 8.4 GiB
//! resident under 32 concurrent logins). Here a fixed set of threads each keeps one buffer from
//! job to job while there is work, and gives it back to the system when there is none, fed
//! through a queue of fixed length. A caller that finds the queue full is
//! refused at once with [`PasswordError::Busy`] (a 503 with `Retry-After`): waiting callers
//! would be a second, unbounded queue, each holding a request and its password.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, PoisonError, TryLockError};
use std::thread::JoinHandle;

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rocket::tokio::sync::{mpsc, oneshot};
use subtle::ConstantTimeEq;

use super::{prepare, PasswordError};

/// Bytes of fresh salt per hash (the PHC recommendation).
pub(super) const SALT_LEN: usize = 16;
/// Stored hashes needing more memory than this (or than the configured value, if higher) are
/// refused instead of computed: a corrupt row must not be able to exhaust the server.
const VERIFY_MAX_MEMORY_KIB: u32 = 256 * 1024;
/// The same for passes over memory.
const VERIFY_MAX_ITERATIONS: u32 = 32;
/// The smallest allocation glibc's `malloc` always serves with a mapping of its own: its
/// threshold for that rises with every large buffer freed, up to 32 MiB on 64-bit systems, and
/// a buffer below it comes from the thread's arena, which keeps the pages after `free`. Argon2's
/// 19 MiB would then stay resident in every hashing thread for the life of the process.
const ALWAYS_MAPPED_BYTES: usize = 32 * 1024 * 1024 + 4096;

type Reply<T> = oneshot::Sender<Result<T, PasswordError>>;

enum Job {
    Hash {
        password: String,
        reply: Reply<String>,
    },
    Verify {
        password: String,
        hash: String,
        reply: Reply<bool>,
    },
}

/// The caller's side: a queue sender and the threads to join on drop.
pub(super) struct Pool {
    jobs: Option<mpsc::Sender<Job>>,
    threads: Vec<JoinHandle<()>>,
}

impl Pool {
    /// Starts `workers` threads sharing a queue of `queue` jobs.
    pub(super) fn start(
        params: Params,
        pepper: Option<String>,
        workers: usize,
        queue: usize,
    ) -> Result<Self, PasswordError> {
        let (sender, receiver) = mpsc::channel(queue);
        let receiver = Arc::new(Mutex::new(receiver));
        let limits = Limits {
            memory_kib: VERIFY_MAX_MEMORY_KIB.max(params.m_cost()),
            iterations: VERIFY_MAX_ITERATIONS.max(params.t_cost()),
        };
        let config = Arc::new(WorkerConfig {
            params,
            pepper,
            limits,
        });
        let mut pool = Pool {
            jobs: Some(sender),
            threads: Vec::with_capacity(workers),
        };
        for n in 0..workers {
            let worker = Worker {
                config: config.clone(),
                memory: Vec::new(),
            };
            let receiver = receiver.clone();
            let thread = std::thread::Builder::new()
                .name(format!("rs-argon2-{n}"))
                .spawn(move || worker.run(&receiver))
                // Dropping `pool` stops and joins the threads already started.
                .map_err(PasswordError::Spawn)?;
            pool.threads.push(thread);
        }
        Ok(pool)
    }

    pub(super) fn workers(&self) -> usize {
        self.threads.len()
    }

    pub(super) async fn hash(&self, password: &str) -> Result<String, PasswordError> {
        let password = password.to_owned();
        self.submit(|reply| Job::Hash { password, reply }).await
    }

    /// Hashes a random password, for [`super::PasswordHasher::dummy_verify`].
    pub(super) async fn hash_random(&self) -> Result<String, PasswordError> {
        self.hash(&hex::encode(rand::random::<[u8; 16]>())).await
    }

    pub(super) async fn verify(&self, password: &str, hash: &str) -> Result<bool, PasswordError> {
        let password = password.to_owned();
        let hash = hash.to_owned();
        self.submit(|reply| Job::Verify {
            password,
            hash,
            reply,
        })
        .await
    }

    async fn submit<T>(&self, job: impl FnOnce(Reply<T>) -> Job) -> Result<T, PasswordError> {
        let jobs = self.jobs.as_ref().ok_or(PasswordError::PoolClosed)?;
        let (reply, answer) = oneshot::channel();
        jobs.try_send(job(reply)).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => PasswordError::Busy,
            mpsc::error::TrySendError::Closed(_) => PasswordError::PoolClosed,
        })?;
        match answer.await {
            Ok(result) => result,
            // The worker dropped the job unanswered: it panicked, or the pool is shutting down.
            Err(_) if jobs.is_closed() => Err(PasswordError::PoolClosed),
            Err(_) => Err(PasswordError::Hashing(
                "a password hashing thread failed; see the log".into(),
            )),
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // Closing the queue ends each worker's loop once the queue is drained; jobs whose
        // callers have gone are skipped, so this waits for at most one job per thread.
        drop(self.jobs.take());
        for thread in self.threads.drain(..) {
            if thread.join().is_err() {
                tracing::error!("a password hashing thread panicked");
            }
        }
    }
}

struct Limits {
    memory_kib: u32,
    iterations: u32,
}

struct WorkerConfig {
    params: Params,
    pepper: Option<String>,
    limits: Limits,
}

struct Worker {
    config: Arc<WorkerConfig>,
    /// Argon2's working memory, kept from job to job.
    memory: Vec<Block>,
}

impl Worker {
    fn run(mut self, jobs: &Mutex<mpsc::Receiver<Job>>) {
        loop {
            // Only the thread holding the lock waits on the queue; the others wait for the
            // lock. The lock is released before the job runs.
            let job = {
                let mut queue = match jobs.try_lock() {
                    Ok(queue) => queue,
                    Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                    Err(TryLockError::WouldBlock) => {
                        // Another thread holds the queue: it is taking the next job or waiting
                        // for one. Either way this thread has nothing to do for now, so it
                        // gives Argon2's memory back before it waits too.
                        self.memory = Vec::new();
                        jobs.lock().unwrap_or_else(PoisonError::into_inner)
                    }
                };
                match queue.try_recv() {
                    Ok(job) => Some(job),
                    Err(mpsc::error::TryRecvError::Disconnected) => None,
                    Err(mpsc::error::TryRecvError::Empty) => {
                        // Idle: give Argon2's memory back rather than hold it between bursts
                        // (tens of MiB per thread; allocating it again costs little next to
                        // one hash).
                        self.memory = Vec::new();
                        queue.blocking_recv()
                    }
                }
            };
            let Some(job) = job else {
                return;
            };
            if panic::catch_unwind(AssertUnwindSafe(|| self.handle(job))).is_err() {
                // The reply was dropped during unwinding, so the caller gets an error. Start
                // the next job with fresh memory.
                self.memory = Vec::new();
            }
        }
    }

    fn handle(&mut self, job: Job) {
        match job {
            Job::Hash { password, reply } => {
                if !reply.is_closed() {
                    let _ = reply.send(self.hash(&password));
                }
            }
            Job::Verify {
                password,
                hash,
                reply,
            } => {
                if !reply.is_closed() {
                    let _ = reply.send(Ok(self.verify(&password, &hash)));
                }
            }
        }
    }

    fn hash(&mut self, password: &str) -> Result<String, PasswordError> {
        let failed = |e: &dyn std::fmt::Display| PasswordError::Hashing(e.to_string());
        let config = self.config.clone();
        let input = prepare(config.pepper.as_deref(), password);
        let salt = rand::random::<[u8; SALT_LEN]>();
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        Argon2::new(Algorithm::Argon2id, Version::V0x13, config.params.clone())
            .hash_password_into_with_memory(
                input.as_bytes(),
                &salt,
                &mut out,
                self.memory_for(&config.params),
            )
            .map_err(|e| failed(&e))?;
        let salt = SaltString::encode_b64(&salt).map_err(|e| failed(&e))?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&config.params).map_err(|e| failed(&e))?,
            salt: Some(salt.as_salt()),
            hash: Some(Output::new(&out).map_err(|e| failed(&e))?),
        };
        Ok(phc.to_string())
    }

    /// Recomputes the stored hash with its own algorithm, parameters and salt. Anything that is
    /// not a usable Argon2 PHC string is a mismatch.
    fn verify(&mut self, password: &str, stored: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(stored) else {
            return false;
        };
        let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
            return false;
        };
        let version = match parsed.version.map(Version::try_from) {
            None => Version::default(),
            Some(Ok(version)) => version,
            Some(Err(_)) => return false,
        };
        let Ok(params) = Params::try_from(&parsed) else {
            return false;
        };
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return false;
        };
        let mut salt_buf = [0u8; 64];
        let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
            return false;
        };
        let limits = &self.config.limits;
        if params.m_cost() > limits.memory_kib || params.t_cost() > limits.iterations {
            tracing::warn!(
                m = params.m_cost(),
                t = params.t_cost(),
                "refusing to verify a stored password hash with excessive Argon2 parameters"
            );
            return false;
        }
        let input = prepare(self.config.pepper.as_deref(), password);
        let mut out = [0u8; Output::MAX_LENGTH];
        let out = &mut out[..expected.len()];
        let computed = Argon2::new(algorithm, version, params.clone())
            .hash_password_into_with_memory(input.as_bytes(), salt, out, self.memory_for(&params));
        computed.is_ok() && bool::from(out.ct_eq(expected.as_bytes()))
    }

    /// The buffer, sized for `params`: reused as is when the size matches, else reallocated.
    fn memory_for(&mut self, params: &Params) -> &mut [Block] {
        let blocks = params.block_count();
        if self.memory.len() != blocks {
            // Free the old buffer first, so the peak is not both at once.
            self.memory = Vec::new();
            // Reserve at least ALWAYS_MAPPED_BYTES: only the blocks written below become
            // resident, and the buffer stays a mapping of its own that freeing returns.
            let reserved = blocks.max(ALWAYS_MAPPED_BYTES.div_ceil(std::mem::size_of::<Block>()));
            self.memory.reserve_exact(reserved);
            self.memory.resize(blocks, Block::default());
        }
        &mut self.memory
    }
}

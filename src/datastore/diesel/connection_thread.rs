//! One thread per SQLite connection, running that connection's blocking calls in order.
//!
//! diesel's SQLite connection is synchronous; diesel-async runs each call elsewhere and awaits
//! it. On Tokio's blocking pool that is a hop to whichever blocking thread is free, and under
//! load the pool grows a thread (with its stack and allocator arena) per call in flight. Here
//! each pooled connection owns one thread for its life: the number of threads is bounded by the
//! pool's size, calls on one connection run in the order they were made, and the thread keeps
//! the connection's data in its own caches.

use std::error::Error;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use diesel_async::sync_connection_wrapper::SpawnBlocking;
use rocket::tokio::runtime::{Handle, RuntimeFlavor};
use rocket::tokio::sync::oneshot;

type Task = Box<dyn FnOnce() + Send>;
type SpawnError = Box<dyn Error + Send + Sync + 'static>;
type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The thread of one pooled SQLite connection (named `rs-sqlite`), as diesel-async's
/// [`SpawnBlocking`] runtime: the connection's calls run there one after the other. The thread
/// ends once the connection (and with it this handle) is dropped and the calls already queued
/// have run.
pub struct ConnectionThread {
    tasks: std_mpsc::Sender<Task>,
}

impl SpawnBlocking for ConnectionThread {
    fn spawn_blocking<'a, R>(
        &mut self,
        task: impl FnOnce() -> R + Send + 'static,
    ) -> BoxFuture<'a, Result<R, SpawnError>>
    where
        R: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let done = Done::default();
        let finished = done.clone();
        let queued = self.tasks.send(Box::new(move || {
            // A panicking call drops `reply`, so its caller gets an error, and the thread
            // stays up for the connection's next call.
            let _ = panic::catch_unwind(AssertUnwindSafe(|| {
                let _ = reply.send(task());
            }));
            finished.set();
        }));
        let mut pending = Pending {
            done: queued.is_ok().then_some(done),
        };
        Box::pin(async move {
            if pending.done.is_none() {
                return Err("the SQLite connection's thread could not be started".into());
            }
            let result = answer
                .await
                .map_err(|_| SpawnError::from("a SQLite call panicked; see the log"));
            drop(pending.done.take());
            result
        })
    }

    fn get_runtime() -> Self {
        let (tasks, queue) = std_mpsc::channel::<Task>();
        let started = std::thread::Builder::new()
            .name("rs-sqlite".into())
            .spawn(move || {
                for task in queue {
                    task();
                }
            });
        if let Err(e) = started {
            // The queue was moved into the closure and dropped with it: every call on this
            // connection fails with an error instead of hanging.
            tracing::error!("could not start a SQLite connection thread: {e}");
        }
        ConnectionThread { tasks }
    }
}

/// Set by the thread once a call has run.
#[derive(Clone, Default)]
struct Done(Arc<(Mutex<bool>, Condvar)>);

impl Done {
    fn set(&self) {
        let (flag, signal) = &*self.0;
        *flag.lock().unwrap_or_else(PoisonError::into_inner) = true;
        signal.notify_all();
    }

    fn wait(&self) {
        let (flag, signal) = &*self.0;
        let mut done = flag.lock().unwrap_or_else(PoisonError::into_inner);
        while !*done {
            done = signal.wait(done).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// A call whose caller stopped waiting. diesel-async reads the connection's transaction state
/// without a lock, which is only sound once no call holds the connection; so, like its own
/// Tokio runtime, dropping the wait blocks until the call has run.
struct Pending {
    done: Option<Done>,
}

impl Drop for Pending {
    fn drop(&mut self) {
        let Some(done) = self.done.take() else {
            return;
        };
        match Handle::try_current().map(|h| h.runtime_flavor()) {
            Ok(RuntimeFlavor::MultiThread) => {
                rocket::tokio::task::block_in_place(|| done.wait());
            }
            _ => done.wait(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rocket::tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn calls_run_in_order_on_one_thread_and_survive_a_panic() {
        let mut thread = ConnectionThread::get_runtime();
        let name = thread
            .spawn_blocking(|| std::thread::current().name().map(str::to_owned))
            .await
            .unwrap();
        assert_eq!(name.as_deref(), Some("rs-sqlite"));
        let first_id = thread
            .spawn_blocking(|| std::thread::current().id())
            .await
            .unwrap();

        let failed = thread.spawn_blocking(|| -> u8 { panic!("boom") }).await;
        assert!(failed.unwrap_err().to_string().contains("panicked"));

        let order = Arc::new(Mutex::new(Vec::new()));
        let calls: Vec<_> = (0..20)
            .map(|i| {
                let order = order.clone();
                thread.spawn_blocking(move || {
                    order.lock().unwrap().push(i);
                    std::thread::current().id()
                })
            })
            .collect();
        for call in calls {
            assert_eq!(call.await.unwrap(), first_id);
        }
        assert_eq!(*order.lock().unwrap(), (0..20).collect::<Vec<_>>());
    }

    #[rocket::tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_dropped_call_has_run_when_the_drop_returns() {
        let mut thread = ConnectionThread::get_runtime();
        let ran = Arc::new(Mutex::new(false));
        let flag = ran.clone();
        let call = thread.spawn_blocking(move || {
            std::thread::sleep(std::time::Duration::from_millis(100));
            *flag.lock().unwrap() = true;
        });
        // Polled once, so the call is under way, then given up.
        let mut call = Box::pin(call);
        assert!(rocket::futures::poll!(&mut call).is_pending());
        drop(call);
        assert!(*ran.lock().unwrap());
    }
}

//! The NVMe/TCP queue pair: one connection ([`Conn`]) behind the
//! transport interface. An I/O queue pair owns its connection; the admin
//! queue pair shares its with the controller, which sends Property
//! Get/Set on it for register access.

use std::sync::{Arc, Mutex, TryLockError};

use super::conn::Conn;
use crate::request::Request;
use crate::spec::cmd::{Cmd, Cpl};
use crate::transport::{QpairTransport, QueueFull};

enum ConnRef {
    Own(Box<Conn>),
    /// The admin queue: the controller issues register access on it too.
    /// Never contended in practice (one poller); a re-entrant use is
    /// refused with -EBUSY rather than deadlocking.
    Shared(Arc<Mutex<Conn>>),
}

/// One NVMe/TCP queue pair.
pub struct TcpQpair {
    conn: ConnRef,
    qid: u16,
}

impl TcpQpair {
    pub(crate) fn own(conn: Conn) -> TcpQpair {
        TcpQpair {
            qid: conn.qid(),
            conn: ConnRef::Own(Box::new(conn)),
        }
    }

    pub(crate) fn shared(conn: Arc<Mutex<Conn>>, qid: u16) -> TcpQpair {
        TcpQpair {
            conn: ConnRef::Shared(conn),
            qid,
        }
    }

    /// Runs `f` on the connection; -EBUSY when it is in use further up
    /// the stack.
    pub(crate) fn with<R>(&mut self, f: impl FnOnce(&mut Conn) -> R) -> Result<R, i32> {
        match &mut self.conn {
            ConnRef::Own(c) => Ok(f(c)),
            ConnRef::Shared(m) => match m.try_lock() {
                Ok(mut g) => Ok(f(&mut g)),
                Err(TryLockError::Poisoned(p)) => Ok(f(&mut p.into_inner())),
                Err(TryLockError::WouldBlock) => Err(-libc::EBUSY),
            },
        }
    }

    /// Runs a command outside the core's CIDs and waits for it (see
    /// [`Conn::exec_sync`]): Connect, or admin commands used before a
    /// controller object exists (discovery).
    pub fn exec_sync(&mut self, cmd: Cmd, data: Option<&mut [u8]>) -> Result<Cpl, i32> {
        self.with(|c| c.exec_sync(cmd, data))?
    }

    /// Header and data digests in use.
    pub fn digests(&mut self) -> (bool, bool) {
        self.with(|c| c.digests()).unwrap_or((false, false))
    }

    /// The connection failed: the negative errno of the cause.
    pub fn failed(&mut self) -> Option<i32> {
        self.with(|c| c.failed()).unwrap_or(None)
    }

    /// MAXH2CDATA the controller announced.
    pub fn maxh2cdata(&mut self) -> u32 {
        self.with(|c| c.maxh2cdata()).unwrap_or(0)
    }

    /// Commands in flight on the connection.
    pub fn outstanding(&mut self) -> usize {
        self.with(|c| c.outstanding()).unwrap_or(0)
    }

    /// Closes the connection (queue deletion).
    pub fn disconnect(&mut self) {
        let _ = self.with(|c| c.close());
    }
}

impl QpairTransport for TcpQpair {
    fn submit(&mut self, req: &mut Request) -> Result<(), Result<QueueFull, i32>> {
        match self.with(|c| c.submit(req)) {
            Ok(r) => r,
            Err(e) => Err(Err(e)),
        }
    }

    fn flush(&mut self) {
        let _ = self.with(|c| c.kick());
    }

    fn process_completions(&mut self, max: u32, done: &mut dyn FnMut(&Cpl)) -> Result<u32, i32> {
        self.with(|c| c.process(max, done))?
    }

    fn qid(&self) -> u16 {
        self.qid
    }
}

impl Drop for TcpQpair {
    fn drop(&mut self) {
        // The admin connection lives on with the controller.
        if let ConnRef::Own(c) = &mut self.conn {
            c.close();
        }
    }
}

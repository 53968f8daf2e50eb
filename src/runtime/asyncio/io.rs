//! Waiting for sockets: the event loop's selector.
//!
//! CPython's `_run_once` asks its selector (epoll, level-triggered) which
//! registered files are ready and appends their reader and writer handles
//! to the ready queue before the due timers. pyl's selector is `mio`, which
//! is edge-triggered: it reports a socket once when it becomes readable or
//! writable. Each socket therefore remembers its readiness until an
//! operation on it would block (`Socket::would_block`), and the loop keeps
//! a FIFO of the sockets whose readiness a handle waits for — the order in
//! which epoll reports level-triggered files — so a reader whose data is
//! not all consumed runs again next iteration, as in CPython.
//!
//! Every socket is registered once, for reading and writing, when it is
//! made; `_add_reader`/`_add_writer` only set the handle, so waiting costs
//! no system call.
//!
//! **Virtual time and sockets.** Data a program sends to its own sockets
//! over the loopback is there the moment `send` returns, so when nothing
//! is ready and every open socket is *internal* — listening, or connected
//! to another socket of the same program — nothing can happen until a
//! timer fires, and the virtual clock jumps to it as usual: a program that
//! serves and fetches from itself stays deterministic and instant. While a
//! socket talks to another process, the loop waits in the selector in real
//! time and the virtual clock advances by the time waited.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::rc::{Rc, Weak};
use std::time::{Duration, Instant};

use mio::{Events, Interest, Poll, Token};

use super::event_loop::Handle;
use super::sockets::Socket;

/// How long one wait in the selector lasts at most, so that Ctrl-C (a flag
/// set on another thread) is noticed promptly.
const WAIT_SLICE: Duration = Duration::from_millis(50);

pub struct Selector {
    poll: RefCell<Poll>,
    events: RefCell<Events>,
    sockets: RefCell<HashMap<Token, Weak<Socket>>>,
    next_token: Cell<usize>,
    /// Sockets ready for what one of their handles waits for, in the order
    /// they became ready.
    ready: RefCell<VecDeque<Rc<Socket>>>,
    /// The local addresses of this program's listening sockets and of the
    /// sockets it connected, to tell internal connections from others.
    listening: RefCell<Vec<SocketAddr>>,
    connected_from: RefCell<HashSet<SocketAddr>>,
}

impl Selector {
    pub fn new() -> std::io::Result<Selector> {
        Ok(Selector {
            poll: RefCell::new(Poll::new()?),
            events: RefCell::new(Events::with_capacity(1024)),
            sockets: RefCell::default(),
            next_token: Cell::new(0),
            ready: RefCell::default(),
            listening: RefCell::default(),
            connected_from: RefCell::default(),
        })
    }

    pub fn next_token(&self) -> Token {
        let token = Token(self.next_token.get());
        self.next_token.set(token.0 + 1);
        token
    }

    /// Registers a new socket for both directions, once for its lifetime.
    pub fn register(
        &self,
        token: Token,
        source: &mut impl mio::event::Source,
    ) -> std::io::Result<()> {
        self.poll.borrow().registry().register(
            source,
            token,
            Interest::READABLE | Interest::WRITABLE,
        )
    }

    pub fn track(&self, socket: &Rc<Socket>) {
        self.sockets
            .borrow_mut()
            .insert(socket.token, Rc::downgrade(socket));
    }

    pub fn deregister(
        &self,
        socket: &Socket,
        source: &mut impl mio::event::Source,
        listening: bool,
    ) {
        let _ = self.poll.borrow().registry().deregister(source);
        self.sockets.borrow_mut().remove(&socket.token);
        self.ready
            .borrow_mut()
            .retain(|ready| ready.token != socket.token);
        // An accepted connection has its listener's address: only the
        // listener itself stops listening there.
        if let Some(address) = socket.local_address() {
            if listening {
                self.listening.borrow_mut().retain(|a| *a != address);
            } else {
                self.connected_from.borrow_mut().remove(&address);
            }
        }
    }

    pub fn note_listening(&self, address: SocketAddr) {
        self.listening.borrow_mut().push(address);
    }

    pub fn note_connecting(&self, local: SocketAddr) {
        self.connected_from.borrow_mut().insert(local);
    }

    /// Whether a connection to `peer` reaches one of this program's
    /// listening sockets.
    pub fn is_listening_at(&self, peer: &SocketAddr) -> bool {
        self.listening.borrow().iter().any(|listening| {
            listening.port() == peer.port()
                && (listening.ip() == peer.ip()
                    || (listening.ip().is_unspecified() && peer.ip().is_loopback()))
        })
    }

    /// Whether an accepted connection comes from one of this program's
    /// own sockets.
    pub fn is_connected_from(&self, peer: &SocketAddr) -> bool {
        self.connected_from.borrow().contains(peer)
    }

    /// A handle was set on `socket`: if it is already ready for it, it
    /// joins the ready sockets.
    pub fn handle_set(&self, socket: &Rc<Socket>) {
        if socket.wants_dispatch() && !socket.queued.get() {
            socket.queued.set(true);
            self.ready.borrow_mut().push_back(socket.clone());
        }
    }

    /// Waits up to `timeout` (`None`: until something happens) for
    /// sockets to become ready and returns the handles to run, in epoll's
    /// order: for each ready socket its reader, then its writer.
    pub fn select(&self, timeout: Option<Duration>) -> std::io::Result<Vec<Rc<Handle>>> {
        self.wait(timeout)?;
        let mut handles = Vec::new();
        // Taken out while the handles are collected: a cancelled handle
        // dropped there may drop a transport, and with it a socket that
        // leaves this queue.
        let queue = std::mem::take(&mut *self.ready.borrow_mut());
        let mut still_ready = VecDeque::with_capacity(queue.len());
        for socket in queue {
            socket.dispatch(&mut handles);
            if socket.wants_dispatch() {
                still_ready.push_back(socket);
            } else {
                socket.queued.set(false);
            }
        }
        let mut ready = self.ready.borrow_mut();
        still_ready.extend(ready.drain(..));
        *ready = still_ready;
        Ok(handles)
    }

    fn wait(&self, timeout: Option<Duration>) -> std::io::Result<()> {
        let deadline = timeout.map(|timeout| Instant::now() + timeout);
        loop {
            let slice = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                None => WAIT_SLICE,
            }
            .min(WAIT_SLICE);
            let mut events = self.events.borrow_mut();
            match self.poll.borrow_mut().poll(&mut events, Some(slice)) {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
            let mut got_one = false;
            for event in events.iter() {
                let socket = self
                    .sockets
                    .borrow()
                    .get(&event.token())
                    .and_then(Weak::upgrade);
                let Some(socket) = socket else {
                    continue;
                };
                if event.is_read_closed() {
                    socket.peer_closed.set(true);
                }
                if event.is_readable() || event.is_read_closed() || event.is_error() {
                    socket.readable.set(true);
                }
                if event.is_writable() || event.is_write_closed() || event.is_error() {
                    socket.writable.set(true);
                }
                if socket.wants_dispatch() && !socket.queued.get() {
                    socket.queued.set(true);
                    self.ready.borrow_mut().push_back(socket);
                }
                got_one = true;
            }
            let timed_out = deadline.is_some_and(|deadline| Instant::now() >= deadline);
            if got_one
                || !self.ready.borrow().is_empty()
                || timed_out
                || crate::runtime::interrupt::signal_pending()
            {
                return Ok(());
            }
        }
    }

    /// Whether something outside the program can make a socket ready: a
    /// socket connected to another process, or a listening socket, which
    /// anyone may connect to (CPython then waits forever, and so does pyl,
    /// instead of reporting a deadlock).
    pub fn reachable_from_outside(&self) -> bool {
        self.sockets
            .borrow()
            .values()
            .filter_map(Weak::upgrade)
            .any(|socket| !socket.internal.get() || (socket.is_listening() && socket.has_reader()))
    }

    /// Whether a socket talks to another process: then time must pass
    /// for real, even on the virtual clock (see the module doc).
    pub fn talks_to_outside(&self) -> bool {
        self.sockets
            .borrow()
            .values()
            .filter_map(Weak::upgrade)
            .any(|socket| !socket.internal.get())
    }

    pub fn has_sockets(&self) -> bool {
        !self.sockets.borrow().is_empty()
    }
}

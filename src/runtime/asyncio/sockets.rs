//! Non-blocking TCP sockets for the streams (`streams.pyl`), and the
//! loop's `_add_reader`/`_add_writer`.
//!
//! The transports and protocols above them are CPython's Python, in
//! `streams.pyl`; this module is what CPython's `socket` module and
//! selector give them, shaped for that code: operations that would block
//! return `None` instead of raising `BlockingIOError` (and mark the socket
//! not ready, see `io.rs`), and a connection carries its transport's write
//! buffer, which CPython keeps in a `bytearray`.
//!
//! Opening a socket is a way out of the program: under `--sandbox` it is
//! refused (SECURITY.md).

use std::cell::{Cell, RefCell};
use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, ToSocketAddrs};
use std::os::fd::AsRawFd;
use std::rc::{Rc, Weak};

use mio::Token;
use socket2::{Domain, Protocol, Type};

use super::event_loop::{Callback, Handle};
use super::io::Selector;
use super::Kwargs;
use crate::runtime::builtins::add_method;
use crate::runtime::error::{ExcType, PyErr, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::{Class, Globals, NativeObject};
use crate::runtime::value::Value;

/// The most one `recv` reads (CPython's `_SelectorSocketTransport.max_size`).
const MAX_RECV: usize = 256 * 1024;

thread_local! {
    static RECV_BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

enum Connection {
    Stream(mio::net::TcpStream),
    Listener(mio::net::TcpListener),
    Closed,
}

pub struct Socket {
    pub token: Token,
    connection: RefCell<Connection>,
    /// Readiness reported by the selector and not yet used up (`io.rs`).
    pub readable: Cell<bool>,
    pub writable: Cell<bool>,
    /// Whether the peer's end of the stream has arrived: reading is then
    /// never done until `recv` says so.
    pub peer_closed: Cell<bool>,
    /// Whether the socket sits in the selector's ready FIFO.
    pub queued: Cell<bool>,
    /// Listening, or connected to another socket of this program.
    pub internal: Cell<bool>,
    reader: RefCell<Option<Rc<Handle>>>,
    writer: RefCell<Option<Rc<Handle>>>,
    /// The transport's write buffer.
    outgoing: RefCell<Vec<u8>>,
    local: Option<SocketAddr>,
    selector: Weak<Selector>,
    self_ref: Weak<Socket>,
}

impl Socket {
    pub fn local_address(&self) -> Option<SocketAddr> {
        self.local
    }

    pub fn is_listening(&self) -> bool {
        matches!(*self.connection.borrow(), Connection::Listener(_))
    }

    pub fn has_reader(&self) -> bool {
        self.reader.borrow().is_some()
    }

    /// Whether a handle waits for a readiness the socket has.
    pub fn wants_dispatch(&self) -> bool {
        (self.readable.get() && self.reader.borrow().is_some())
            || (self.writable.get() && self.writer.borrow().is_some())
    }

    /// CPython's `_process_events` for one file: the reader, then the
    /// writer; a cancelled handle is removed instead.
    pub fn dispatch(&self, handles: &mut Vec<Rc<Handle>>) {
        for (ready, slot) in [
            (&self.readable, &self.reader),
            (&self.writable, &self.writer),
        ] {
            if !ready.get() {
                continue;
            }
            let mut slot = slot.borrow_mut();
            match &*slot {
                Some(handle) if handle.cancelled.get() => *slot = None,
                Some(handle) => handles.push(handle.clone()),
                None => {}
            }
        }
    }

    fn stream_io<T>(
        &self,
        interp: &Interp,
        readiness: &Cell<bool>,
        operation: impl FnOnce(&mio::net::TcpStream) -> std::io::Result<T>,
    ) -> PyResult<Option<T>> {
        let connection = self.connection.borrow();
        let Connection::Stream(stream) = &*connection else {
            return Err(bad_file_descriptor(interp));
        };
        match operation(stream) {
            Ok(result) => Ok(Some(result)),
            Err(error)
                if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) =>
            {
                readiness.set(false);
                Ok(None)
            }
            Err(error) => Err(interp.os_error(error)),
        }
    }

    fn recv(&self, interp: &Interp, limit: usize) -> PyResult<Option<Value>> {
        let limit = limit.clamp(1, MAX_RECV);
        RECV_BUFFER.with_borrow_mut(|buffer| {
            // One buffer for every read, zeroed once: a read copies out
            // only what arrived.
            buffer.resize(MAX_RECV, 0);
            let buffer = &mut buffer[..limit];
            let read = self.stream_io(interp, &self.readable, |mut stream| stream.read(buffer))?;
            Ok(read.map(|count| {
                // A short read drained the socket: the selector reports new
                // data as a new event — but not an end of stream that came
                // with the data, which the next read must see.
                if count > 0 && count < limit && !self.peer_closed.get() {
                    self.readable.set(false);
                }
                Value::bytes(&buffer[..count])
            }))
        })
    }

    fn send(&self, interp: &Interp, data: &[u8]) -> PyResult<Option<usize>> {
        let sent = self.stream_io(interp, &self.writable, |mut stream| stream.write(data))?;
        if sent.is_some_and(|count| count < data.len()) {
            self.writable.set(false);
        }
        Ok(sent)
    }

    fn close(&self) {
        let connection = std::mem::replace(&mut *self.connection.borrow_mut(), Connection::Closed);
        if let Some(selector) = self.selector.upgrade() {
            match connection {
                Connection::Stream(mut stream) => selector.deregister(self, &mut stream, false),
                Connection::Listener(mut listener) => {
                    selector.deregister(self, &mut listener, true)
                }
                Connection::Closed => {}
            }
        }
        // The handles hold the transport, which holds this socket.
        self.reader.borrow_mut().take();
        self.writer.borrow_mut().take();
        self.outgoing.borrow_mut().clear();
    }

    fn address(&self, interp: &Interp, peer: bool) -> PyResult<Value> {
        let address = match &*self.connection.borrow() {
            Connection::Stream(stream) if peer => stream.peer_addr(),
            Connection::Stream(stream) => stream.local_addr(),
            Connection::Listener(listener) if !peer => listener.local_addr(),
            _ => return Err(bad_file_descriptor(interp)),
        };
        address
            .map(|address| address_value(&address))
            .map_err(|error| interp.os_error(error))
    }
}

impl NativeObject for Socket {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("_Socket")
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.close();
    }
}

fn bad_file_descriptor(interp: &Interp) -> PyErr {
    interp.new_exception(
        ExcType::OSError,
        vec![Value::Int(9), Value::str("Bad file descriptor")],
    )
}

/// A socket address as Python's `socket` module gives it.
fn address_value(address: &SocketAddr) -> Value {
    match address {
        SocketAddr::V4(v4) => Value::pair(
            Value::str(v4.ip().to_string()),
            Value::Int(v4.port().into()),
        ),
        SocketAddr::V6(v6) => Value::tuple(vec![
            Value::str(v6.ip().to_string()),
            Value::Int(v6.port().into()),
            Value::Int(v6.flowinfo().into()),
            Value::Int(v6.scope_id().into()),
        ]),
    }
}

/// `(host, port)` as a socket address; `host` must be a numeric address.
fn socket_address(interp: &mut Interp, value: &Value) -> PyResult<SocketAddr> {
    let parts = interp.collect(value)?;
    let (Some(host), Some(port)) = (parts.first(), parts.get(1)) else {
        return Err(interp.type_error("an address is a (host, port) tuple"));
    };
    let port = port_number(interp, port)?;
    let ip: IpAddr = interp
        .to_str(host)?
        .parse()
        .map_err(|_| interp.error(ExcType::OSError, "illegal IP address string"))?;
    Ok(SocketAddr::new(ip, port))
}

fn port_number(interp: &mut Interp, value: &Value) -> PyResult<u16> {
    let port = match value {
        Value::Str(text) => text.as_str().parse::<i64>().map_err(|_| {
            interp.error(ExcType::OSError, "Servname not supported for ai_socktype")
        })?,
        other => interp.to_index(other)?,
    };
    u16::try_from(port).map_err(|_| interp.error(ExcType::OverflowError, "port must be 0-65535."))
}

fn receiver<'a>(interp: &Interp, args: &'a [Value]) -> PyResult<&'a Socket> {
    socket_of(interp, args.first())
}

fn socket_of<'a>(interp: &Interp, value: Option<&'a Value>) -> PyResult<&'a Socket> {
    match value {
        Some(Value::Native(object)) => object.downcast_ref::<Socket>(),
        _ => None,
    }
    .ok_or_else(|| interp.type_error("expected a socket"))
}

fn bytes_argument(interp: &Interp, value: Option<&Value>) -> PyResult<Rc<Vec<u8>>> {
    value.and_then(Value::bytes_like).ok_or_else(|| {
        interp.type_error(format!(
            "a bytes-like object is required, not '{}'",
            value.map_or("NoneType".into(), |value| interp.type_name(value))
        ))
    })
}

fn check_network_allowed(interp: &Interp) -> PyResult<()> {
    if interp.sandbox.is_none() {
        return Ok(());
    }
    Err(interp.new_exception(
        ExcType::PermissionError,
        vec![
            Value::Int(13),
            Value::str("Permission denied: the sandbox allows no network access"),
        ],
    ))
}

/// `_check_network()`: the sandbox's refusal, before a server's binding
/// errors could wrap it.
fn check_network(interp: &mut Interp, _: &[Value], _: Kwargs) -> PyResult<Value> {
    check_network_allowed(interp)?;
    Ok(Value::None)
}

/// The running loop's selector, which new sockets register with.
fn selector(interp: &Interp) -> PyResult<Rc<Selector>> {
    interp
        .running_loop()?
        .selector()
        .map_err(|error| interp.os_error(error))
}

fn new_socket(
    selector: &Rc<Selector>,
    mut connection: Connection,
    local: Option<SocketAddr>,
    internal: bool,
) -> std::io::Result<Rc<Socket>> {
    let token = selector.next_token();
    match &mut connection {
        Connection::Stream(stream) => selector.register(token, stream)?,
        Connection::Listener(listener) => selector.register(token, listener)?,
        Connection::Closed => {}
    }
    let socket = Rc::new_cyclic(|self_ref| Socket {
        token,
        connection: RefCell::new(connection),
        readable: Cell::new(false),
        writable: Cell::new(false),
        peer_closed: Cell::new(false),
        queued: Cell::new(false),
        internal: Cell::new(internal),
        reader: RefCell::default(),
        writer: RefCell::default(),
        outgoing: RefCell::default(),
        local,
        selector: Rc::downgrade(selector),
        self_ref: self_ref.clone(),
    });
    selector.track(&socket);
    Ok(socket)
}

// ---- the functions `streams.pyl` calls ----

/// `_getaddrinfo(host, port, passive)`: `[(family, address), …]` in the
/// resolver's order; a `None` host is every local address for a server.
fn getaddrinfo(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    let [host, port, passive] = args else {
        return Err(interp.type_error("_getaddrinfo() takes 3 arguments"));
    };
    let port = port_number(interp, port)?;
    let addresses: Vec<SocketAddr> = match host {
        Value::None if interp.truthy(passive)? => vec![
            SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), port),
            SocketAddr::new(Ipv6Addr::UNSPECIFIED.into(), port),
        ],
        Value::None => vec![
            SocketAddr::new(Ipv6Addr::LOCALHOST.into(), port),
            SocketAddr::new(Ipv4Addr::LOCALHOST.into(), port),
        ],
        host => {
            let name = interp.to_str(host)?;
            let resolved = (name.as_str(), port).to_socket_addrs().map_err(|_| {
                interp.new_exception(
                    ExcType::OSError,
                    vec![Value::Int(-2), Value::str("Name or service not known")],
                )
            })?;
            let mut unique = Vec::new();
            for address in resolved {
                if !unique.contains(&address) {
                    unique.push(address);
                }
            }
            unique
        }
    };
    let family = |address: &SocketAddr| if address.is_ipv4() { 2 } else { 10 };
    Ok(Value::list(
        addresses
            .iter()
            .map(|address| Value::pair(Value::Int(family(address)), address_value(address)))
            .collect(),
    ))
}

/// A new TCP socket for `address`, set up by `configure` (which connects
/// or binds it), and its local address.
fn tcp_socket(
    interp: &Interp,
    address: SocketAddr,
    configure: impl FnOnce(&socket2::Socket) -> std::io::Result<()>,
) -> PyResult<(socket2::Socket, Option<SocketAddr>)> {
    let socket = socket2::Socket::new(
        Domain::for_address(address),
        Type::STREAM,
        Some(Protocol::TCP),
    )
    .and_then(|socket| configure(&socket).map(|()| socket))
    .map_err(|error| interp.os_error(error))?;
    let local = socket.local_addr().ok().and_then(|local| local.as_socket());
    Ok((socket, local))
}

/// `_socket_connect((host, port))`: a socket whose connection is under
/// way; the loop reports it writable when it is made or has failed.
fn socket_connect(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    check_network_allowed(interp)?;
    let address = socket_address(interp, args.first().unwrap_or(&Value::None))?;
    let selector = selector(interp)?;
    let (socket, local) = tcp_socket(interp, address, |socket| {
        socket.set_nonblocking(true)?;
        socket.set_tcp_nodelay(true)?;
        match socket.connect(&address.into()) {
            // EINPROGRESS: connecting, as a non-blocking socket does.
            Err(error) if error.raw_os_error() != Some(115) => Err(error),
            _ => Ok(()),
        }
    })?;
    if let Some(local) = local {
        selector.note_connecting(local);
    }
    let stream = mio::net::TcpStream::from_std(socket.into());
    let internal = selector.is_listening_at(&address);
    let socket = new_socket(&selector, Connection::Stream(stream), local, internal)
        .map_err(|error| interp.os_error(error))?;
    Ok(Value::native(socket))
}

/// `_socket_listen((host, port), backlog)`: a bound, listening socket.
fn socket_listen(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    check_network_allowed(interp)?;
    let address = socket_address(interp, args.first().unwrap_or(&Value::None))?;
    let backlog = match args.get(1) {
        Some(value) => interp.to_index(value)?.clamp(0, i32::MAX.into()) as i32,
        None => 100,
    };
    let selector = selector(interp)?;
    let (socket, local) = tcp_socket(interp, address, |socket| {
        socket.set_reuse_address(true)?;
        if address.is_ipv6() {
            socket.set_only_v6(true)?;
        }
        socket.bind(&address.into())?;
        socket.listen(backlog)?;
        socket.set_nonblocking(true)
    })?;
    if let Some(local) = local {
        selector.note_listening(local);
    }
    let listener = mio::net::TcpListener::from_std(socket.into());
    let socket = new_socket(&selector, Connection::Listener(listener), local, true)
        .map_err(|error| interp.os_error(error))?;
    Ok(Value::native(socket))
}

// ---- the socket's methods ----

fn socket_recv(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    let socket = receiver(interp, args)?;
    let limit = match args.get(1) {
        Some(value) => interp.to_index(value)?.max(0) as usize,
        None => MAX_RECV,
    };
    Ok(socket.recv(interp, limit)?.unwrap_or(Value::None))
}

fn socket_send(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    let socket = receiver(interp, args)?;
    let data = bytes_argument(interp, args.get(1))?;
    Ok(socket
        .send(interp, &data)?
        .map_or(Value::None, |sent| Value::Int(sent as i64)))
}

/// `buffer_extend(data)`: `transport._buffer.extend(data)`.
fn socket_buffer_extend(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    let socket = receiver(interp, args)?;
    let data = bytes_argument(interp, args.get(1))?;
    socket.outgoing.borrow_mut().extend_from_slice(&data);
    Ok(Value::None)
}

fn socket_buffer_size(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    let socket = receiver(interp, args)?;
    let size = socket.outgoing.borrow().len();
    Ok(Value::Int(size as i64))
}

fn socket_buffer_clear(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    receiver(interp, args)?.outgoing.borrow_mut().clear();
    Ok(Value::None)
}

/// `buffer_send()`: `n = sock.send(buffer); del buffer[:n]`; `None` when
/// the send would block.
fn socket_buffer_send(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    let socket = receiver(interp, args)?;
    let outgoing = std::mem::take(&mut *socket.outgoing.borrow_mut());
    let sent = socket.send(interp, &outgoing);
    let mut rest = outgoing;
    if let Ok(Some(count)) = sent {
        rest.drain(..count);
    }
    *socket.outgoing.borrow_mut() = rest;
    Ok(sent?.map_or(Value::None, |sent| Value::Int(sent as i64)))
}

/// `accept()`: `(socket, peername)`, or `None` when no connection waits.
fn socket_accept(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    let socket = receiver(interp, args)?;
    let accepted = match &*socket.connection.borrow() {
        Connection::Listener(listener) => listener.accept(),
        _ => return Err(bad_file_descriptor(interp)),
    };
    let (stream, peer) = match accepted {
        Ok(accepted) => accepted,
        Err(error)
            if matches!(
                error.kind(),
                ErrorKind::WouldBlock | ErrorKind::Interrupted | ErrorKind::ConnectionAborted
            ) =>
        {
            socket.readable.set(false);
            return Ok(Value::None);
        }
        Err(error) => return Err(interp.os_error(error)),
    };
    let _ = stream.set_nodelay(true);
    let Some(selector) = socket.selector.upgrade() else {
        return Err(bad_file_descriptor(interp));
    };
    let local = stream.local_addr().ok();
    let internal = selector.is_connected_from(&peer);
    let accepted = new_socket(&selector, Connection::Stream(stream), local, internal)
        .map_err(|error| interp.os_error(error))?;
    Ok(Value::pair(Value::native(accepted), address_value(&peer)))
}

/// `connect_error()`: the error number the connection ended with (0 when
/// it is made), as `getsockopt(SOL_SOCKET, SO_ERROR)`.
fn socket_connect_error(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    let socket = receiver(interp, args)?;
    let error = match &*socket.connection.borrow() {
        Connection::Stream(stream) => stream.take_error(),
        _ => return Err(bad_file_descriptor(interp)),
    };
    match error {
        Ok(None) => Ok(Value::Int(0)),
        Ok(Some(error)) => Ok(Value::Int(error.raw_os_error().unwrap_or(0).into())),
        Err(error) => Err(interp.os_error(error)),
    }
}

fn socket_shutdown_write(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    let socket = receiver(interp, args)?;
    let result = match &*socket.connection.borrow() {
        Connection::Stream(stream) => stream.shutdown(Shutdown::Write),
        _ => return Err(bad_file_descriptor(interp)),
    };
    match result {
        Ok(()) => Ok(Value::None),
        // The peer is gone already: nothing left to shut.
        Err(error) if error.kind() == ErrorKind::NotConnected => Ok(Value::None),
        Err(error) => Err(interp.os_error(error)),
    }
}

fn socket_close(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    receiver(interp, args)?.close();
    Ok(Value::None)
}

fn socket_getsockname(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    receiver(interp, args)?.address(interp, false)
}

fn socket_getpeername(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    receiver(interp, args)?.address(interp, true)
}

fn socket_fileno(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    let socket = receiver(interp, args)?;
    let fd = match &*socket.connection.borrow() {
        Connection::Stream(stream) => stream.as_raw_fd(),
        Connection::Listener(listener) => listener.as_raw_fd(),
        Connection::Closed => -1,
    };
    Ok(Value::Int(fd.into()))
}

fn socket_family(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    let socket = receiver(interp, args)?;
    Ok(Value::Int(match socket.local {
        Some(SocketAddr::V6(_)) => 10,
        _ => 2,
    }))
}

// ---- the loop's methods ----

/// `loop._add_reader(sock, callback, *args)` (and `_add_writer`): the
/// handle the selector runs whenever the socket is ready, replacing any.
fn add_handle(interp: &mut Interp, args: &[Value], writing: bool) -> PyResult<Value> {
    let event_loop = super::loop_of(interp, args.first().unwrap_or(&Value::None))?;
    let socket = socket_of(interp, args.get(1))?;
    let Some(callback) = args.get(2) else {
        return Err(interp.type_error("_add_reader() missing the callback"));
    };
    let handle = event_loop.io_handle(Callback::python(
        callback.clone(),
        args[3..].to_vec(),
        interp.captured_context(),
    ));
    let slot = if writing {
        &socket.writer
    } else {
        &socket.reader
    };
    if let Some(old) = slot.borrow_mut().replace(handle.clone()) {
        old.cancel();
    }
    if let (Some(selector), Some(socket)) = (socket.selector.upgrade(), socket.self_ref.upgrade()) {
        selector.handle_set(&socket);
    }
    Ok(Value::native(handle))
}

/// `loop._remove_reader(sock)` (and `_remove_writer`): whether a handle
/// was set.
fn remove_handle(interp: &mut Interp, args: &[Value], writing: bool) -> PyResult<Value> {
    let socket = socket_of(interp, args.get(1))?;
    let slot = if writing {
        &socket.writer
    } else {
        &socket.reader
    };
    let removed = slot.borrow_mut().take();
    if let Some(handle) = &removed {
        handle.cancel();
    }
    Ok(Value::from(removed.is_some()))
}

/// `loop.create_connection(…)` and `loop.create_server(…)`: the
/// coroutines of `streams.pyl`, with the loop as their first argument.
fn loop_stream_method(
    interp: &mut Interp,
    function: &str,
    args: &[Value],
    kwargs: Kwargs,
) -> PyResult<Value> {
    let asyncio = interp.import_module("asyncio")?;
    let function = interp.get_attr(&asyncio, function)?;
    interp.call(&function, args, kwargs)
}

fn loop_create_connection(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    loop_stream_method(interp, "_loop_create_connection", args, kwargs)
}

fn loop_create_server(interp: &mut Interp, args: &[Value], kwargs: Kwargs) -> PyResult<Value> {
    loop_stream_method(interp, "_loop_create_server", args, kwargs)
}

fn loop_add_reader(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    add_handle(interp, args, false)
}

fn loop_add_writer(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    add_handle(interp, args, true)
}

fn loop_remove_reader(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    remove_handle(interp, args, false)
}

fn loop_remove_writer(interp: &mut Interp, args: &[Value], _: Kwargs) -> PyResult<Value> {
    remove_handle(interp, args, true)
}

/// Installs the socket class, the module's private functions and the
/// loop's reader/writer methods.
pub fn install(interp: &mut Interp, namespace: &Globals, event_loop_class: &Rc<Class>) {
    let class = interp.native_class("_Socket");
    let methods: [(&'static str, crate::runtime::object::NativeFn); 14] = [
        ("recv", socket_recv),
        ("send", socket_send),
        ("buffer_extend", socket_buffer_extend),
        ("buffer_size", socket_buffer_size),
        ("buffer_clear", socket_buffer_clear),
        ("buffer_send", socket_buffer_send),
        ("accept", socket_accept),
        ("connect_error", socket_connect_error),
        ("shutdown_write", socket_shutdown_write),
        ("close", socket_close),
        ("getsockname", socket_getsockname),
        ("getpeername", socket_getpeername),
        ("fileno", socket_fileno),
        ("family", socket_family),
    ];
    for (name, function) in methods {
        add_method(&class, name, function);
    }
    for (name, function) in [
        (
            "_getaddrinfo",
            getaddrinfo as crate::runtime::object::NativeFn,
        ),
        ("_socket_connect", socket_connect),
        ("_socket_listen", socket_listen),
        ("_check_network", check_network),
    ] {
        crate::runtime::builtins::add_function(namespace, name, function);
    }
    for (name, function) in [
        (
            "_add_reader",
            loop_add_reader as crate::runtime::object::NativeFn,
        ),
        ("_add_writer", loop_add_writer),
        ("_remove_reader", loop_remove_reader),
        ("_remove_writer", loop_remove_writer),
        ("create_connection", loop_create_connection),
        ("create_server", loop_create_server),
    ] {
        add_method(event_loop_class, name, function);
    }
}

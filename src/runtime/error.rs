//! Python exceptions as Rust errors: every fallible runtime operation
//! returns [`PyResult`], whose error is the exception instance itself.

use std::rc::Rc;

use super::object::Instance;
use super::value::Value;
use crate::syntax::span::Span;

/// A raised Python exception (an instance of a `BaseException` subclass).
#[derive(Clone)]
pub struct PyErr(pub Rc<Instance>);

pub type PyResult<T> = Result<T, PyErr>;

/// [`PyErr::place`] on a result's error. The result is handed back as
/// it came: a success costs one test, with no copy.
pub trait Placed {
    fn placed(self, span: Span) -> Self;
}

impl<T> Placed for PyResult<T> {
    #[inline(always)]
    fn placed(self, span: Span) -> Self {
        self.map_err(|error| error.placed_at(span))
    }
}

impl std::fmt::Debug for PyErr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PyErr({})", self.0.class.name)
    }
}

impl PyErr {
    pub fn value(&self) -> Value {
        Value::Instance(self.0.clone())
    }

    /// The exception with one of the fields CPython keeps in its struct
    /// (`OSError.filename`, …: see `ExceptionData::fields`) set.
    pub fn with_field(self, name: &str, value: Value) -> PyErr {
        if let Some(data) = &self.0.exception {
            data.set_field(name, value);
        }
        self
    }

    /// The exception, keeping `values` alive as long as itself (see
    /// `ExceptionData::held`).
    pub fn holding(self, values: &[Value]) -> PyErr {
        if let Some(data) = &self.0.exception {
            data.held.borrow_mut().extend_from_slice(values);
        }
        self
    }

    /// Places the error at `span` in the running frame, unless an
    /// expression inside that one placed it first (see
    /// `ExceptionData::location`). Out of line: only failures call it.
    #[cold]
    #[inline(never)]
    pub fn placed_at(self, span: Span) -> PyErr {
        if let Some(data) = &self.0.exception {
            if data.location.get().is_none() {
                data.location.set(Some(span));
            }
        }
        self
    }

    pub fn class_name(&self) -> &str {
        &self.0.class.name
    }
}

/// The builtin exception classes, in the order the interpreter creates
/// them: each one's base comes before it.
macro_rules! exception_types {
    ($( $variant:ident : $base:ident ),* $(,)?) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum ExcType { $( $variant ),* }

        impl ExcType {
            pub const ALL: &'static [ExcType] = &[ $( ExcType::$variant ),* ];

            pub fn name(self) -> &'static str {
                match self { $( ExcType::$variant => stringify!($variant) ),* }
            }

            /// The base class; `BaseException` names itself.
            pub fn base(self) -> ExcType {
                match self { $( ExcType::$variant => ExcType::$base ),* }
            }
        }
    };
}

exception_types! {
    BaseException: BaseException,
    SystemExit: BaseException,
    KeyboardInterrupt: BaseException,
    GeneratorExit: BaseException,
    Exception: BaseException,
    StopIteration: Exception,
    StopAsyncIteration: Exception,
    ArithmeticError: Exception,
    FloatingPointError: ArithmeticError,
    OverflowError: ArithmeticError,
    ZeroDivisionError: ArithmeticError,
    AssertionError: Exception,
    AttributeError: Exception,
    BufferError: Exception,
    EOFError: Exception,
    ImportError: Exception,
    ModuleNotFoundError: ImportError,
    LookupError: Exception,
    IndexError: LookupError,
    KeyError: LookupError,
    MemoryError: Exception,
    NameError: Exception,
    UnboundLocalError: NameError,
    OSError: Exception,
    BlockingIOError: OSError,
    ChildProcessError: OSError,
    ConnectionError: OSError,
    BrokenPipeError: ConnectionError,
    ConnectionAbortedError: ConnectionError,
    ConnectionRefusedError: ConnectionError,
    ConnectionResetError: ConnectionError,
    FileExistsError: OSError,
    FileNotFoundError: OSError,
    InterruptedError: OSError,
    IsADirectoryError: OSError,
    NotADirectoryError: OSError,
    PermissionError: OSError,
    ProcessLookupError: OSError,
    TimeoutError: OSError,
    ReferenceError: Exception,
    RuntimeError: Exception,
    NotImplementedError: RuntimeError,
    RecursionError: RuntimeError,
    SyntaxError: Exception,
    IndentationError: SyntaxError,
    TabError: IndentationError,
    SystemError: Exception,
    TypeError: Exception,
    ValueError: Exception,
    UnicodeError: ValueError,
    UnicodeDecodeError: UnicodeError,
    UnicodeEncodeError: UnicodeError,
    Warning: Exception,
    DeprecationWarning: Warning,
    PendingDeprecationWarning: Warning,
    RuntimeWarning: Warning,
    SyntaxWarning: Warning,
    UserWarning: Warning,
    FutureWarning: Warning,
    ImportWarning: Warning,
    UnicodeWarning: Warning,
    BytesWarning: Warning,
    ResourceWarning: Warning,
    EncodingWarning: Warning,
    BaseExceptionGroup: BaseException,
    ExceptionGroup: BaseExceptionGroup,
}

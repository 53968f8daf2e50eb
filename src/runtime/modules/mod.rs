//! Modules: the built-in ones (`collections`, `json`, `math`, `random`, `re`, `unicodedata`,
//! `time`, `sys`, `asyncio`, `aiohttp`, and those written wholly in
//! Python, `python/`: `itertools`, `functools`, `heapq`, `bisect`,
//! `operator`, `copy`, `contextlib`, `string`, `abc`, `collections.abc`,
//! `types`, `typing`, `dataclasses`, `io`, `logging`, `fractions`,
//! `statistics`, `keyword`, `pprint`, `textwrap`, `csv`, `warnings`, `os`,
//! `base64`, …) and `NAME.pyl` files next to the
//! main script.

use std::rc::Rc;

use super::error::{ExcType, PyResult};
use super::interp::Interp;
use super::object::ModuleObject;
use super::value::Value;
use crate::compile::ir::Origin;
use crate::syntax::ast::Name;

pub mod aiohttp;
pub mod collections;
pub mod contextvars;
pub mod json;
pub mod logging;
pub mod math;
pub mod mt19937;
pub mod os;
pub mod python;
pub mod random;
pub mod re;
pub mod running_frames;
pub mod site_builtins;
pub mod sys;
pub mod time;
pub mod traceback;
pub mod unicodedata;
pub mod warnings;

/// Names that CPython's modules have and pyl's built-in ones lack: a
/// read of one raises `NotImplementedError` naming it
/// ([`unsupported_name`]) — not the `AttributeError` or `ImportError`
/// that would read as the program's typo.
const UNSUPPORTED: &[(&str, &[&str])] = &[
    (
        "abc",
        &[
            "abstractclassmethod",
            "abstractproperty",
            "abstractstaticmethod",
        ],
    ),
    (
        "base64",
        &[
            "a85decode",
            "a85encode",
            "b85decode",
            "b85encode",
            "decode",
            "encode",
        ],
    ),
    ("contextlib", &["chdir"]),
    ("copy", &["dispatch_table"]),
    (
        "io",
        &[
            "BlockingIOError",
            "BufferedIOBase",
            "BufferedRWPair",
            "BufferedRandom",
            "BufferedReader",
            "BufferedWriter",
            "FileIO",
            "IOBase",
            "IncrementalNewlineDecoder",
            "RawIOBase",
            "TextIOBase",
            "TextIOWrapper",
            "open",
            "open_code",
            "text_encoding",
        ],
    ),
    (
        "unicodedata",
        &[
            "bidirectional",
            "category",
            "combining",
            "decimal",
            "decomposition",
            "digit",
            "east_asian_width",
            "is_normalized",
            "mirrored",
            "normalize",
            "numeric",
            "ucd_3_2_0",
        ],
    ),
    (
        "types",
        &[
            "CellType",
            "ClassMethodDescriptorType",
            "CodeType",
            "DynamicClassAttribute",
            "FrameType",
            "GetSetDescriptorType",
            "MemberDescriptorType",
            "MethodDescriptorType",
            "MethodWrapperType",
            "TracebackType",
            "WrapperDescriptorType",
            "coroutine",
        ],
    ),
    ("os", OS_UNSUPPORTED),
    ("posixpath", POSIXPATH_UNSUPPORTED),
    ("random", &["SystemRandom"]),
    (
        "sys",
        &[
            "abiflags",
            "addaudithook",
            "api_version",
            "audit",
            "base_exec_prefix",
            "base_prefix",
            "breakpointhook",
            "builtin_module_names",
            "call_tracing",
            "copyright",
            "displayhook",
            "dont_write_bytecode",
            "excepthook",
            "exec_prefix",
            "executable",
            "flags",
            "float_repr_style",
            "get_asyncgen_hooks",
            "get_coroutine_origin_tracking_depth",
            "getallocatedblocks",
            "getdlopenflags",
            "getfilesystemencodeerrors",
            "getprofile",
            "getrefcount",
            "getsizeof",
            "getswitchinterval",
            "gettrace",
            "implementation",
            "is_finalizing",
            "meta_path",
            "modules",
            "orig_argv",
            "path",
            "path_hooks",
            "path_importer_cache",
            "platlibdir",
            "prefix",
            "pycache_prefix",
            "set_asyncgen_hooks",
            "set_coroutine_origin_tracking_depth",
            "setdlopenflags",
            "setprofile",
            "setswitchinterval",
            "settrace",
            "stdlib_module_names",
            "thread_info",
            "unraisablehook",
            "warnoptions",
        ],
    ),
    (
        "typing",
        &[
            "BinaryIO",
            "Concatenate",
            "GenericAlias",
            "IO",
            "Match",
            "MethodDescriptorType",
            "MethodWrapperType",
            "ParamSpec",
            "ParamSpecArgs",
            "ParamSpecKwargs",
            "Pattern",
            "SupportsAbs",
            "SupportsBytes",
            "SupportsComplex",
            "SupportsFloat",
            "SupportsIndex",
            "SupportsInt",
            "SupportsRound",
            "TextIO",
            "TypeVarTuple",
            "Unpack",
            "WrapperDescriptorType",
            "clear_overloads",
            "dataclass_transform",
            "get_overloads",
            "is_typeddict",
            "runtime_checkable",
        ],
    ),
    (
        "time",
        &[
            "CLOCK_BOOTTIME",
            "CLOCK_MONOTONIC",
            "CLOCK_MONOTONIC_RAW",
            "CLOCK_PROCESS_CPUTIME_ID",
            "CLOCK_REALTIME",
            "CLOCK_TAI",
            "CLOCK_THREAD_CPUTIME_ID",
            "clock_getres",
            "clock_gettime",
            "clock_gettime_ns",
            "clock_settime",
            "clock_settime_ns",
            "get_clock_info",
            "process_time",
            "process_time_ns",
            "pthread_getcpuclockid",
            "thread_time",
            "thread_time_ns",
            "tzset",
        ],
    ),
];

/// CPython 3.11's `os` names that pyl's lacks: processes, threads, file
/// descriptors, and all that changes the file system but `remove`.
#[rustfmt::skip]
const OS_UNSUPPORTED: &[&str] = &[
    "CLD_CONTINUED", "CLD_DUMPED", "CLD_EXITED", "CLD_KILLED", "CLD_STOPPED", "CLD_TRAPPED",
    "DirEntry", "EFD_CLOEXEC", "EFD_NONBLOCK", "EFD_SEMAPHORE", "EX_CANTCREAT", "EX_CONFIG",
    "EX_DATAERR", "EX_IOERR", "EX_NOHOST", "EX_NOINPUT", "EX_NOPERM", "EX_NOUSER", "EX_OK",
    "EX_OSERR", "EX_OSFILE", "EX_PROTOCOL", "EX_SOFTWARE", "EX_TEMPFAIL", "EX_UNAVAILABLE",
    "EX_USAGE", "F_LOCK", "F_OK", "F_TEST", "F_TLOCK", "F_ULOCK", "GRND_NONBLOCK",
    "GRND_RANDOM", "GenericAlias", "MFD_ALLOW_SEALING", "MFD_CLOEXEC", "MFD_HUGETLB",
    "MFD_HUGE_16GB", "MFD_HUGE_16MB", "MFD_HUGE_1GB", "MFD_HUGE_1MB", "MFD_HUGE_256MB",
    "MFD_HUGE_2GB", "MFD_HUGE_2MB", "MFD_HUGE_32MB", "MFD_HUGE_512KB", "MFD_HUGE_512MB",
    "MFD_HUGE_64KB", "MFD_HUGE_8MB", "MFD_HUGE_MASK", "MFD_HUGE_SHIFT", "Mapping",
    "MutableMapping", "NGROUPS_MAX", "O_ACCMODE", "O_APPEND", "O_ASYNC", "O_CLOEXEC",
    "O_CREAT", "O_DIRECT", "O_DIRECTORY", "O_DSYNC", "O_EXCL", "O_FSYNC", "O_LARGEFILE",
    "O_NDELAY", "O_NOATIME", "O_NOCTTY", "O_NOFOLLOW", "O_NONBLOCK", "O_PATH", "O_RDONLY",
    "O_RDWR", "O_RSYNC", "O_SYNC", "O_TMPFILE", "O_TRUNC", "O_WRONLY",
    "POSIX_FADV_DONTNEED", "POSIX_FADV_NOREUSE", "POSIX_FADV_NORMAL", "POSIX_FADV_RANDOM",
    "POSIX_FADV_SEQUENTIAL", "POSIX_FADV_WILLNEED", "POSIX_SPAWN_CLOSE", "POSIX_SPAWN_DUP2",
    "POSIX_SPAWN_OPEN", "PRIO_PGRP", "PRIO_PROCESS", "PRIO_USER", "P_ALL", "P_NOWAIT",
    "P_NOWAITO", "P_PGID", "P_PID", "P_PIDFD", "P_WAIT", "PathLike", "RTLD_DEEPBIND",
    "RTLD_GLOBAL", "RTLD_LAZY", "RTLD_LOCAL", "RTLD_NODELETE", "RTLD_NOLOAD", "RTLD_NOW",
    "RWF_APPEND", "RWF_DSYNC", "RWF_HIPRI", "RWF_NOWAIT", "RWF_SYNC", "R_OK", "SCHED_BATCH",
    "SCHED_FIFO", "SCHED_IDLE", "SCHED_OTHER", "SCHED_RESET_ON_FORK", "SCHED_RR",
    "SEEK_CUR", "SEEK_DATA", "SEEK_END", "SEEK_HOLE", "SEEK_SET", "SPLICE_F_MORE",
    "SPLICE_F_MOVE", "SPLICE_F_NONBLOCK", "ST_APPEND", "ST_MANDLOCK", "ST_NOATIME",
    "ST_NODEV", "ST_NODIRATIME", "ST_NOEXEC", "ST_NOSUID", "ST_RDONLY", "ST_RELATIME",
    "ST_SYNCHRONOUS", "ST_WRITE", "TMP_MAX", "WCONTINUED", "WCOREDUMP", "WEXITED",
    "WEXITSTATUS", "WIFCONTINUED", "WIFEXITED", "WIFSIGNALED", "WIFSTOPPED", "WNOHANG",
    "WNOWAIT", "WSTOPPED", "WSTOPSIG", "WTERMSIG", "WUNTRACED", "W_OK", "XATTR_CREATE",
    "XATTR_REPLACE", "XATTR_SIZE_MAX", "X_OK", "abort", "access", "chdir", "chmod", "chown",
    "chroot", "close", "closerange", "confstr", "confstr_names", "copy_file_range",
    "cpu_count", "ctermid", "device_encoding", "dup", "dup2", "environb", "eventfd",
    "eventfd_read", "eventfd_write", "execl", "execle", "execlp", "execlpe", "execv",
    "execve", "execvp", "execvpe", "fchdir", "fchmod", "fchown", "fdatasync", "fdopen",
    "fork", "forkpty", "fpathconf", "fsdecode", "fsencode", "fstat", "fstatvfs", "fsync",
    "ftruncate", "fwalk", "get_blocking", "get_exec_path", "get_inheritable",
    "get_terminal_size", "getcwdb", "getegid", "getenvb", "geteuid", "getgid",
    "getgrouplist", "getgroups", "getloadavg", "getlogin", "getpgid", "getpgrp", "getpid",
    "getppid", "getpriority", "getrandom", "getresgid", "getresuid", "getsid", "getuid",
    "getxattr", "initgroups", "isatty", "kill", "killpg", "lchown", "link", "listxattr",
    "lockf", "login_tty", "lseek", "lstat", "major", "makedev", "makedirs", "memfd_create",
    "minor", "mkdir", "mkfifo", "mknod", "nice", "open", "openpty", "pathconf",
    "pathconf_names", "pidfd_open", "pipe", "pipe2", "popen", "posix_fadvise",
    "posix_fallocate", "posix_spawn", "posix_spawnp", "pread", "preadv", "putenv", "pwrite",
    "pwritev", "read", "readlink", "readv", "register_at_fork", "removedirs", "removexattr",
    "rename", "renames", "replace", "rmdir", "scandir", "sched_get_priority_max",
    "sched_get_priority_min", "sched_getaffinity", "sched_getparam", "sched_getscheduler",
    "sched_param", "sched_rr_get_interval", "sched_setaffinity", "sched_setparam",
    "sched_setscheduler", "sched_yield", "sendfile", "set_blocking", "set_inheritable",
    "setegid", "seteuid", "setgid", "setgroups", "setpgid", "setpgrp", "setpriority",
    "setregid", "setresgid", "setresuid", "setreuid", "setsid", "setuid", "setxattr",
    "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe",
    "splice", "stat", "stat_result", "statvfs", "statvfs_result", "strerror",
    "supports_bytes_environ", "supports_dir_fd", "supports_effective_ids", "supports_fd",
    "supports_follow_symlinks", "symlink", "sync", "sysconf", "sysconf_names", "system",
    "tcgetpgrp", "tcsetpgrp", "terminal_size", "times", "times_result", "truncate",
    "ttyname", "umask", "uname", "uname_result", "unsetenv", "urandom", "utime", "wait",
    "wait3", "wait4", "waitid", "waitid_result", "waitpid", "waitstatus_to_exitcode",
    "walk", "write", "writev",
];

/// CPython 3.11's `os.path` (`posixpath`) names that pyl's lacks.
#[rustfmt::skip]
const POSIXPATH_UNSUPPORTED: &[&str] = &[
    "expanduser", "expandvars", "getatime", "getctime", "islink", "ismount", "lexists",
    "realpath", "samefile", "sameopenfile", "samestat",
];

/// The error for reading `module.name` when CPython's module has the name
/// and pyl's does not.
pub fn unsupported_name(interp: &Interp, module: &str, name: &str) -> Option<super::error::PyErr> {
    let (_, names) = UNSUPPORTED.iter().find(|(known, _)| *known == module)?;
    names.contains(&name).then(|| {
        interp.error(
            ExcType::NotImplementedError,
            format!("{module}.{name} is not supported by pyl"),
        )
    })
}

/// An empty native module object.
pub fn new_module(name: &str) -> Rc<ModuleObject> {
    make_module(name, false)
}

/// The program's module, `__main__`: CPython's starts with an empty
/// `__annotations__`, which an imported module lacks.
pub fn new_main_module() -> Rc<ModuleObject> {
    let module = new_source_module("__main__");
    (module.namespace.borrow_mut())
        .insert("__annotations__".into(), Value::dict(Default::default()));
    module
}

/// An empty module for Python source to run in: the main script's, an
/// imported `NAME.pyl`'s.
pub fn new_source_module(name: &str) -> Rc<ModuleObject> {
    make_module(name, true)
}

fn make_module(name: &str, from_source: bool) -> Rc<ModuleObject> {
    let module = Rc::new(ModuleObject {
        name: name.into(),
        namespace: Default::default(),
        from_source,
    });
    crate::runtime::cycles::track_module(&module);
    let mut names = module.namespace.borrow_mut();
    names.insert("__name__".into(), Value::str(name));
    if from_source {
        // The module's docstring, once its code is compiled.
        names.insert("__doc__".into(), Value::None);
    }
    drop(names);
    module
}

/// Runs Python source bundled in pyl (a module's Python half: asyncio's
/// parts, json's, aiohttp's client) in `module`'s namespace.
pub fn run_bundled_source(
    interp: &mut Interp,
    module: &Rc<ModuleObject>,
    name: &str,
    source: &str,
    origin: Origin,
) -> PyResult<()> {
    let code =
        crate::run::compile_bundled(name, source.to_string(), origin).map_err(|(_, error)| {
            interp.error(
                ExcType::SystemError,
                format!("{name} does not compile: {}", error.message),
            )
        })?;
    let mut frame = crate::eval::frame::Frame::new(code, module.clone());
    interp.run_module_frame(&mut frame)?;
    Ok(())
}

impl Interp {
    /// Defines `name` in `module` when a built-in module makes it on first
    /// use — a part of asyncio's Python, collections' dict classes, sys's
    /// struct sequences — and
    /// says whether it did. Every way to a module's name asks this first
    /// when the name is missing or about to change — an attribute read, a
    /// global of the module's own Python, a store, a `del` — so that what
    /// runs later cannot overwrite what the program put there.
    pub fn define_lazily(&mut self, module: &ModuleObject, name: &str) -> PyResult<bool> {
        Ok(collections::define_lazily(self, module, name)?
            || sys::define_lazily(self, module, name)?
            || site_builtins::define_lazily(self, module, name)?
            || self.define_asyncio_lazily(module, name)?)
    }

    /// Completes `module`'s namespace before something lists it (`dir`,
    /// `vars`, the REPL's completion).
    pub fn complete_module(&mut self, module: &ModuleObject) -> PyResult<()> {
        collections::complete_module(self, module)?;
        sys::complete_module(self, module)?;
        site_builtins::complete_module(self, module)?;
        self.complete_asyncio(module)
    }

    /// `from name import *` into the module `into`: the names of the
    /// module's `__all__`, else those that do not start with `_`.
    pub fn import_star(&mut self, into: &ModuleObject, name: &str) -> PyResult<()> {
        let imported = self.import_module(name)?;
        let Value::Module(module) = &imported else {
            return Ok(());
        };
        self.complete_module(module)?;
        let all = module.namespace.borrow().get("__all__").cloned();
        let names: Vec<Name> = match all {
            Some(all) => {
                let mut names = Vec::new();
                for item in self.collect(&all)? {
                    match item.builtin_value() {
                        Value::Str(text) => names.push(text.as_str().into()),
                        other => {
                            return Err(self.type_error(format!(
                                "Item in {name}.__all__ must be str, not {}",
                                self.type_name(other)
                            )))
                        }
                    }
                }
                names
            }
            None => (module.namespace.borrow().keys())
                .filter(|key| !key.starts_with('_'))
                .cloned()
                .collect(),
        };
        for bound in names {
            let Some(value) = self.get_attr_opt(&imported, &bound)? else {
                return Err(self.error(
                    ExcType::AttributeError,
                    format!("module '{name}' has no attribute '{bound}'"),
                ));
            };
            into.namespace.borrow_mut().insert(bound, value);
        }
        Ok(())
    }

    /// `import name`: from the cache, the built-in modules, or a sibling file.
    pub fn import_module(&mut self, name: &str) -> PyResult<Value> {
        if let Some(module) = self.modules.get(name) {
            return Ok(module.clone());
        }
        if name == "os.path" {
            // CPython's `os.path` is `posixpath`, which `os` imports.
            self.import_module("os")?;
            let posixpath = self.import_module("posixpath")?;
            self.modules.insert(name.into(), posixpath.clone());
            return Ok(posixpath);
        }
        let module = match name {
            "collections" => collections::create(self)?,
            "contextvars" => contextvars::create(self),
            "json" => json::create(self)?,
            "math" => math::create(self),
            "random" => random::create(self),
            "re" => re::create(self)?,
            "_sre" => re::create_sre(self)?,
            "unicodedata" => unicodedata::create(),
            "time" => time::create(self),
            "sys" => sys::create(self),
            "asyncio" => super::asyncio::create(self)?,
            "aiohttp" => aiohttp::create(self)?,
            "builtins" => self.builtins.clone(),
            _ if name.starts_with("re.") => {
                // `re`'s own modules are made with it.
                self.import_module("re")?;
                match self.modules.get(name) {
                    Some(module) => return Ok(module.clone()),
                    None => return self.import_file(name),
                }
            }
            _ if name.starts_with("asyncio.") => {
                let Some(module) = super::asyncio::submodules::create(self, name)? else {
                    return self.import_file(name);
                };
                if let Value::Module(package) = self.import_module("asyncio")? {
                    let child = name.trim_start_matches("asyncio.");
                    let value = Value::Module(module.clone());
                    package.namespace.borrow_mut().insert(child.into(), value);
                }
                module
            }
            _ => {
                // A submodule of a built-in package (`collections.abc`):
                // the package first, which then holds it.
                let package = match name.rsplit_once('.') {
                    Some((package, child)) if python::has(name) => {
                        Some((self.import_module(package)?, child))
                    }
                    _ => None,
                };
                let Some(module) = python::create(self, name)? else {
                    return self.import_file(name);
                };
                if let Some((Value::Module(package), child)) = package {
                    let value = Value::Module(module.clone());
                    package.namespace.borrow_mut().insert(child.into(), value);
                }
                module
            }
        };
        let value = Value::Module(module);
        self.modules.insert(name.into(), value.clone());
        Ok(value)
    }

    fn import_file(&mut self, name: &str) -> PyResult<Value> {
        let not_found = |this: &Self| {
            let top = name.split('.').next().unwrap_or(name);
            let message = if is_standard_module(top) {
                format!("No module named '{name}' (a standard module that pyl does not have)")
            } else {
                format!("No module named '{name}'")
            };
            Err(this.error(ExcType::ModuleNotFoundError, message))
        };
        let Some(dir) = self.script_dir.clone() else {
            return not_found(self);
        };
        let path = dir.join(format!("{}.pyl", name.replace('.', "/")));
        let path = self.check_sandbox_open(&path.to_string_lossy(), false)?;
        let Ok(bytes) = std::fs::read(&path) else {
            return not_found(self);
        };
        let module = new_source_module(name);
        let value = Value::Module(module.clone());
        self.modules.insert(name.into(), value.clone());
        // Named by its absolute path, as CPython's import names it.
        let file = std::path::absolute(&path).unwrap_or(path);
        (module.namespace.borrow_mut()).insert(
            "__file__".into(),
            Value::str(file.display().to_string().as_str()),
        );
        if let Err(error) =
            crate::run::run_source_in(self, &file.display().to_string(), bytes, module)
        {
            self.modules.shift_remove(name);
            return Err(error);
        }
        Ok(value)
    }
}

/// Whether `name` is one of CPython's standard modules (those pyl lacks
/// included).
pub fn is_standard_module(name: &str) -> bool {
    STANDARD_MODULES.binary_search(&name).is_ok()
}

/// CPython 3.11's standard modules (`sys.stdlib_module_names`, the public
/// ones, sorted): one pyl lacks is named as such when an import fails.
#[rustfmt::skip]
const STANDARD_MODULES: &[&str] = &[
    "abc", "aifc", "antigravity", "argparse", "array", "ast", "asynchat", "asyncio",
    "asyncore", "atexit", "audioop", "base64", "bdb", "binascii", "bisect", "builtins",
    "bz2", "cProfile", "calendar", "cgi", "cgitb", "chunk", "cmath", "cmd", "code",
    "codecs", "codeop", "collections", "colorsys", "compileall", "concurrent",
    "configparser", "contextlib", "contextvars", "copy", "copyreg", "crypt", "csv",
    "ctypes", "curses", "dataclasses", "datetime", "dbm", "decimal", "difflib", "dis",
    "distutils", "doctest", "email", "encodings", "ensurepip", "enum", "errno",
    "faulthandler", "fcntl", "filecmp", "fileinput", "fnmatch", "fractions", "ftplib",
    "functools", "gc", "genericpath", "getopt", "getpass", "gettext", "glob", "graphlib",
    "grp", "gzip", "hashlib", "heapq", "hmac", "html", "http", "idlelib", "imaplib",
    "imghdr", "imp", "importlib", "inspect", "io", "ipaddress", "itertools", "json",
    "keyword", "lib2to3", "linecache", "locale", "logging", "lzma", "mailbox", "mailcap",
    "marshal", "math", "mimetypes", "mmap", "modulefinder", "msilib", "msvcrt",
    "multiprocessing", "netrc", "nis", "nntplib", "nt", "ntpath", "nturl2path", "numbers",
    "opcode", "operator", "optparse", "os", "ossaudiodev", "pathlib", "pdb", "pickle",
    "pickletools", "pipes", "pkgutil", "platform", "plistlib", "poplib", "posix",
    "posixpath", "pprint", "profile", "pstats", "pty", "pwd", "py_compile", "pyclbr",
    "pydoc", "pydoc_data", "pyexpat", "queue", "quopri", "random", "re", "readline",
    "reprlib", "resource", "rlcompleter", "runpy", "sched", "secrets", "select",
    "selectors", "shelve", "shlex", "shutil", "signal", "site", "smtpd", "smtplib",
    "sndhdr", "socket", "socketserver", "spwd", "sqlite3", "sre_compile", "sre_constants",
    "sre_parse", "ssl", "stat", "statistics", "string", "stringprep", "struct",
    "subprocess", "sunau", "symtable", "sys", "sysconfig", "syslog", "tabnanny", "tarfile",
    "telnetlib", "tempfile", "termios", "textwrap", "this", "threading", "time", "timeit",
    "tkinter", "token", "tokenize", "tomllib", "trace", "traceback", "tracemalloc", "tty",
    "turtle", "turtledemo", "types", "typing", "unicodedata", "unittest", "urllib", "uu",
    "uuid", "venv", "warnings", "wave", "weakref", "webbrowser", "winreg", "winsound",
    "wsgiref", "xdrlib", "xml", "xmlrpc", "zipapp", "zipfile", "zipimport", "zlib",
    "zoneinfo",
];

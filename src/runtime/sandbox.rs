//! `--sandbox`: what an untrusted script may touch. It may read files in
//! its own folder (and below), and nothing else: no writing, no file
//! outside the folder (symbolic links are followed before the check), no
//! network, no environment variables or current folder. The interpreter
//! has no other way to the outside — no `subprocess`, and `os` only
//! through the natives of `modules/os.rs` — so `open`, `import` and those
//! natives are the only doors, and all ask here. SECURITY.md states the
//! promise.

use std::path::{Path, PathBuf};

use super::error::{ExcType, PyResult};
use super::interp::Interp;
use super::value::Value;

/// The exit status of a program ended by an uncaught `PermissionError`
/// under the sandbox.
pub const REFUSED_STATUS: i32 = 3;

pub struct Sandbox {
    /// The script's folder, with symbolic links resolved.
    root: PathBuf,
}

impl Sandbox {
    /// A sandbox around the folder `script_dir`.
    pub fn new(script_dir: &Path) -> std::io::Result<Sandbox> {
        Ok(Sandbox {
            root: script_dir.canonicalize()?,
        })
    }

    /// The path to open for reading `path` when it lies in the folder:
    /// the file's real path, or, for a file that does not exist, its real
    /// folder joined with its name (opening it then fails as it should).
    fn readable(&self, path: &Path) -> Option<PathBuf> {
        let real = match path.canonicalize() {
            Ok(real) => real,
            Err(_) => {
                let name = path.file_name()?;
                let folder = match path.parent() {
                    Some(folder) if !folder.as_os_str().is_empty() => folder,
                    _ => Path::new("."),
                };
                folder.canonicalize().ok()?.join(name)
            }
        };
        real.starts_with(&self.root).then_some(real)
    }
}

impl Interp {
    /// The path `open` may open `path` by (itself, unless in a sandbox),
    /// or the sandbox's `PermissionError`.
    pub fn check_sandbox_open(&self, path: &str, writing: bool) -> PyResult<PathBuf> {
        let Some(sandbox) = &self.sandbox else {
            return Ok(PathBuf::from(path));
        };
        let allowed = if writing {
            None
        } else {
            sandbox.readable(Path::new(path))
        };
        allowed.ok_or_else(|| {
            let reason = if writing {
                "Permission denied: the sandbox allows no writing"
            } else {
                "Permission denied: the sandbox allows reading only the script's folder"
            };
            self.sandbox_refusal(reason)
                .with_field("filename", Value::str(path))
        })
    }

    /// Nothing, unless in a sandbox, where the environment variables and
    /// the current folder are refused (`os.environ`, `os.getenv`,
    /// `os.getcwd`): they tell about the machine, not the script's folder.
    pub fn check_sandbox_environment(&self) -> PyResult<()> {
        match self.sandbox {
            None => Ok(()),
            Some(_) => Err(self.sandbox_refusal(
                "Permission denied: the sandbox allows no access to the environment or the current folder",
            )),
        }
    }

    fn sandbox_refusal(&self, reason: &str) -> super::error::PyErr {
        self.new_exception(
            ExcType::PermissionError,
            vec![Value::Int(13), Value::str(reason)],
        )
    }
}

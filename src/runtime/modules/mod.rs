//! Modules: the built-in ones (`collections`, `json`, `math`, `random`,
//! `time`, `sys`, `asyncio`, `aiohttp`) and
//! `NAME.pyl` files next to the main script.

use std::rc::Rc;

use super::error::{ExcType, PyResult};
use super::interp::Interp;
use super::object::ModuleObject;
use super::value::Value;

pub mod aiohttp;
pub mod collections;
pub mod json;
pub mod math;
pub mod mt19937;
pub mod random;
pub mod sys;
pub mod time;

/// An empty module object.
pub fn new_module(name: &str) -> Rc<ModuleObject> {
    let module = Rc::new(ModuleObject {
        name: name.into(),
        namespace: Default::default(),
    });
    crate::runtime::cycles::track_module(&module);
    module
        .namespace
        .borrow_mut()
        .insert("__name__".into(), Value::str(name));
    module
}

/// Runs Python source bundled in pyl (a module's Python half: asyncio's
/// prelude and streams, json's, aiohttp's client) in `module`'s namespace.
pub fn run_bundled_source(
    interp: &mut Interp,
    module: &Rc<ModuleObject>,
    name: &str,
    source: &str,
) -> PyResult<()> {
    let code = crate::run::compile(name, source.to_string()).map_err(|(_, error)| {
        interp.error(
            ExcType::SystemError,
            format!("{name} does not compile: {}", error.message),
        )
    })?;
    let mut frame = crate::eval::frame::Frame::new(code, module.clone());
    interp.run_frame(&mut frame, None)?;
    Ok(())
}

impl Interp {
    /// `import name`: from the cache, the built-in modules, or a sibling file.
    pub fn import_module(&mut self, name: &str) -> PyResult<Value> {
        if let Some(module) = self.modules.get(name) {
            return Ok(module.clone());
        }
        let module = match name {
            "collections" => collections::create(self),
            "json" => json::create(self)?,
            "math" => math::create(self),
            "random" => random::create(self),
            "time" => time::create(self),
            "sys" => sys::create(self),
            "asyncio" => super::asyncio::create(self)?,
            "aiohttp" => aiohttp::create(self)?,
            _ => return self.import_file(name),
        };
        let value = Value::Module(module);
        self.modules.insert(name.into(), value.clone());
        Ok(value)
    }

    fn import_file(&mut self, name: &str) -> PyResult<Value> {
        let not_found = |this: &Self| {
            let error = this.error(
                ExcType::ModuleNotFoundError,
                format!("No module named '{name}'"),
            );
            Err(error)
        };
        let Some(dir) = self.script_dir.clone() else {
            return not_found(self);
        };
        let path = dir.join(format!("{}.pyl", name.replace('.', "/")));
        let path = self.check_sandbox_open(&path.to_string_lossy(), false)?;
        let Ok(bytes) = std::fs::read(&path) else {
            return not_found(self);
        };
        let module = new_module(name);
        let value = Value::Module(module.clone());
        self.modules.insert(name.into(), value.clone());
        if let Err(error) =
            crate::run::run_source_in(self, &path.display().to_string(), bytes, module)
        {
            self.modules.shift_remove(name);
            return Err(error);
        }
        Ok(value)
    }
}

//! asyncio's Python half (`python/*.pyl`): CPython's own modules for what
//! is built on the Rust core, each compiled into the `asyncio` module.
//!
//! `core.pyl` runs at `import asyncio`; every other part the first time a
//! name it defines is looked up in the module: as an attribute of
//! `asyncio` (`asyncio.Queue`, `from asyncio import Lock`, the Rust
//! core's own lookups), or as a global of asyncio's Python (`wait_for`
//! calling `_release_waiter`, `Queue()` making an `Event`). A program pays
//! for compiling only what it uses: all of it is some 2 400 lines, and
//! compiling the first 1 250 of them made up 90% of `import asyncio`.
//!
//! A part's names are its top-level `def`, `async def`, `class` and
//! `NAME = ...` lines, read at build time (`build.rs`); the test below
//! checks that they are what running the part defines.

use std::cell::{Cell, OnceCell};
use std::collections::HashMap;
use std::rc::Rc;

use crate::compile::ir::Origin;
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;

/// One file of asyncio's Python, its name in tracebacks, and what the
/// Rust core does once it has run.
struct Part {
    name: &'static str,
    source: &'static str,
    /// What its top-level lines define (a name may come twice).
    defines: &'static [&'static str],
    then: Option<fn(&mut Interp) -> PyResult<()>>,
}

/// `python/NAME.pyl`, named `<asyncio NAME>`.
macro_rules! part {
    ($name:literal) => {
        part!($name, None)
    };
    ($name:literal, $then:expr) => {
        Part {
            name: concat!("<asyncio ", $name, ">"),
            source: include_str!(concat!("python/", $name, ".pyl")),
            defines: include!(concat!(env!("OUT_DIR"), "/asyncio/", $name, ".names")),
            then: $then,
        }
    };
}

/// The part that runs at `import asyncio`: helpers and mixins the others
/// build on, and what every `asyncio.run` calls.
const CORE: Part = part!("core");

/// The parts compiled on first use.
const PARTS: [Part; 7] = [
    part!("tasks"),
    part!("timeouts"),
    part!("taskgroups"),
    part!("event"),
    part!("locks"),
    // `Queue.put`/`get`'s fast path recognises the classes it made.
    part!("queues", Some(Interp::note_plain_queue_classes)),
    part!("streams"),
];

/// Which parts have run, and which part defines which name.
#[derive(Default)]
pub struct Parts {
    loaded: Cell<u8>,
    index: OnceCell<HashMap<&'static str, usize>>,
}

impl Parts {
    /// The part that defines `name`, if it has not run yet.
    fn pending_part_defining(&self, name: &str) -> Option<usize> {
        let index = self.index.get_or_init(|| {
            let mut index = HashMap::new();
            for (part, Part { defines, .. }) in PARTS.iter().enumerate() {
                index.extend(defines.iter().map(|&name| (name, part)));
            }
            index
        });
        let part = *index.get(name)?;
        (self.loaded.get() & (1 << part) == 0).then_some(part)
    }

    /// Marks `part` as run; whether it had not been.
    fn claim(&self, part: usize) -> bool {
        let loaded = self.loaded.get();
        self.loaded.set(loaded | (1 << part));
        loaded & (1 << part) == 0
    }
}

/// Runs the core part in the new `asyncio` module.
pub fn run_core(interp: &mut Interp, module: &Rc<ModuleObject>) -> PyResult<()> {
    crate::runtime::modules::run_bundled_source(
        interp,
        module,
        CORE.name,
        CORE.source,
        Origin::Bundled,
    )
}

impl Interp {
    /// Defines `name` in `module` when `module` is asyncio's and a part
    /// that has not run defines it: the part runs now. Whether it ran
    /// (see [`Interp::define_lazily`]).
    pub fn define_asyncio_lazily(&mut self, module: &ModuleObject, name: &str) -> PyResult<bool> {
        let Some(runtime) = self.asyncio.clone() else {
            return Ok(false);
        };
        if !std::ptr::eq(module, &*runtime.module) {
            return Ok(false);
        }
        // `asyncio.exceptions`: CPython's package has imported them all.
        if super::submodules::is_submodule(name) {
            self.import_module(&format!("asyncio.{name}"))?;
            return Ok(true);
        }
        let Some(part) = runtime.parts.pending_part_defining(name) else {
            return Ok(false);
        };
        self.load_asyncio_part(part)?;
        Ok(true)
    }

    /// Completes `module`'s namespace before something lists it (`dir`,
    /// `vars`, the REPL's completion): every part of asyncio's not run yet.
    pub fn complete_asyncio(&mut self, module: &ModuleObject) -> PyResult<()> {
        let is_asyncio =
            (self.asyncio.as_ref()).is_some_and(|runtime| std::ptr::eq(module, &*runtime.module));
        if is_asyncio {
            for part in 0..PARTS.len() {
                self.load_asyncio_part(part)?;
            }
        }
        Ok(())
    }

    fn load_asyncio_part(&mut self, part: usize) -> PyResult<()> {
        let Some(runtime) = self.asyncio.clone() else {
            return Ok(());
        };
        if !runtime.parts.claim(part) {
            return Ok(());
        }
        let Part {
            name, source, then, ..
        } = &PARTS[part];
        crate::runtime::modules::run_bundled_source(
            self,
            &runtime.module,
            name,
            source,
            Origin::Bundled,
        )?;
        match then {
            Some(then) => then(self),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::value::Value;

    /// Each part defines exactly the names the index gives it, and no
    /// name is in two parts or in the core.
    #[test]
    fn the_index_names_what_each_part_defines() {
        let mut interp = Interp::new(vec![String::new()]);
        let Ok(Value::Module(module)) = interp.import_module("asyncio") else {
            panic!("asyncio does not import");
        };
        let names = |module: &ModuleObject| -> Vec<String> {
            module
                .namespace
                .borrow()
                .keys()
                .map(|k| k.to_string())
                .collect()
        };
        let mut seen = names(&module);
        for (number, part) in PARTS.iter().enumerate() {
            let mut expected = part.defines.to_vec();
            expected.sort_unstable();
            expected.dedup();
            for name in &expected {
                assert!(
                    !seen.iter().any(|seen| seen == name),
                    "{name} is defined twice"
                );
            }
            interp.load_asyncio_part(number).expect("the part runs");
            let mut added: Vec<String> = names(&module)
                .into_iter()
                .filter(|name| !seen.contains(name))
                .collect();
            added.sort_unstable();
            assert_eq!(added, expected, "{}", part.name);
            seen.extend(added);
        }
    }
}

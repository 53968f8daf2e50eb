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
//! `NAME = ...` lines; the test below checks that they are what running
//! the part defines.

use std::cell::{Cell, OnceCell};
use std::collections::HashMap;
use std::rc::Rc;

use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;
use crate::runtime::value::Value;

/// One file of asyncio's Python, and its name in tracebacks.
struct Part {
    name: &'static str,
    source: &'static str,
}

/// The part that runs at `import asyncio`: helpers and mixins the others
/// build on, and what every `asyncio.run` calls.
const CORE: Part = Part {
    name: "<asyncio core>",
    source: include_str!("python/core.pyl"),
};

/// The parts compiled on first use.
const PARTS: [Part; 6] = [
    Part {
        name: "<asyncio tasks>",
        source: include_str!("python/tasks.pyl"),
    },
    Part {
        name: "<asyncio timeouts>",
        source: include_str!("python/timeouts.pyl"),
    },
    Part {
        name: "<asyncio taskgroups>",
        source: include_str!("python/taskgroups.pyl"),
    },
    Part {
        name: "<asyncio locks>",
        source: include_str!("python/locks.pyl"),
    },
    Part {
        name: "<asyncio queues>",
        source: include_str!("python/queues.pyl"),
    },
    Part {
        name: "<asyncio streams>",
        source: include_str!("python/streams.pyl"),
    },
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
            for (part, Part { source, .. }) in PARTS.iter().enumerate() {
                index.extend(defined_names(source).map(|name| (name, part)));
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

/// The names a part's top-level lines define.
fn defined_names(source: &'static str) -> impl Iterator<Item = &'static str> {
    source.lines().filter_map(|line| {
        let definition = ["async def ", "def ", "class "]
            .iter()
            .find_map(|keyword| line.strip_prefix(keyword));
        let start = definition.unwrap_or(line);
        let end = start
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(start.len());
        let (name, rest) = start.split_at(end);
        let assigned = || {
            let rest = rest.trim_start();
            rest.starts_with('=') && !rest.starts_with("==")
        };
        (!name.is_empty() && (definition.is_some() || assigned())).then_some(name)
    })
}

/// Runs the core part in the new `asyncio` module.
pub fn run_core(interp: &mut Interp, module: &Rc<ModuleObject>) -> PyResult<()> {
    crate::runtime::modules::run_bundled_source(interp, module, CORE.name, CORE.source)
}

impl Interp {
    /// Runs the part of asyncio's Python that defines `name`, unless it
    /// has run; whether it ran now.
    pub fn load_asyncio_part_defining(&mut self, name: &str) -> PyResult<bool> {
        let Some(runtime) = self.asyncio.clone() else {
            return Ok(false);
        };
        let Some(part) = runtime.parts.pending_part_defining(name) else {
            return Ok(false);
        };
        self.load_asyncio_part(part)?;
        Ok(true)
    }

    /// A name `asyncio` lacks, from the part that defines it.
    pub fn asyncio_missing_attribute(&mut self, name: &str) -> PyResult<Option<Value>> {
        if !self.load_asyncio_part_defining(name)? {
            return Ok(None);
        }
        let module = self.asyncio.as_ref().map(|runtime| runtime.module.clone());
        Ok(module.and_then(|module| module.namespace.borrow().get(name).cloned()))
    }

    /// Runs every part not run yet, before something lists the module's
    /// names (`dir`, `vars`, the REPL's completion).
    pub fn load_all_of_asyncio(&mut self) -> PyResult<()> {
        for part in 0..PARTS.len() {
            self.load_asyncio_part(part)?;
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
        let Part { name, source } = &PARTS[part];
        crate::runtime::modules::run_bundled_source(self, &runtime.module, name, source)?;
        if *name == "<asyncio queues>" {
            self.note_plain_queue_classes()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let mut expected: Vec<&str> = defined_names(part.source).collect();
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

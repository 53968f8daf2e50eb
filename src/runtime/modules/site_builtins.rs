//! What CPython's `site` module adds to the builtins — `exit` and `quit`
//! (scripts call them to stop), and `help` — made the first time a
//! program looks for one, so that a program that does not pays nothing.
//! (`python3 -S` has none of them; `python3`, what people run, has.)

use std::rc::Rc;

use crate::compile::ir::Origin;
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;

/// CPython's `_sitebuiltins` classes, for what pyl does with them:
/// `help()` is not supported.
const SOURCE: &str = "
class Quitter:
    def __init__(self, name, eof):
        self.name = name
        self.eof = eof
    def __repr__(self):
        return f'Use {self.name}() or {self.eof} to exit'
    def __call__(self, code=None):
        raise SystemExit(code)

class _Helper:
    def __repr__(self):
        return ('Type help() for interactive help, '
                'or help(object) for help about object.')
    def __call__(self, *args, **kwds):
        raise NotImplementedError('help() is not supported by pyl')

exit = Quitter('exit', 'Ctrl-D (i.e. EOF)')
quit = Quitter('quit', 'Ctrl-D (i.e. EOF)')
help = _Helper()
";

const NAMES: [&str; 3] = ["exit", "quit", "help"];

/// Puts `exit`, `quit` and `help` in the builtins when `module` is the
/// builtins module and `name` is one of them; whether they were put now.
pub fn define_lazily(interp: &mut Interp, module: &ModuleObject, name: &str) -> PyResult<bool> {
    if !NAMES.contains(&name) {
        return Ok(false);
    }
    complete_module(interp, module)
}

/// Puts `exit`, `quit` and `help` in the builtins if `module` is the
/// builtins module and they are not there yet (before something lists it).
pub fn complete_module(interp: &mut Interp, module: &ModuleObject) -> PyResult<bool> {
    let builtins = interp.builtins.clone();
    if !std::ptr::eq(&*builtins, module) || builtins.namespace.borrow().contains_key(NAMES[0]) {
        return Ok(false);
    }
    let site = super::new_module("_sitebuiltins");
    super::run_bundled_source(interp, &site, "<sitebuiltins>", SOURCE, Origin::BundledForC)?;
    for name in NAMES {
        let defined = site.namespace.borrow().get(name).cloned();
        if let Some(value) = defined {
            let name: Rc<str> = crate::syntax::ast::intern(name);
            builtins.namespace.borrow_mut().insert(name, value);
        }
    }
    Ok(true)
}

//! Small standard modules written in Python bundled with pyl: `heapq`,
//! `bisect`, `operator`, `copy`, `contextlib`, `string`, `abc`, `types`.
//! What CPython writes in C (heapq's core, bisect, operator, abc's core)
//! runs as `Origin::BundledForC`, its frames left out of tracebacks as C
//! leaves none; what CPython writes in Python runs as `Origin::Bundled`,
//! its frames shown.

use std::rc::Rc;

use crate::compile::ir::Origin;
use crate::runtime::builtins::add_function;
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;

/// Each module's sources, run in order in its namespace.
const SOURCES: &[(&str, &[(&str, Origin)])] = &[
    (
        "heapq",
        &[
            (include_str!("heapq_c.pyl"), Origin::BundledForC),
            (include_str!("heapq.pyl"), Origin::Bundled),
        ],
    ),
    (
        "bisect",
        &[(include_str!("bisect.pyl"), Origin::BundledForC)],
    ),
    (
        "operator",
        &[(include_str!("operator.pyl"), Origin::BundledForC)],
    ),
    ("copy", &[(include_str!("copy.pyl"), Origin::Bundled)]),
    (
        "contextlib",
        &[(include_str!("contextlib.pyl"), Origin::Bundled)],
    ),
    ("string", &[(include_str!("string.pyl"), Origin::Bundled)]),
    ("abc", &[(include_str!("abc.pyl"), Origin::BundledForC)]),
    ("types", &[(include_str!("types.pyl"), Origin::Bundled)]),
];

/// Whether `name` is one of these modules.
pub fn has(name: &str) -> bool {
    SOURCES.iter().any(|(known, _)| *known == name)
}

pub fn create(interp: &mut Interp, name: &str) -> PyResult<Rc<ModuleObject>> {
    let module = super::new_module(name);
    if name == "contextlib" {
        // `__class_getitem__` of the abstract context managers: a
        // `types.GenericAlias`, which Python cannot construct in pyl.
        let getitem = crate::runtime::generic_alias::class_getitem;
        add_function(&module.namespace, "_class_getitem", getitem);
    }
    let (_, sources) = SOURCES
        .iter()
        .find(|(known, _)| *known == name)
        .expect("a known module");
    let label = format!("<{name}>");
    for (source, origin) in sources.iter() {
        super::run_bundled_source(interp, &module, &label, source, *origin)?;
    }
    Ok(module)
}

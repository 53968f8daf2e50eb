//! Standard modules written in Python bundled with pyl — `itertools`,
//! `functools`, `heapq`, `bisect`, `operator`, `copy`, `contextlib`,
//! `string`, `abc`, `collections.abc`, `types`, `typing`, `enum`,
//! `dataclasses`, `traceback`, `datetime`, `io`, `logging`, `fractions`,
//! `statistics`, `keyword`, `pprint`, `textwrap`, `csv`, `warnings`,
//! `os` and `os.path` (`posixpath`), `base64` —
//! each one or two `.pyl` sources run in its namespace, with the few
//! natives they need. What CPython writes in C (itertools, functools' core,
//! heapq's core, bisect, operator, abc's core, datetime) runs as
//! `Origin::BundledForC`, its frames left out of tracebacks as C leaves
//! none; what CPython writes in Python runs as `Origin::Bundled`, its
//! frames shown.

use std::rc::Rc;

use crate::compile::ir::Origin;
use crate::runtime::builtins::add_function;
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::{ModuleObject, NativeFn};
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

struct PythonModule {
    name: &'static str,
    /// Run in order in the module's namespace.
    sources: &'static [(&'static str, Origin)],
    /// Defined before the sources run, for them.
    natives: &'static [(&'static str, NativeFn)],
}

const MODULES: &[PythonModule] = &[
    PythonModule {
        name: "itertools",
        sources: &[(include_str!("itertools.pyl"), Origin::BundledForC)],
        natives: &[],
    },
    PythonModule {
        name: "functools",
        sources: &[
            (include_str!("functools_c.pyl"), Origin::BundledForC),
            (include_str!("functools.pyl"), Origin::Bundled),
        ],
        natives: &[("_function_dict", function_dict)],
    },
    PythonModule {
        name: "heapq",
        sources: &[
            (include_str!("heapq_c.pyl"), Origin::BundledForC),
            (include_str!("heapq.pyl"), Origin::Bundled),
        ],
        natives: &[],
    },
    PythonModule {
        name: "bisect",
        sources: &[(include_str!("bisect.pyl"), Origin::BundledForC)],
        natives: &[],
    },
    PythonModule {
        name: "operator",
        sources: &[(include_str!("operator.pyl"), Origin::BundledForC)],
        natives: &[],
    },
    PythonModule {
        name: "copy",
        sources: &[(include_str!("copy.pyl"), Origin::Bundled)],
        natives: &[],
    },
    PythonModule {
        name: "contextlib",
        sources: &[(include_str!("contextlib.pyl"), Origin::Bundled)],
        natives: &[],
    },
    PythonModule {
        name: "string",
        sources: &[(include_str!("string.pyl"), Origin::Bundled)],
        natives: &[
            ("_format_piece", crate::runtime::builtins::str::format_piece),
            (
                "_field_name_first",
                crate::runtime::builtins::str::field_name_first,
            ),
            (
                "_field_name_next",
                crate::runtime::builtins::str::field_name_next,
            ),
        ],
    },
    PythonModule {
        name: "abc",
        sources: &[(include_str!("abc.pyl"), Origin::BundledForC)],
        natives: &[],
    },
    PythonModule {
        name: "_collections_abc",
        sources: &[(include_str!("collections_abc.pyl"), Origin::Bundled)],
        natives: &[],
    },
    PythonModule {
        name: "collections.abc",
        sources: &[(include_str!("collections_abc_public.pyl"), Origin::Bundled)],
        natives: &[],
    },
    PythonModule {
        name: "types",
        sources: &[(include_str!("types.pyl"), Origin::Bundled)],
        natives: &[],
    },
    PythonModule {
        name: "typing",
        sources: &[(include_str!("typing.pyl"), Origin::Bundled)],
        natives: &[("_module_globals", module_globals)],
    },
    PythonModule {
        name: "enum",
        sources: &[(include_str!("enum.pyl"), Origin::Bundled)],
        natives: &[("_loaded_module", loaded_module)],
    },
    PythonModule {
        name: "dataclasses",
        sources: &[(include_str!("dataclasses.pyl"), Origin::Bundled)],
        natives: &[],
    },
    PythonModule {
        name: "traceback",
        sources: &[(include_str!("traceback.pyl"), Origin::Bundled)],
        natives: super::traceback::NATIVES,
    },
    PythonModule {
        name: "io",
        sources: &[(include_str!("io.pyl"), Origin::BundledForC)],
        natives: &[(
            "_unsupported_operation",
            crate::runtime::files::unsupported_operation_class,
        )],
    },
    PythonModule {
        name: "logging",
        sources: &[(include_str!("logging.pyl"), Origin::Bundled)],
        natives: super::logging::NATIVES,
    },
    PythonModule {
        name: "fractions",
        sources: &[(include_str!("fractions.pyl"), Origin::Bundled)],
        natives: &[],
    },
    PythonModule {
        name: "statistics",
        sources: &[(include_str!("statistics.pyl"), Origin::Bundled)],
        natives: &[],
    },
    PythonModule {
        name: "keyword",
        sources: &[(include_str!("keyword.pyl"), Origin::Bundled)],
        natives: &[],
    },
    PythonModule {
        name: "pprint",
        sources: &[(include_str!("pprint.pyl"), Origin::Bundled)],
        natives: &[],
    },
    PythonModule {
        name: "textwrap",
        sources: &[(include_str!("textwrap.pyl"), Origin::Bundled)],
        natives: &[],
    },
    PythonModule {
        name: "csv",
        sources: &[
            (include_str!("csv_c.pyl"), Origin::BundledForC),
            (include_str!("csv.pyl"), Origin::Bundled),
        ],
        natives: &[],
    },
    PythonModule {
        name: "warnings",
        sources: &[
            (include_str!("warnings_c.pyl"), Origin::BundledForC),
            (include_str!("warnings.pyl"), Origin::Bundled),
        ],
        natives: super::warnings::NATIVES,
    },
    PythonModule {
        name: "posixpath",
        sources: &[(include_str!("posixpath.pyl"), Origin::Bundled)],
        natives: super::os::NATIVES,
    },
    PythonModule {
        name: "os",
        sources: &[(include_str!("os.pyl"), Origin::BundledForC)],
        natives: super::os::NATIVES,
    },
    PythonModule {
        name: "base64",
        sources: &[
            (include_str!("base64_binascii.pyl"), Origin::BundledForC),
            (include_str!("base64.pyl"), Origin::Bundled),
        ],
        natives: &[],
    },
    PythonModule {
        name: "datetime",
        sources: &[(include_str!("datetime.pyl"), Origin::BundledForC)],
        natives: &[],
    },
];

/// Whether `name` is one of these.
pub fn has(name: &str) -> bool {
    MODULES.iter().any(|module| module.name == name)
}

/// The module `name` if it is one of these, made now.
pub fn create(interp: &mut Interp, name: &str) -> PyResult<Option<Rc<ModuleObject>>> {
    let Some(spec) = MODULES.iter().find(|module| module.name == name) else {
        return Ok(None);
    };
    let module = super::new_module(name);
    for &(native, function) in spec.natives {
        add_function(&module.namespace, native, function);
    }
    let label = format!("<{name}>");
    for &(source, origin) in spec.sources {
        super::run_bundled_source(interp, &module, &label, source, origin)?;
    }
    Ok(Some(module))
}

/// `_function_dict(object)`: a copy of a function's attributes (what
/// CPython's `function.__dict__` holds), `None` for anything else.
fn function_dict(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let Some(Value::Function(function)) = args.first() else {
        return Ok(Value::None);
    };
    interp.namespace_dict(&function.attributes.borrow())
}

/// A copy of the names of the module `obj` was defined in — a function's
/// globals, a class's module, a module's own — which `get_type_hints`
/// reads forward references from (CPython's `__globals__`, or
/// `sys.modules[cls.__module__].__dict__`); empty for anything else.
fn module_globals(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let module = match args.first() {
        Some(Value::Function(function)) => Some(function.globals.clone()),
        Some(Value::Module(module)) => Some(module.clone()),
        Some(Value::Type(class)) => match interp.modules.get(&*class.module) {
            Some(Value::Module(module)) => Some(module.clone()),
            _ => None,
        },
        _ => None,
    };
    match module {
        Some(module) => interp.namespace_dict(&module.namespace.borrow()),
        None => Ok(Value::dict(Default::default())),
    }
}

/// `_loaded_module(name)`: the module imported as `name` (CPython's
/// `sys.modules[name]`, a `KeyError` if there is none).
pub(super) fn loaded_module(
    interp: &mut Interp,
    args: &[Value],
    _: &[(Name, Value)],
) -> PyResult<Value> {
    let name = args.first().cloned().unwrap_or(Value::None);
    let module = name
        .as_str()
        .and_then(|text| interp.modules.get(text).cloned());
    module.ok_or_else(|| interp.key_error(name))
}

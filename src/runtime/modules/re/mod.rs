//! Regular expressions: the `re` package and the `_sre` module under it.
//!
//! As in CPython, `re` is Python — its own sources, bundled (`init.pyl`,
//! `parser.pyl`, `compiler.pyl`, `constants.pyl`, `casefix.pyl`: the
//! parser with CPython's error messages at CPython's positions, the
//! compiler to sre's code) — over `_sre`, which is C in CPython and here
//! `sre.pyl` (`Pattern`, binding arguments as CPython's methods do) over
//! `objects.rs` (the compiled code, `re.Match`, the scanner, the loops of
//! `findall`, `split` and `sub`) and `engine.rs`, CPython's matcher.

use std::rc::Rc;

use crate::compile::ir::Origin;
use crate::runtime::builtins::add_function;
use crate::runtime::error::PyResult;
use crate::runtime::interp::Interp;
use crate::runtime::object::{ModuleObject, NativeFn};
use crate::runtime::value::Value;
use crate::syntax::ast::Name;

mod engine;
mod objects;

/// `re`'s own modules, in the order they import each other.
const SUBMODULES: &[(&str, &str)] = &[
    ("_constants", include_str!("constants.pyl")),
    ("_casefix", include_str!("casefix.pyl")),
    ("_parser", include_str!("parser.pyl")),
    ("_compiler", include_str!("compiler.pyl")),
];

pub fn create(interp: &mut Interp) -> PyResult<Rc<ModuleObject>> {
    interp.import_module("_sre")?;
    let package = super::new_module("re");
    // Registered before its code runs, as CPython's `sys.modules` entry
    // is: the submodules import from it, and `enum.global_enum` puts
    // the flags in it.
    interp
        .modules
        .insert("re".into(), Value::Module(package.clone()));
    let made = run_package(interp, &package);
    if made.is_err() {
        interp.modules.shift_remove("re");
        for (child, _) in SUBMODULES {
            interp.modules.shift_remove(format!("re.{child}").as_str());
        }
    }
    made.map(|()| package)
}

fn run_package(interp: &mut Interp, package: &Rc<ModuleObject>) -> PyResult<()> {
    for &(child, source) in SUBMODULES {
        let name = format!("re.{child}");
        let module = super::new_module(&name);
        interp
            .modules
            .insert(name.as_str().into(), Value::Module(module.clone()));
        super::run_bundled_source(
            interp,
            &module,
            &format!("<{name}>"),
            source,
            Origin::Bundled,
        )?;
        (package.namespace.borrow_mut()).insert(child.into(), Value::Module(module));
    }
    super::run_bundled_source(
        interp,
        package,
        "<re>",
        include_str!("init.pyl"),
        Origin::Bundled,
    )
}

/// The `_sre` module.
pub fn create_sre(interp: &mut Interp) -> PyResult<Rc<ModuleObject>> {
    let module = super::new_module("_sre");
    {
        let mut namespace = module.namespace.borrow_mut();
        namespace.insert("MAGIC".into(), Value::from(i64::from(engine::MAGIC)));
        namespace.insert(
            "MAXREPEAT".into(),
            Value::from(i64::from(engine::MAXREPEAT)),
        );
        namespace.insert(
            "MAXGROUPS".into(),
            Value::from(i64::from(engine::MAXGROUPS)),
        );
    }
    add_function(&module.namespace, "ascii_iscased", ascii_iscased);
    add_function(&module.namespace, "ascii_tolower", ascii_tolower);
    add_function(&module.namespace, "unicode_iscased", unicode_iscased);
    add_function(&module.namespace, "unicode_tolower", unicode_tolower);
    let natives: [(&'static str, NativeFn); 6] = [
        ("_program", objects::program),
        ("_match", objects::match_),
        ("_scanner", objects::scanner),
        ("_findall", objects::findall),
        ("_split", objects::split),
        ("_sub", objects::sub),
    ];
    for (name, function) in natives {
        add_function(&module.namespace, name, function);
    }
    objects::define_classes(interp);
    super::run_bundled_source(
        interp,
        &module,
        "<_sre>",
        include_str!("sre.pyl"),
        Origin::BundledForC,
    )?;
    Ok(module)
}

fn code_point(interp: &mut Interp, args: &[Value], function: &str) -> PyResult<u32> {
    let [value] = args else {
        return Err(interp.type_error(format!("{function}() takes exactly one argument")));
    };
    let code = interp.to_index(value)?;
    Ok(u32::try_from(code).unwrap_or(u32::MAX))
}

/// `_sre.ascii_iscased(ch)`: whether `ch` is an ASCII letter.
fn ascii_iscased(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let ch = code_point(interp, args, "ascii_iscased")?;
    Ok(Value::from(
        ch < 128 && u8::try_from(ch).is_ok_and(|byte| byte.is_ascii_alphabetic()),
    ))
}

fn ascii_tolower(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let ch = code_point(interp, args, "ascii_tolower")?;
    Ok(Value::from(i64::from(engine::lower_ascii(ch))))
}

/// `_sre.unicode_iscased(ch)`: whether `ch` has another case.
fn unicode_iscased(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let ch = code_point(interp, args, "unicode_iscased")?;
    Ok(Value::from(
        ch != engine::lower_unicode(ch) || ch != engine::upper_unicode(ch),
    ))
}

fn unicode_tolower(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let ch = code_point(interp, args, "unicode_tolower")?;
    Ok(Value::from(i64::from(engine::lower_unicode(ch))))
}

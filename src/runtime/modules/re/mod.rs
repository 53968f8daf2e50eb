//! Regular expressions: the `re` package and the `_sre` module under it.
//!
//! As in CPython, `re` is Python — its own sources, bundled (`init.pyl`,
//! `parser.pyl`, `compiler.pyl`, `constants.pyl`, `casefix.pyl`: the
//! parser with CPython's error messages at CPython's positions, the
//! compiler to sre's code) — over `_sre`, which is C in CPython and here
//! `sre.pyl` (`Pattern`, `Match`, the search loops of `findall`, `sub`,
//! `split`) over two natives: `_program`, which holds the compiled code,
//! and `_search`, which runs it with `engine.rs`, CPython's matcher.

use std::cell::RefCell;
use std::rc::Rc;

use crate::compile::ir::Origin;
use crate::runtime::builtins::add_function;
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::{Class, ModuleObject, NativeObject};
use crate::runtime::value::{PyStr, Value};
use crate::syntax::ast::Name;

mod engine;

use engine::{Failure, Found, Mode};

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
    add_function(&module.namespace, "_program", program);
    add_function(&module.namespace, "_search", search);
    add_function(&module.namespace, "_index", index);
    super::run_bundled_source(
        interp,
        &module,
        "<_sre>",
        include_str!("sre.pyl"),
        Origin::BundledForC,
    )?;
    Ok(module)
}

/// A compiled pattern's code, as `_sre.compile` receives it.
struct Program {
    code: Box<[u32]>,
    groups: usize,
    /// The characters of the last non-ASCII text searched: `finditer`,
    /// `sub` and `split` search the same text again and again.
    last_text: RefCell<Option<DecodedText>>,
}

/// A `str` and its characters.
type DecodedText = (Rc<PyStr>, Rc<[char]>);

impl NativeObject for Program {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("SRE_Program")
    }
}

impl Program {
    fn chars(&self, text: &Rc<PyStr>) -> Rc<[char]> {
        if let Some((last, chars)) = &*self.last_text.borrow() {
            if Rc::ptr_eq(last, text) {
                return chars.clone();
            }
        }
        let chars: Rc<[char]> = text.as_str().chars().collect();
        *self.last_text.borrow_mut() = Some((text.clone(), chars.clone()));
        chars
    }
}

/// `_program(code, groups)`.
fn program(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let [code, groups] = args else {
        return Err(interp.type_error("_program() takes 2 arguments"));
    };
    let words = interp.collect(code)?;
    let code = words
        .iter()
        .map(|word| {
            let word = interp.to_index(word)?;
            u32::try_from(word).map_err(|_| {
                interp.error(
                    ExcType::OverflowError,
                    "regular expression code size limit exceeded",
                )
            })
        })
        .collect::<PyResult<Box<[u32]>>>()?;
    let groups = usize::try_from(interp.to_index(groups)?).unwrap_or(0);
    Ok(Value::native(Rc::new(Program {
        code,
        groups,
        last_text: RefCell::new(None),
    })))
}

/// `_search(program, text, pos, endpos, mode, must_advance)`: with `mode`
/// 0 a match at `pos`, 1 a match of all of `pos..endpos`, 2 the first
/// match from `pos` on. `None`, or `(lastindex, regs)`: `Match.regs`,
/// `(-1, -1)` for a group that did not take part. `pos` and `endpos` are
/// already clamped to the text, a `str` or `bytes`.
fn search(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let [Value::Native(native), text, pos, endpos, mode, must_advance] = args else {
        return Err(interp.type_error("_search() takes 6 arguments"));
    };
    let Some(program) = native.downcast_ref::<Program>() else {
        return Err(interp.type_error("_search() needs a program"));
    };
    let pos = usize::try_from(interp.to_index(pos)?).unwrap_or(0);
    let endpos = usize::try_from(interp.to_index(endpos)?).unwrap_or(0);
    let mode = match interp.to_index(mode)? {
        0 => Mode::Match,
        1 => Mode::FullMatch,
        _ => Mode::Search,
    };
    let must_advance = interp.truthy(must_advance)?;
    loop {
        let outcome = match text {
            Value::Str(text) if text.is_ascii() => {
                let bytes = text.as_str().as_bytes();
                let endpos = endpos.min(bytes.len());
                engine::run(
                    &program.code,
                    bytes,
                    pos.min(endpos),
                    endpos,
                    program.groups,
                    mode,
                    must_advance,
                )
            }
            Value::Str(text) => {
                let chars = program.chars(text);
                let endpos = endpos.min(chars.len());
                engine::run(
                    &program.code,
                    &chars,
                    pos.min(endpos),
                    endpos,
                    program.groups,
                    mode,
                    must_advance,
                )
            }
            Value::Bytes(bytes) => {
                let endpos = endpos.min(bytes.len());
                engine::run(
                    &program.code,
                    bytes,
                    pos.min(endpos),
                    endpos,
                    program.groups,
                    mode,
                    must_advance,
                )
            }
            _ => return Err(interp.type_error("_search() needs str or bytes")),
        };
        match outcome {
            Ok(None) => return Ok(Value::None),
            Ok(Some(found)) => return Ok(found_value(found)),
            Err(Failure::BadCode) => {
                return Err(interp.error(
                    ExcType::RuntimeError,
                    "internal error in regular expression engine",
                ));
            }
            Err(Failure::Interrupted) => {
                // Inside `asyncio.run` a first Ctrl-C cancels the main
                // task and the program goes on: the search starts over.
                if crate::runtime::interrupt::take() {
                    if let Some(error) = interp.keyboard_interrupt() {
                        return Err(error);
                    }
                }
            }
        }
    }
}

fn found_value(found: Found) -> Value {
    let span = |span: Option<(usize, usize)>| {
        let (start, end) = span.map_or((-1, -1), |(start, end)| (start as i64, end as i64));
        Value::tuple(vec![Value::from(start), Value::from(end)])
    };
    let regs = found.spans.into_iter().map(span).collect();
    let lastindex = found.lastindex.map_or(Value::None, Value::from);
    Value::tuple(vec![lastindex, Value::tuple(regs)])
}

/// `_index(value)`: `operator.index`, for positions.
fn index(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let [value] = args else {
        return Err(interp.type_error("_index() takes 1 argument"));
    };
    Ok(Value::from(interp.to_index(value)?))
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

//! Traceback objects (`exception.__traceback__`, `sys.exc_info()[2]`),
//! their frames and code objects (also `function.__code__`).
//!
//! A traceback is the lines the exception recorded as it passed through
//! frames, each a code and a place in it, and, for a frame the exception
//! left, the frame's local slots. So a traceback's frame answers what
//! those tell (`f_code`, `f_locals` of a frame that was left); what only
//! a running frame knows — its current line, its caller, the locals of
//! the frame handling the exception — is a `NotImplementedError` naming
//! it.

use std::rc::Rc;

use crate::compile::ir::Code;
use crate::diagnostics::line_of;
use crate::eval::frame::Slots;
use crate::syntax::ast::Name;

use super::error::{ExcType, PyErr, PyResult};
use super::interp::Interp;
use super::object::{Class, Instance, NativeObject, TraceEntry};
use super::value::Value;

/// One entry of a traceback and, through `tb_next`, those inside it.
pub struct Traceback {
    /// The exception's shown entries, outermost first.
    entries: Rc<[TraceEntry]>,
    index: usize,
}

impl Traceback {
    /// The traceback of `exception` as it is now, or `None` if it has none.
    pub fn of(exception: &Instance) -> Value {
        let entries: Rc<[TraceEntry]> = crate::diagnostics::shown_frames(exception).into();
        Traceback::at(entries, 0)
    }

    fn at(entries: Rc<[TraceEntry]>, index: usize) -> Value {
        match index < entries.len() {
            true => Value::native(Rc::new(Traceback { entries, index })),
            false => Value::None,
        }
    }

    /// The entries from this one inwards, as an exception records them
    /// (innermost first).
    pub fn recorded_entries(&self) -> Vec<TraceEntry> {
        self.entries[self.index..].iter().rev().cloned().collect()
    }

    /// This entry and those inside it, outermost first.
    pub fn entries(&self) -> &[TraceEntry] {
        &self.entries[self.index..]
    }
}

impl NativeObject for Traceback {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("traceback")
    }

    fn get_attribute(&self, interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        let entry = &self.entries[self.index];
        Some(Ok(match name {
            "tb_next" => Traceback::at(self.entries.clone(), self.index + 1),
            "tb_lineno" => Value::from(line_of(&entry.code.source.text, entry.span.start as usize)),
            "tb_frame" => Value::native(Rc::new(Frame {
                code: entry.code.clone(),
                locals: entry.locals.clone(),
            })),
            "tb_lasti" => return Some(Err(not_kept(interp, "traceback.tb_lasti"))),
            _ => return None,
        }))
    }
}

/// The frame of a traceback entry: its code, and its locals once the
/// exception has left it.
struct Frame {
    code: Rc<Code>,
    locals: Option<Rc<Slots>>,
}

impl Frame {
    /// `f_locals`: the named locals that are bound.
    fn locals(&self, interp: &mut Interp) -> PyResult<Value> {
        let closes_over = !self.code.cell_names.is_empty() || !self.code.free_names.is_empty();
        let (Some(slots), false, false) = (&self.locals, closes_over, self.code.is_module) else {
            return Err(not_kept(
                interp,
                "frame.f_locals of a running frame or a closure's",
            ));
        };
        let pairs = (self.code.local_names.iter().zip(slots.iter()))
            .filter_map(|(name, slot)| Some((Value::str(&**name), slot.clone()?)));
        let dict = interp.dict_from_pairs(pairs.collect())?;
        Ok(Value::dict(dict))
    }
}

impl NativeObject for Frame {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("frame")
    }

    fn get_attribute(&self, interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        match name {
            "f_code" => Some(Ok(code_object(self.code.clone()))),
            "f_locals" => Some(self.locals(interp)),
            "f_lineno" | "f_globals" | "f_builtins" | "f_back" | "f_lasti" | "f_trace"
            | "clear" => Some(Err(not_kept(interp, &format!("frame.{name}")))),
            _ => None,
        }
    }

    fn repr(&self, interp: &mut Interp) -> Option<PyResult<String>> {
        // CPython's names the frame's current line, which pyl does not keep.
        Some(Err(not_kept(interp, "repr() of a frame")))
    }
}

fn not_kept(interp: &Interp, what: &str) -> PyErr {
    interp.error(
        ExcType::NotImplementedError,
        format!("{what} is not supported by pyl (it keeps no running frames)"),
    )
}

/// A function's or frame's code object (`f.__code__`).
pub fn code_object(code: Rc<Code>) -> Value {
    Value::native(Rc::new(CodeObject { code }))
}

struct CodeObject {
    code: Rc<Code>,
}

impl CodeObject {
    fn first_line(&self) -> usize {
        self.code.first_line()
    }

    /// `co_varnames`: the parameters in CPython's order (positional,
    /// keyword-only, `*args`, `**kwargs`; pyl's slots put `*args` before
    /// the keyword-only ones), then the other locals that no inner
    /// function captures (those are `co_cellvars`).
    fn varnames(&self) -> Vec<Value> {
        let code = &self.code;
        let signature = &code.signature;
        let positional = signature.positional.len();
        let kwonly_start = positional + signature.has_varargs as usize;
        let parameter_count = signature.slot_count();
        let names = &code.local_names;
        let mut ordered: Vec<&Name> = names[..positional].iter().collect();
        ordered.extend(&names[kwonly_start..kwonly_start + signature.kwonly.len()]);
        if signature.has_varargs {
            ordered.push(&names[positional]);
        }
        if signature.has_varkw {
            ordered.push(&names[parameter_count - 1]);
        }
        ordered.extend(
            names[parameter_count..]
                .iter()
                .filter(|name| !code.cell_names.contains(name)),
        );
        ordered
            .into_iter()
            .map(|name| Value::str(&**name))
            .collect()
    }
}

impl NativeObject for CodeObject {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("code")
    }

    fn get_attribute(&self, interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        let code = &self.code;
        Some(Ok(match name {
            "co_name" => Value::str(&*code.name),
            "co_qualname" => Value::str(&*code.qualname),
            "co_filename" => Value::str(code.source.name.as_str()),
            "co_firstlineno" => Value::from(self.first_line()),
            "co_argcount" => Value::from(code.signature.positional.len()),
            "co_posonlyargcount" => Value::from(code.signature.posonly_count),
            "co_kwonlyargcount" => Value::from(code.signature.kwonly.len()),
            "co_varnames" => Value::tuple(self.varnames()),
            "co_nlocals" => Value::from(self.varnames().len()),
            "co_cellvars" => {
                Value::tuple(code.cell_names.iter().map(|n| Value::str(&**n)).collect())
            }
            "co_freevars" => {
                Value::tuple(code.free_names.iter().map(|n| Value::str(&**n)).collect())
            }
            name if name.starts_with("co_") || name == "replace" => {
                return Some(Err(interp.error(
                    ExcType::NotImplementedError,
                    format!(
                        "code.{name} is not supported by pyl (its code is not CPython's bytecode)"
                    ),
                )))
            }
            _ => return None,
        }))
    }

    fn repr(&self, _: &mut Interp) -> Option<PyResult<String>> {
        Some(Ok(format!(
            "<code object {} at {:#x}, file \"{}\", line {}>",
            self.code.name,
            Rc::as_ptr(&self.code) as usize,
            self.code.source.name,
            self.first_line()
        )))
    }
}

//! `_sre`'s objects written in Rust, as CPython's are in C: the compiled
//! code (`Program`), `re.Match`, the scanner behind `finditer`, and the
//! loops of `findall`, `split` and `sub` — a match costs no Python frame.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::engine::{self, Failure, Found, Mode};
use crate::runtime::builtins::add_method;
use crate::runtime::builtins::args::{check_method, keyword};
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::{Class, NativeFn, NativeObject};
use crate::runtime::value::{PyStr, Value};
use crate::syntax::ast::Name;

/// A compiled pattern's code and what its matches need of the pattern.
pub struct Program {
    code: Box<[u32]>,
    groups: usize,
    /// `{name: index}` and `(None, name or None, …)`, as `_sre.compile`
    /// receives them.
    groupindex: Value,
    indexgroup: Value,
    is_bytes: bool,
    /// The characters of the last non-ASCII text searched: `sub` and
    /// `split` of a long text search it again and again.
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
    pub fn new(
        code: Box<[u32]>,
        groups: usize,
        groupindex: Value,
        indexgroup: Value,
        is_bytes: bool,
    ) -> Program {
        Program {
            code,
            groups,
            groupindex,
            indexgroup,
            is_bytes,
            last_text: RefCell::new(None),
        }
    }

    /// The text a string is matched as, after CPython's type checks.
    fn subject(&self, interp: &Interp, string: &Value) -> PyResult<Subject> {
        let wrong_kind = |pattern: &str, subject: &str| {
            Err(interp.type_error(format!(
                "cannot use a {pattern} pattern on a {subject}-like object"
            )))
        };
        match string.builtin_value().clone() {
            Value::Str(_) if self.is_bytes => wrong_kind("bytes", "string"),
            Value::Bytes(_) | Value::ByteArray(_) if !self.is_bytes => {
                wrong_kind("string", "bytes")
            }
            Value::Str(text) if text.is_ascii() => Ok(Subject::Ascii(text)),
            Value::Str(text) => Ok(Subject::Chars(self.chars(&text))),
            Value::Bytes(bytes) => Ok(Subject::Bytes(bytes)),
            Value::ByteArray(bytes) => Ok(Subject::Bytes(Rc::new(bytes.borrow().clone()))),
            _ => Err(interp.type_error(format!(
                "expected string or bytes-like object, got '{}'",
                interp.type_name(string)
            ))),
        }
    }

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

    /// Runs the code; a first Ctrl-C inside `asyncio.run` cancels the
    /// main task and the program goes on, so the search starts over.
    fn run(
        &self,
        interp: &mut Interp,
        subject: &Subject,
        pos: usize,
        endpos: usize,
        mode: Mode,
        must_advance: bool,
    ) -> PyResult<Option<Found>> {
        loop {
            let outcome = match subject {
                Subject::Ascii(text) => engine::run(
                    &self.code,
                    text.as_str().as_bytes(),
                    pos,
                    endpos,
                    self.groups,
                    mode,
                    must_advance,
                ),
                Subject::Chars(chars) => engine::run(
                    &self.code,
                    chars,
                    pos,
                    endpos,
                    self.groups,
                    mode,
                    must_advance,
                ),
                Subject::Bytes(bytes) => engine::run(
                    &self.code,
                    bytes,
                    pos,
                    endpos,
                    self.groups,
                    mode,
                    must_advance,
                ),
            };
            match outcome {
                Ok(found) => return Ok(found),
                Err(Failure::BadCode) => {
                    return Err(interp.error(ExcType::RuntimeError, "invalid SRE code"));
                }
                Err(Failure::Interrupted) => {
                    if crate::runtime::interrupt::take() {
                        if let Some(error) = interp.keyboard_interrupt() {
                            return Err(error);
                        }
                    }
                }
            }
        }
    }
}

/// What a pattern runs over and groups are sliced from: exact `str` or
/// `bytes`, as CPython's slices are, whatever the subject's type.
#[derive(Clone)]
enum Subject {
    Ascii(Rc<PyStr>),
    Chars(Rc<[char]>),
    Bytes(Rc<Vec<u8>>),
}

impl Subject {
    fn len(&self) -> usize {
        match self {
            Subject::Ascii(text) => text.as_str().len(),
            Subject::Chars(chars) => chars.len(),
            Subject::Bytes(bytes) => bytes.len(),
        }
    }

    fn slice(&self, start: usize, end: usize) -> Value {
        match self {
            Subject::Ascii(text) => Value::str(&text.as_str()[start..end]),
            Subject::Chars(chars) => Value::str(chars[start..end].iter().collect::<String>()),
            Subject::Bytes(bytes) => Value::bytes(&bytes[start..end]),
        }
    }

    fn empty(&self) -> Value {
        self.slice(0, 0)
    }
}

/// `pos`/`endpos` as CPython's `state_init` clamps them to the text.
fn clamp(interp: &mut Interp, index: &Value, length: usize) -> PyResult<usize> {
    if let Value::BigInt(_) = index {
        // Taken as a C `Py_ssize_t`, as sre.c's arguments are.
        let message = "Python int too large to convert to C ssize_t";
        return Err(interp.error(ExcType::OverflowError, message));
    }
    let index = interp.to_index(index)?;
    Ok(usize::try_from(index).map_or(0, |index| index.min(length)))
}

fn program_of(interp: &Interp, value: &Value) -> PyResult<Rc<Program>> {
    if let Value::Native(native) = value {
        let object: Rc<dyn NativeObject> = Rc::clone(native);
        let any: Rc<dyn std::any::Any> = object;
        if let Ok(program) = any.downcast::<Program>() {
            return Ok(program);
        }
    }
    Err(interp.type_error("a compiled pattern's program is needed"))
}

/// What a search was given, which its matches share: the pattern, the
/// string as given and as matched, the bounds.
struct Search {
    pattern: Value,
    program: Rc<Program>,
    string: Value,
    subject: Subject,
    pos: usize,
    endpos: usize,
}

impl Search {
    /// A search of all of `string` by the pattern whose program is
    /// `program`, after CPython's type checks.
    fn new(
        interp: &mut Interp,
        program: &Value,
        pattern: &Value,
        string: &Value,
    ) -> PyResult<Search> {
        let program = program_of(interp, program)?;
        let subject = program.subject(interp, string)?;
        Ok(Search {
            pattern: pattern.clone(),
            program,
            string: string.clone(),
            pos: 0,
            endpos: subject.len(),
            subject,
        })
    }

    /// The search between `pos` and `endpos`, clamped to the text as
    /// CPython's `state_init` clamps them.
    fn within(mut self, interp: &mut Interp, pos: &Value, endpos: &Value) -> PyResult<Search> {
        self.pos = clamp(interp, pos, self.subject.len())?;
        self.endpos = clamp(interp, endpos, self.subject.len())?;
        Ok(self)
    }
}

/// `re.Match`.
pub struct MatchObject {
    search: Rc<Search>,
    spans: Box<[Option<(usize, usize)>]>,
    lastindex: Option<usize>,
}

impl NativeObject for MatchObject {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("re.Match")
    }

    fn repr(&self, interp: &mut Interp) -> Option<PyResult<String>> {
        Some(self.repr_text(interp))
    }
}

/// The data of a match, each the getter of a read-only property.
fn match_string(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    Ok(receiver(interp, args, "string")?.search.string.clone())
}

fn match_re(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    Ok(receiver(interp, args, "re")?.search.pattern.clone())
}

fn match_pos(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    Ok(Value::from(receiver(interp, args, "pos")?.search.pos))
}

fn match_endpos(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    Ok(Value::from(receiver(interp, args, "endpos")?.search.endpos))
}

fn match_regs(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let found = receiver(interp, args, "regs")?;
    Ok(Value::tuple(
        found.spans.iter().map(|span| span_value(*span)).collect(),
    ))
}

fn match_lastindex(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    Ok(receiver(interp, args, "lastindex")?
        .lastindex
        .map_or(Value::None, Value::from))
}

fn match_lastgroup(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let found = receiver(interp, args, "lastgroup")?;
    let Some(index) = found.lastindex else {
        return Ok(Value::None);
    };
    let indexgroup = found.search.program.indexgroup.clone();
    Ok(interp
        .get_item(&indexgroup, &Value::from(index))
        .unwrap_or(Value::None))
}

fn scanner_pattern(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    match args.first() {
        Some(Value::Native(native)) if let Some(scanner) = native.downcast_ref::<Scanner>() => {
            Ok(scanner.search.pattern.clone())
        }
        _ => Err(crate::runtime::builtins::sequences::receiver_error(
            interp,
            "_sre.SRE_Scanner",
            "pattern",
            args,
        )),
    }
}

/// Puts read-only properties with these getters in `class`.
fn add_properties(class: &Rc<Class>, getters: &[(&'static str, NativeFn)]) {
    for &(name, getter) in getters {
        let property = crate::runtime::attributes::Property {
            getter: crate::runtime::builtins::function(name, getter),
            setter: Value::None,
            deleter: Value::None,
            doc: Value::None,
            name: RefCell::new(Some(name.into())),
        };
        (class.namespace.borrow_mut()).insert(name.into(), Value::native(Rc::new(property)));
    }
}

fn span_value(span: Option<(usize, usize)>) -> Value {
    let (start, end) = span.map_or((-1, -1), |(start, end)| (start as i64, end as i64));
    Value::tuple(vec![Value::from(start), Value::from(end)])
}

impl MatchObject {
    /// `<re.Match object; span=(0, 3), match='abc'>`, the match's repr
    /// cut at 50 characters (sre.c's `%.50R`).
    fn repr_text(&self, interp: &mut Interp) -> PyResult<String> {
        let (start, end) = self.spans[0].unwrap_or((0, 0));
        let text = interp.repr(&self.search.subject.slice(start, end))?;
        let text: String = text.chars().take(50).collect();
        Ok(format!(
            "<re.Match object; span=({start}, {end}), match={text}>"
        ))
    }

    /// CPython's `match_getindex`: a group's number, given its number or name.
    fn index(&self, interp: &mut Interp, group: &Value) -> PyResult<usize> {
        let index = match group {
            Value::Int(_) | Value::Bool(_) => interp.to_index(group)?,
            // Clamped to a C size by CPython: no such group either way.
            Value::BigInt(_) => -1,
            // Names are looked up only in a pattern that has some: an
            // unhashable group is then a TypeError, otherwise no group.
            _ => match &self.search.program.groupindex {
                Value::Dict(names) if !names.borrow().is_empty() => {
                    match interp.dict_get(names, group)? {
                        Some(Value::Int(index)) => index,
                        _ => -1,
                    }
                }
                _ => -1,
            },
        };
        match usize::try_from(index) {
            Ok(index) if index < self.spans.len() => Ok(index),
            _ => Err(interp.error(ExcType::IndexError, "no such group")),
        }
    }

    fn group(&self, interp: &mut Interp, group: &Value, default: &Value) -> PyResult<Value> {
        let index = self.index(interp, group)?;
        Ok(match self.spans[index] {
            Some((start, end)) => self.search.subject.slice(start, end),
            None => default.clone(),
        })
    }
}

fn receiver<'a>(interp: &Interp, args: &'a [Value], method: &str) -> PyResult<&'a MatchObject> {
    match args.first() {
        Some(Value::Native(native)) if let Some(found) = native.downcast_ref::<MatchObject>() => {
            Ok(found)
        }
        _ => Err(crate::runtime::builtins::sequences::receiver_error(
            interp, "re.Match", method, args,
        )),
    }
}

fn match_group(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_method(interp, "group", args, kwargs, 0, usize::MAX)?;
    let found = receiver(interp, args, "group")?;
    match &args[1..] {
        [] => found.group(interp, &Value::Int(0), &Value::None),
        [group] => found.group(interp, group, &Value::None),
        groups => {
            let items = groups
                .iter()
                .map(|group| found.group(interp, group, &Value::None))
                .collect::<PyResult<Vec<Value>>>()?;
            Ok(Value::tuple(items))
        }
    }
}

fn match_getitem(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_method(interp, "__getitem__", args, kwargs, 1, 1)?;
    receiver(interp, args, "__getitem__")?.group(interp, &args[1], &Value::None)
}

/// The `default` argument of `groups` and `groupdict`.
fn default_argument<'a>(
    interp: &Interp,
    method: &str,
    args: &'a [Value],
    kwargs: &'a [(Name, Value)],
) -> PyResult<&'a Value> {
    let keyword = keyword(interp, method, kwargs, &["default"], "default")?;
    match (&args[1.min(args.len())..], keyword) {
        ([], None) => Ok(&Value::None),
        ([default], None) | ([], Some(default)) => Ok(default),
        ([_], Some(_)) => Err(interp.type_error(format!(
            "argument for {method}() given by name ('default') and position (1)"
        ))),
        (given, _) => Err(interp.type_error(format!(
            "{method}() takes at most 1 argument ({} given)",
            given.len()
        ))),
    }
}

fn match_groups(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let found = receiver(interp, args, "groups")?;
    let default = default_argument(interp, "groups", args, kwargs)?;
    let items = (1..found.spans.len())
        .map(|index| match found.spans[index] {
            Some((start, end)) => found.search.subject.slice(start, end),
            None => default.clone(),
        })
        .collect();
    Ok(Value::tuple(items))
}

fn match_groupdict(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let found = receiver(interp, args, "groupdict")?;
    let default = default_argument(interp, "groupdict", args, kwargs)?;
    let result = Value::dict(Default::default());
    let names = interp.collect(&found.search.program.groupindex)?;
    for name in names {
        let value = found.group(interp, &name, default)?;
        interp.set_item(&result, name, value)?;
    }
    Ok(result)
}

/// `start`, `end` and `span`: the group's span, or a part of it.
fn match_span_part(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
    method: &str,
) -> PyResult<(i64, i64)> {
    check_method(interp, method, args, kwargs, 0, 1)?;
    let found = receiver(interp, args, method)?;
    let group = args.get(1).cloned().unwrap_or(Value::Int(0));
    let index = found.index(interp, &group)?;
    let (start, end) =
        found.spans[index].map_or((-1, -1), |(start, end)| (start as i64, end as i64));
    Ok((start, end))
}

fn match_start(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (start, _) = match_span_part(interp, args, kwargs, "start")?;
    Ok(Value::from(start))
}

fn match_end(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (_, end) = match_span_part(interp, args, kwargs, "end")?;
    Ok(Value::from(end))
}

fn match_span(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (start, end) = match_span_part(interp, args, kwargs, "span")?;
    Ok(Value::tuple(vec![Value::from(start), Value::from(end)]))
}

/// `expand(template)`: `re._expand`, as CPython's C calls it.
fn match_expand(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_method(interp, "expand", args, kwargs, 1, 1)?;
    let found = receiver(interp, args, "expand")?;
    let pattern = found.search.pattern.clone();
    let re = interp.import_module("re")?;
    let expand = interp.get_attr(&re, "_expand")?;
    interp.call(&expand, &[pattern, args[0].clone(), args[1].clone()], &[])
}

fn match_repr(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_method(interp, "__repr__", args, kwargs, 0, 0)?;
    Ok(Value::str(
        receiver(interp, args, "__repr__")?.repr_text(interp)?,
    ))
}

fn match_copy(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    check_method(interp, "__copy__", args, kwargs, 0, 0)?;
    receiver(interp, args, "__copy__")?;
    Ok(args[0].clone())
}

fn match_deepcopy(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    check_method(interp, "__deepcopy__", args, kwargs, 1, 1)?;
    receiver(interp, args, "__deepcopy__")?;
    Ok(args[0].clone())
}

/// `finditer`'s scanner (`_sre.SRE_Scanner`): matches one after another.
struct Scanner {
    search: Rc<Search>,
    /// Where the next match is looked for; `None` once none is left.
    start: Cell<Option<usize>>,
    must_advance: Cell<bool>,
}

impl NativeObject for Scanner {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("_sre.SRE_Scanner")
    }
}

impl Scanner {
    fn next(&self, interp: &mut Interp, mode: Mode) -> PyResult<Value> {
        let Some(start) = self.start.get() else {
            return Ok(Value::None);
        };
        let search = &self.search;
        let must_advance = self.must_advance.get();
        let found = (search.program).run(
            interp,
            &search.subject,
            start,
            search.endpos,
            mode,
            must_advance,
        )?;
        let Some(found) = found else {
            self.start.set(None);
            return Ok(Value::None);
        };
        let (begin, end) = found.spans[0].unwrap_or((start, start));
        self.must_advance.set(begin == end);
        self.start.set(Some(end));
        Ok(new_match(&self.search, found))
    }
}

fn scanner_method(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
    mode: Mode,
) -> PyResult<Value> {
    let name = if mode == Mode::Match {
        "match"
    } else {
        "search"
    };
    check_method(interp, name, args, kwargs, 0, 0)?;
    match args.first() {
        Some(Value::Native(native)) if let Some(scanner) = native.downcast_ref::<Scanner>() => {
            scanner.next(interp, mode)
        }
        _ => Err(crate::runtime::builtins::sequences::receiver_error(
            interp,
            "_sre.SRE_Scanner",
            name,
            args,
        )),
    }
}

fn scanner_match(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    scanner_method(interp, args, kwargs, Mode::Match)
}

fn scanner_search(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    scanner_method(interp, args, kwargs, Mode::Search)
}

fn new_match(search: &Rc<Search>, found: Found) -> Value {
    Value::native(Rc::new(MatchObject {
        search: search.clone(),
        spans: found.spans.into_boxed_slice(),
        lastindex: found.lastindex,
    }))
}

/// Defines `re.Match` and `_sre.SRE_Scanner` with their methods.
pub fn define_classes(interp: &mut Interp) {
    let object = interp.types.object.clone();
    let class = interp.define_class_in(
        "re.Match",
        "Match",
        "re",
        vec![object.clone()],
        crate::runtime::object::Layout::Builtin,
    );
    class.is_c_type.set(true);
    // A mapping, not a sequence: `__getitem__` does not make it iterable.
    (class.namespace.borrow_mut()).insert("__iter__".into(), Value::None);
    crate::runtime::generic_alias::make_generic(&class);
    let methods: [(&'static str, NativeFn); 11] = [
        ("group", match_group),
        ("__getitem__", match_getitem),
        ("groups", match_groups),
        ("groupdict", match_groupdict),
        ("start", match_start),
        ("end", match_end),
        ("span", match_span),
        ("expand", match_expand),
        ("__repr__", match_repr),
        ("__copy__", match_copy),
        ("__deepcopy__", match_deepcopy),
    ];
    for (name, function) in methods {
        add_method(&class, name, function);
    }
    add_properties(
        &class,
        &[
            ("string", match_string),
            ("re", match_re),
            ("pos", match_pos),
            ("endpos", match_endpos),
            ("regs", match_regs),
            ("lastindex", match_lastindex),
            ("lastgroup", match_lastgroup),
        ],
    );
    let scanner = interp.define_class_in(
        "_sre.SRE_Scanner",
        "SRE_Scanner",
        "_sre",
        vec![object],
        crate::runtime::object::Layout::Builtin,
    );
    scanner.is_c_type.set(true);
    add_method(&scanner, "match", scanner_match);
    add_method(&scanner, "search", scanner_search);
    add_properties(&scanner, &[("pattern", scanner_pattern)]);
}

/// `_program(code, groups, groupindex, indexgroup, is_bytes)`.
pub fn program(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let [code, groups, groupindex, indexgroup, is_bytes] = args else {
        return Err(interp.type_error("_program() takes 5 arguments"));
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
    let is_bytes = interp.truthy(is_bytes)?;
    Ok(Value::native(Rc::new(Program::new(
        code,
        groups,
        groupindex.clone(),
        indexgroup.clone(),
        is_bytes,
    ))))
}

/// `_match(program, pattern, string, pos, endpos, mode)`: `Pattern.match`
/// (mode 0), `fullmatch` (1) and `search` (2): a `re.Match` or `None`.
pub fn match_(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let [program, pattern, string, pos, endpos, mode] = args else {
        return Err(interp.type_error("_match() takes 6 arguments"));
    };
    let search = Search::new(interp, program, pattern, string)?.within(interp, pos, endpos)?;
    let mode = match interp.to_index(mode)? {
        0 => Mode::Match,
        1 => Mode::FullMatch,
        _ => Mode::Search,
    };
    let found = (search.program).run(
        interp,
        &search.subject,
        search.pos,
        search.endpos,
        mode,
        false,
    )?;
    Ok(match found {
        Some(found) => new_match(&Rc::new(search), found),
        None => Value::None,
    })
}

/// `_scanner(program, pattern, string, pos, endpos)`: `Pattern.scanner`.
pub fn scanner(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let [program, pattern, string, pos, endpos] = args else {
        return Err(interp.type_error("_scanner() takes 5 arguments"));
    };
    let search = Search::new(interp, program, pattern, string)?.within(interp, pos, endpos)?;
    Ok(Value::native(Rc::new(Scanner {
        start: Cell::new(Some(search.pos)),
        search: Rc::new(search),
        must_advance: Cell::new(false),
    })))
}

/// The matches from `start` on, each starting where the last ended — not
/// empty right after the last (CPython 3.7's rule) — as `findall`,
/// `split` and `sub` walk them; `visit` sees each, and says whether to go on.
fn each_match(
    interp: &mut Interp,
    program: &Program,
    subject: &Subject,
    mut start: usize,
    endpos: usize,
    mut visit: impl FnMut(&mut Interp, Found) -> PyResult<bool>,
) -> PyResult<()> {
    let mut must_advance = false;
    while start <= endpos {
        let Some(found) =
            program.run(interp, subject, start, endpos, Mode::Search, must_advance)?
        else {
            break;
        };
        let (begin, end) = found.spans[0].unwrap_or((start, start));
        if !visit(interp, found)? {
            break;
        }
        must_advance = begin == end;
        start = end;
    }
    Ok(())
}

/// `_findall(program, string, pos, endpos)`.
pub fn findall(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let [program, string, pos, endpos] = args else {
        return Err(interp.type_error("_findall() takes 4 arguments"));
    };
    let search = Search::new(interp, program, &Value::None, string)?.within(interp, pos, endpos)?;
    let Search {
        program,
        subject,
        pos,
        endpos,
        ..
    } = search;
    let mut items = Vec::new();
    let group_or_empty = |span: Option<(usize, usize)>| match span {
        Some((start, end)) => subject.slice(start, end),
        None => subject.empty(),
    };
    each_match(interp, &program, &subject, pos, endpos, |_, found| {
        items.push(match found.spans.len() {
            1 => group_or_empty(found.spans[0]),
            2 => group_or_empty(found.spans[1]),
            _ => Value::tuple(
                found.spans[1..]
                    .iter()
                    .map(|span| group_or_empty(*span))
                    .collect(),
            ),
        });
        Ok(true)
    })?;
    Ok(Value::list(items))
}

/// `_split(program, string, maxsplit)`.
pub fn split(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let [program, string, maxsplit] = args else {
        return Err(interp.type_error("_split() takes 3 arguments"));
    };
    let Search {
        program, subject, ..
    } = Search::new(interp, program, &Value::None, string)?;
    let maxsplit = interp.to_index(maxsplit)?;
    let mut pieces = Vec::new();
    let mut last = 0;
    let mut splits = 0;
    if maxsplit >= 0 {
        each_match(interp, &program, &subject, 0, subject.len(), |_, found| {
            let (begin, end) = found.spans[0].unwrap_or((last, last));
            pieces.push(subject.slice(last, begin));
            for span in &found.spans[1..] {
                pieces.push(span.map_or(Value::None, |(start, end)| subject.slice(start, end)));
            }
            last = end;
            splits += 1;
            Ok(maxsplit == 0 || splits < maxsplit)
        })?;
    }
    pieces.push(subject.slice(last, subject.len()));
    Ok(Value::list(pieces))
}

/// `_sub(program, pattern, template, is_callable, string, count)`: the
/// pieces of `sub`'s result (the caller joins them) and the number of
/// substitutions. `template` is the replacement text, or with
/// `is_callable` the function given each match.
pub fn sub(interp: &mut Interp, args: &[Value], _: &[(Name, Value)]) -> PyResult<Value> {
    let [program, pattern, template, is_callable, string, count] = args else {
        return Err(interp.type_error("_sub() takes 6 arguments"));
    };
    let search = Rc::new(Search::new(interp, program, pattern, string)?);
    let subject = &search.subject;
    let count = interp.to_index(count)?;
    let is_callable = interp.truthy(is_callable)?;
    let literal = !is_callable && interp.truthy(template)?;
    let length = subject.len();
    let mut pieces = Vec::new();
    let mut last = 0;
    let mut substitutions: i64 = 0;
    if count >= 0 {
        each_match(
            interp,
            &search.program,
            subject,
            0,
            length,
            |interp, found| {
                let (begin, end) = found.spans[0].unwrap_or((last, last));
                if last < begin {
                    pieces.push(subject.slice(last, begin));
                }
                if is_callable {
                    let found = new_match(&search, found);
                    let item = interp.call(template, &[found], &[])?;
                    if !item.is_none() {
                        pieces.push(item);
                    }
                } else if literal {
                    pieces.push(template.clone());
                }
                last = end;
                substitutions += 1;
                Ok(count == 0 || substitutions < count)
            },
        )?;
    }
    if last < length {
        pieces.push(subject.slice(last, length));
    }
    Ok(Value::tuple(vec![
        Value::list(pieces),
        Value::from(substitutions),
    ]))
}

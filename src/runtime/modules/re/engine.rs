//! The matching engine of `_sre`: it runs the code that CPython's own
//! `re._compiler` (bundled, `compiler.pyl`) makes of a pattern, with
//! the semantics of CPython's `sre_lib.h`, opcode for opcode — which
//! alternative wins, what an empty iteration does, which groups a failed
//! branch leaves set — so that a program sees CPython's matches.
//!
//! Backtracking is a search through nested attempts: an alternative, one
//! more iteration, the rest of the pattern after so many repetitions.
//! Each attempt is a [`Context`] on an explicit stack, never a Rust
//! call, so that `(ab)*` over a megabyte nests a million attempts on the
//! heap, not the machine stack. A context calls another by returning
//! [`Next::Enter`] with the label to come back to ([`Resume`]); the
//! callee's answer returns to the caller's [`Engine::resume`].
//!
//! Subjects are sequences of code points: the bytes of a `bytes` or an
//! ASCII `str` as they are, any other `str` as its `char`s — so a
//! position is an index, as CPython counts it.

use crate::runtime::builtins::str::{decimal_value, is_alnum, is_line_break, is_space};

/// The largest repeat count; as a maximum, "no maximum".
pub const MAXREPEAT: u32 = u32::MAX;

/// CPython's `_sre.MAXGROUPS` on a 64-bit machine.
pub const MAXGROUPS: u32 = 1_073_741_823;

/// `_sre.MAGIC`: the version of the code the compiler makes.
pub const MAGIC: u32 = 20_220_615;

/// The opcodes, numbered as `re._constants.OPCODES`.
mod op {
    pub const FAILURE: u32 = 0;
    pub const SUCCESS: u32 = 1;
    pub const ANY: u32 = 2;
    pub const ANY_ALL: u32 = 3;
    pub const ASSERT: u32 = 4;
    pub const ASSERT_NOT: u32 = 5;
    pub const AT: u32 = 6;
    pub const BRANCH: u32 = 7;
    pub const CATEGORY: u32 = 8;
    pub const CHARSET: u32 = 9;
    pub const BIGCHARSET: u32 = 10;
    pub const GROUPREF: u32 = 11;
    pub const GROUPREF_EXISTS: u32 = 12;
    pub const IN: u32 = 13;
    pub const INFO: u32 = 14;
    pub const JUMP: u32 = 15;
    pub const LITERAL: u32 = 16;
    pub const MARK: u32 = 17;
    pub const MAX_UNTIL: u32 = 18;
    pub const MIN_UNTIL: u32 = 19;
    pub const NOT_LITERAL: u32 = 20;
    pub const NEGATE: u32 = 21;
    pub const RANGE: u32 = 22;
    pub const REPEAT: u32 = 23;
    pub const REPEAT_ONE: u32 = 24;
    pub const MIN_REPEAT_ONE: u32 = 26;
    pub const ATOMIC_GROUP: u32 = 27;
    pub const POSSESSIVE_REPEAT: u32 = 28;
    pub const POSSESSIVE_REPEAT_ONE: u32 = 29;
    pub const GROUPREF_IGNORE: u32 = 30;
    pub const IN_IGNORE: u32 = 31;
    pub const LITERAL_IGNORE: u32 = 32;
    pub const NOT_LITERAL_IGNORE: u32 = 33;
    pub const GROUPREF_LOC_IGNORE: u32 = 34;
    pub const IN_LOC_IGNORE: u32 = 35;
    pub const LITERAL_LOC_IGNORE: u32 = 36;
    pub const NOT_LITERAL_LOC_IGNORE: u32 = 37;
    pub const GROUPREF_UNI_IGNORE: u32 = 38;
    pub const IN_UNI_IGNORE: u32 = 39;
    pub const LITERAL_UNI_IGNORE: u32 = 40;
    pub const NOT_LITERAL_UNI_IGNORE: u32 = 41;
    pub const RANGE_UNI_IGNORE: u32 = 42;
}

/// A code unit of a subject: a byte or a character.
pub trait Unit: Copy {
    fn code(self) -> u32;
}

impl Unit for u8 {
    fn code(self) -> u32 {
        u32::from(self)
    }
}

impl Unit for char {
    fn code(self) -> u32 {
        u32::from(self)
    }
}

/// What the pattern must do at the starting position.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Match there (`Pattern.match`).
    Match,
    /// Match there, up to the end (`Pattern.fullmatch`).
    FullMatch,
    /// Match there or at any later position (`Pattern.search`).
    Search,
}

/// Why a match stopped without an answer.
#[derive(Debug)]
pub enum Failure {
    /// Ctrl-C is pending.
    Interrupted,
    /// The code is not what the compiler makes (CPython's "invalid SRE
    /// code").
    BadCode,
}

/// A successful match: the span of the whole match and of each group
/// (`None` for a group that did not take part), and the last group
/// closed (`Match.lastindex`).
pub struct Found {
    pub spans: Vec<Option<(usize, usize)>>,
    pub lastindex: Option<usize>,
}

/// Runs `code` over `text[..endpos]` from `pos`, as CPython's
/// `pattern_match`/`pattern_fullmatch`/`pattern_search` do (after they
/// clamp `pos` and `endpos` to the text). `must_advance` rejects an
/// empty match at `pos` (the iteration of `finditer`, `sub`, `split`
/// after an empty match). `groups` is the pattern's number of groups.
pub fn run<T: Unit>(
    code: &[u32],
    text: &[T],
    pos: usize,
    endpos: usize,
    groups: usize,
    mode: Mode,
    must_advance: bool,
) -> Result<Option<Found>, Failure> {
    let mut engine = Engine {
        code,
        text,
        end: endpos,
        start: pos,
        ptr: pos,
        marks: Vec::new(),
        lastmark: -1,
        lastindex: -1,
        repeat: None,
        repeats: Vec::new(),
        saved: Vec::new(),
        contexts: Vec::new(),
        groups,
        match_all: mode == Mode::FullMatch,
        must_advance,
        steps: 0,
    };
    let found = match mode {
        Mode::Match | Mode::FullMatch => engine.run_match(0, true)?,
        Mode::Search => engine.search()?,
    };
    if !found {
        return Ok(None);
    }
    let mut spans = Vec::with_capacity(groups + 1);
    spans.push(Some((engine.start, engine.ptr)));
    for group in 0..groups {
        let j = 2 * group;
        let span = if (j as isize) < engine.lastmark {
            match (engine.marks[j], engine.marks[j + 1]) {
                (Some(start), Some(end)) if start <= end => Some((start, end)),
                _ => None,
            }
        } else {
            None
        };
        spans.push(span);
    }
    let lastindex = usize::try_from(engine.lastindex).ok();
    Ok(Some(Found { spans, lastindex }))
}

/// Where a context goes on after an attempt it started returns: the
/// labels of `sre_lib.h`'s `DO_JUMP`s.
#[derive(Clone, Copy)]
enum Resume {
    /// The outermost attempt: its answer is the match's.
    Done,
    MaxUntilMin,
    MaxUntilMore,
    MaxUntilTail,
    MinUntilMin,
    MinUntilTail,
    MinUntilMore,
    Repeat,
    RepeatOneLiteral,
    RepeatOne,
    MinRepeatOne,
    Branch,
    Assert,
    AssertNot,
    PossessiveMin,
    PossessiveMore,
    Atomic,
}

/// One attempt in progress: `sre_lib.h`'s match context.
struct Context {
    /// The code position (after the opcode being run).
    pc: usize,
    /// The subject position.
    ptr: usize,
    /// Repetitions so far (the repeat opcodes).
    count: isize,
    /// The literal after a repeat (`REPEAT_ONE`), or the repeat being
    /// iterated (`MAX_UNTIL`/`MIN_UNTIL`: an index in `Engine::repeats`).
    chr: u32,
    repeat: usize,
    /// The marks' extent saved before an attempt that may fail.
    lastmark: isize,
    lastindex: isize,
    /// Whether the marks were saved (`MARK_PUSH` runs only inside a
    /// repeat); restoring checks this, not the repeat at that time.
    marks_saved: bool,
    /// Whether `SUCCESS` here ends the whole match (`fullmatch`'s and
    /// `must_advance`'s checks apply).
    toplevel: bool,
    resume: Resume,
}

/// A context's failure.
const FAIL: Result<Next, Failure> = Ok(Next::Return(false));

/// What the engine does next.
enum Next {
    /// Runs the code at `pc` in a new context, then returns to the
    /// current one at `resume`.
    Enter {
        pc: usize,
        toplevel: bool,
        resume: Resume,
    },
    /// Goes on running the current context's code.
    Dispatch,
    /// Ends the current context with this answer.
    Return(bool),
}

/// An iteration in progress of `REPEAT … MAX_UNTIL/MIN_UNTIL`.
struct Repeat {
    count: isize,
    /// The `REPEAT`'s operand position: `[skip, min, max, item…]`.
    pc: usize,
    prev: Option<usize>,
    /// Where the last optional iteration started: one that ends where it
    /// started matched empty, and the loop stops.
    last_ptr: Option<usize>,
}

struct Engine<'a, T> {
    code: &'a [u32],
    text: &'a [T],
    end: usize,
    /// Where the current match attempt started.
    start: usize,
    /// The subject position handed between contexts.
    ptr: usize,
    /// Group boundaries: mark `2g` opens group `g + 1`, `2g + 1` closes it.
    marks: Vec<Option<usize>>,
    /// The highest valid mark (`-1`: none).
    lastmark: isize,
    lastindex: isize,
    /// The innermost repeat being iterated.
    repeat: Option<usize>,
    repeats: Vec<Repeat>,
    /// Saved marks and `last_ptr`s (`sre_lib.h`'s data stack).
    saved: Vec<Option<usize>>,
    contexts: Vec<Context>,
    /// The pattern's groups: its marks are `0..2 * groups`.
    groups: usize,
    match_all: bool,
    must_advance: bool,
    /// Opcodes run, to look for Ctrl-C now and then.
    steps: u32,
}

impl<T: Unit> Engine<'_, T> {
    fn at_char(&self, index: usize) -> u32 {
        self.text[index].code()
    }

    /// `SRE(search)`: the match at the first position where there is one.
    fn search(&mut self) -> Result<bool, Failure> {
        let mut ptr = self.start;
        let mut end = self.end;
        if ptr > end {
            return Ok(false);
        }
        let mut pc = 0;
        if self.code.first() == Some(&op::INFO) {
            let min = self.word(3)? as usize;
            if min > 0 && end - ptr < min {
                return Ok(false);
            }
            if min > 1 {
                // No match starts where fewer than `min` characters are left.
                end = (end - (min - 1)).max(ptr);
            }
            pc = 1 + self.skip(1)?;
            let flags = self.word(2)?;
            if flags & info::PREFIX != 0 {
                return self.search_prefix(ptr, pc, flags & info::LITERAL != 0);
            }
            if flags & info::CHARSET != 0 {
                return self.search_charset(ptr, pc);
            }
        }
        self.start = ptr;
        self.ptr = ptr;
        let mut found = self.run_match(pc, true)?;
        self.must_advance = false;
        let anchored = self.code.get(pc) == Some(&op::AT)
            && matches!(
                self.code.get(pc + 1),
                Some(&(at::BEGINNING | at::BEGINNING_STRING))
            );
        if !found && anchored {
            return Ok(false);
        }
        while !found && ptr < end {
            ptr += 1;
            self.lastmark = -1;
            self.lastindex = -1;
            self.start = ptr;
            self.ptr = ptr;
            found = self.run_match(pc, false)?;
        }
        Ok(found)
    }

    /// `search` of a pattern that starts with known characters (the
    /// `INFO` block's prefix): a match is tried only where they stand.
    fn search_prefix(&mut self, mut ptr: usize, pc: usize, literal: bool) -> Result<bool, Failure> {
        let length = self.word(5)? as usize;
        let skip = self.word(6)? as usize;
        let prefix = self.code.get(7..7 + length).ok_or(Failure::BadCode)?;
        self.must_advance = false;
        let Some((&first, rest)) = prefix.split_first() else {
            return Err(Failure::BadCode);
        };
        while ptr + length <= self.end {
            if self.at_char(ptr) != first {
                ptr += 1;
                continue;
            }
            let stands = (0..rest.len()).all(|i| self.at_char(ptr + 1 + i) == rest[i]);
            if stands {
                self.start = ptr;
                self.ptr = ptr + skip;
                // The whole pattern is the prefix.
                if literal {
                    return Ok(true);
                }
                if self.run_match(pc + 2 * skip, false)? {
                    return Ok(true);
                }
                self.lastmark = -1;
                self.lastindex = -1;
            }
            ptr += 1;
        }
        Ok(false)
    }

    /// `search` of a pattern whose first character is one of a set (the
    /// `INFO` block's charset): a match is tried only where one stands.
    fn search_charset(&mut self, mut ptr: usize, pc: usize) -> Result<bool, Failure> {
        self.must_advance = false;
        loop {
            while ptr < self.end && !self.charset(5, self.at_char(ptr))? {
                ptr += 1;
            }
            if ptr >= self.end {
                return Ok(false);
            }
            self.start = ptr;
            self.ptr = ptr;
            if self.run_match(pc, false)? {
                return Ok(true);
            }
            ptr += 1;
            self.lastmark = -1;
            self.lastindex = -1;
        }
    }

    /// `SRE(match)`: whether the code at `pc` matches at `self.ptr`;
    /// on success `self.ptr` is where the match ends.
    fn run_match(&mut self, pc: usize, toplevel: bool) -> Result<bool, Failure> {
        // The contexts' room, kept from one starting position to the next.
        let mut stack = std::mem::take(&mut self.contexts);
        stack.clear();
        let answer = self.run_contexts(&mut stack, pc, toplevel);
        self.contexts = stack;
        answer
    }

    fn run_contexts(
        &mut self,
        stack: &mut Vec<Context>,
        pc: usize,
        toplevel: bool,
    ) -> Result<bool, Failure> {
        let mut next = Next::Enter {
            pc,
            toplevel,
            resume: Resume::Done,
        };
        loop {
            next = match next {
                Next::Enter {
                    pc,
                    toplevel,
                    resume,
                } => {
                    stack.push(Context {
                        pc,
                        ptr: self.ptr,
                        count: 0,
                        chr: 0,
                        repeat: 0,
                        lastmark: -1,
                        lastindex: -1,
                        marks_saved: false,
                        toplevel,
                        resume,
                    });
                    let context = stack.last_mut().expect("just pushed");
                    self.enter(context)?
                }
                Next::Dispatch => {
                    let context = stack.last_mut().expect("a context runs");
                    self.dispatch(context)?
                }
                Next::Return(answer) => {
                    let finished = stack.pop().expect("a context returns");
                    match stack.last_mut() {
                        None => return Ok(answer),
                        Some(context) => self.resume(context, finished.resume, answer)?,
                    }
                }
            };
        }
    }

    /// A context's start: the `INFO` block's minimum length, then its code.
    fn enter(&mut self, context: &mut Context) -> Result<Next, Failure> {
        if self.code.get(context.pc) == Some(&op::INFO) {
            let min = self.word(context.pc + 3)? as usize;
            // Unsigned, as C compares it: a position past the end passes.
            if min > 0 && self.end.wrapping_sub(context.ptr) < min {
                return Ok(Next::Return(false));
            }
            context.pc += self.word(context.pc + 1)? as usize + 1;
        }
        self.dispatch(context)
    }

    fn word(&self, index: usize) -> Result<u32, Failure> {
        self.code.get(index).copied().ok_or(Failure::BadCode)
    }

    /// A skip (an offset forward in the code): never 0, which would run
    /// the same code again without end.
    fn skip(&self, index: usize) -> Result<usize, Failure> {
        match self.word(index)? {
            0 => Err(Failure::BadCode),
            skip => Ok(skip as usize),
        }
    }

    /// Runs opcodes until the context calls another or returns.
    fn dispatch(&mut self, ctx: &mut Context) -> Result<Next, Failure> {
        loop {
            self.steps = self.steps.wrapping_add(1);
            if self.steps & 0xfff == 0 && crate::runtime::interrupt::pending() {
                return Err(Failure::Interrupted);
            }
            let opcode = self.word(ctx.pc)?;
            ctx.pc += 1;
            let pc = ctx.pc;
            let ptr = ctx.ptr;
            match opcode {
                op::MARK => {
                    let mark = self.word(pc)? as usize;
                    if mark >= 2 * self.groups {
                        return Err(Failure::BadCode);
                    }
                    if mark & 1 == 1 {
                        self.lastindex = (mark / 2 + 1) as isize;
                    }
                    if self.marks.len() <= mark {
                        self.marks.resize(mark + 1, None);
                    }
                    if mark as isize > self.lastmark {
                        // Marks skipped over were not reached.
                        let first = (self.lastmark + 1) as usize;
                        self.marks[first..mark].fill(None);
                        self.lastmark = mark as isize;
                    }
                    self.marks[mark] = Some(ptr);
                    ctx.pc += 1;
                }
                op::SUCCESS => {
                    if ctx.toplevel
                        && ((self.match_all && ptr != self.end)
                            || (self.must_advance && ptr == self.start))
                    {
                        return FAIL;
                    }
                    self.ptr = ptr;
                    return Ok(Next::Return(true));
                }
                op::AT => {
                    if !self.at(ptr, self.word(pc)?)? {
                        return FAIL;
                    }
                    ctx.pc += 1;
                }
                op::LITERAL
                | op::NOT_LITERAL
                | op::LITERAL_IGNORE
                | op::NOT_LITERAL_IGNORE
                | op::LITERAL_UNI_IGNORE
                | op::NOT_LITERAL_UNI_IGNORE
                | op::LITERAL_LOC_IGNORE
                | op::NOT_LITERAL_LOC_IGNORE
                | op::CATEGORY
                | op::ANY
                | op::ANY_ALL
                | op::IN
                | op::IN_IGNORE
                | op::IN_UNI_IGNORE
                | op::IN_LOC_IGNORE => {
                    if ptr >= self.end || !self.one(pc - 1, self.at_char(ptr))? {
                        return FAIL;
                    }
                    ctx.pc = self.after_one(pc - 1)?;
                    ctx.ptr += 1;
                }
                op::JUMP | op::INFO => ctx.pc += self.skip(pc)?,
                op::BRANCH => {
                    self.save_lastmark(ctx);
                    return self.branch(ctx);
                }
                op::REPEAT_ONE => return self.repeat_one(ctx),
                op::MIN_REPEAT_ONE => return self.min_repeat_one(ctx),
                op::POSSESSIVE_REPEAT_ONE => {
                    let min = self.word(pc + 1)? as usize;
                    if ptr + min > self.end {
                        return FAIL;
                    }
                    self.ptr = ptr;
                    let count = self.count(pc + 3, self.word(pc + 2)?)?;
                    if count < min {
                        return FAIL;
                    }
                    ctx.ptr += count;
                    ctx.pc += self.skip(pc)?;
                    if self.word(ctx.pc)? == op::SUCCESS
                        && ctx.ptr == self.end
                        && !(ctx.toplevel && self.must_advance && ctx.ptr == self.start)
                    {
                        self.ptr = ctx.ptr;
                        return Ok(Next::Return(true));
                    }
                }
                op::REPEAT => {
                    self.repeats.push(Repeat {
                        count: -1,
                        pc,
                        prev: self.repeat,
                        last_ptr: None,
                    });
                    ctx.repeat = self.repeats.len() - 1;
                    self.repeat = Some(ctx.repeat);
                    self.ptr = ptr;
                    return self.call(ctx, pc + self.skip(pc)?, Resume::Repeat);
                }
                op::MAX_UNTIL => return self.max_until(ctx),
                op::MIN_UNTIL => return self.min_until(ctx),
                op::POSSESSIVE_REPEAT => {
                    self.ptr = ptr;
                    ctx.count = 0;
                    return self.possessive_repeat(ctx);
                }
                op::ATOMIC_GROUP => {
                    self.ptr = ptr;
                    return self.nested(pc + 1, Resume::Atomic);
                }
                op::GROUPREF
                | op::GROUPREF_IGNORE
                | op::GROUPREF_UNI_IGNORE
                | op::GROUPREF_LOC_IGNORE => {
                    let Some((mut from, to)) = self.group_span(self.word(pc)?) else {
                        return FAIL;
                    };
                    let mut at = ptr;
                    while from < to {
                        if at >= self.end {
                            return FAIL;
                        }
                        let (a, b) = (self.at_char(at), self.at_char(from));
                        let same = match opcode {
                            op::GROUPREF => a == b,
                            op::GROUPREF_IGNORE | op::GROUPREF_LOC_IGNORE => {
                                lower_ascii(a) == lower_ascii(b)
                            }
                            _ => lower_unicode(a) == lower_unicode(b),
                        };
                        if !same {
                            return FAIL;
                        }
                        from += 1;
                        at += 1;
                    }
                    ctx.ptr = at;
                    ctx.pc += 1;
                }
                op::GROUPREF_EXISTS => {
                    if self.group_span(self.word(pc)?).is_some() {
                        ctx.pc += 2;
                    } else {
                        ctx.pc += self.word(pc + 1)? as usize;
                    }
                }
                op::ASSERT => {
                    let back = self.word(pc + 1)? as usize;
                    if ptr < back {
                        return FAIL;
                    }
                    self.ptr = ptr - back;
                    return self.nested(pc + 2, Resume::Assert);
                }
                op::ASSERT_NOT => {
                    let back = self.word(pc + 1)? as usize;
                    if ptr >= back {
                        self.ptr = ptr - back;
                        self.save_lastmark(ctx);
                        return self.nested(pc + 2, Resume::AssertNot);
                    }
                    ctx.pc += self.skip(pc)?;
                }
                op::FAILURE => return FAIL,
                _ => return Err(Failure::BadCode),
            }
        }
    }

    /// Starts an attempt at `pc` that ends the match where it succeeds
    /// if this context does.
    fn call(&self, ctx: &Context, pc: usize, resume: Resume) -> Result<Next, Failure> {
        Ok(Next::Enter {
            pc,
            toplevel: ctx.toplevel,
            resume,
        })
    }

    /// Starts an attempt at `pc` whose success ends only itself (an
    /// assertion, an atomic group, one possessive iteration).
    fn nested(&self, pc: usize, resume: Resume) -> Result<Next, Failure> {
        Ok(Next::Enter {
            pc,
            toplevel: false,
            resume,
        })
    }

    /// `LASTMARK_SAVE`, and `MARK_PUSH` inside a repeat.
    fn save_lastmark(&mut self, ctx: &mut Context) {
        ctx.lastmark = self.lastmark;
        ctx.lastindex = self.lastindex;
        ctx.marks_saved = self.repeat.is_some();
        if ctx.marks_saved {
            self.push_marks(ctx.lastmark);
        }
    }

    fn restore_lastmark(&mut self, ctx: &Context) {
        self.lastmark = ctx.lastmark;
        self.lastindex = ctx.lastindex;
    }

    fn push_marks(&mut self, lastmark: isize) {
        if let Ok(last) = usize::try_from(lastmark) {
            self.saved.extend_from_slice(&self.marks[..=last]);
        }
    }

    /// Copies the saved marks back; `discard` drops them from the stack.
    fn pop_marks(&mut self, lastmark: isize, discard: bool) {
        if let Ok(last) = usize::try_from(lastmark) {
            let base = self.saved.len() - (last + 1);
            self.marks[..=last].copy_from_slice(&self.saved[base..]);
            if discard {
                self.saved.truncate(base);
            }
        }
    }

    fn discard_marks(&mut self, lastmark: isize) {
        if let Ok(last) = usize::try_from(lastmark) {
            self.saved.truncate(self.saved.len() - (last + 1));
        }
    }

    /// Tries each alternative of a `BRANCH` from `ctx.pc` on.
    fn branch(&mut self, ctx: &mut Context) -> Result<Next, Failure> {
        let ptr = ctx.ptr;
        loop {
            let skip = self.word(ctx.pc)? as usize;
            if skip == 0 {
                break;
            }
            let first = self.word(ctx.pc + 1)?;
            let hopeless = match first {
                op::LITERAL => ptr >= self.end || self.at_char(ptr) != self.word(ctx.pc + 2)?,
                op::IN => ptr >= self.end || !self.charset(ctx.pc + 3, self.at_char(ptr))?,
                _ => false,
            };
            if !hopeless {
                self.ptr = ptr;
                return self.call(ctx, ctx.pc + 1, Resume::Branch);
            }
            ctx.pc += skip;
        }
        if ctx.marks_saved {
            self.discard_marks(ctx.lastmark);
        }
        Ok(Next::Return(false))
    }

    /// `REPEAT_ONE`: as many single-character items as match, then fewer
    /// while the rest of the pattern fails.
    fn repeat_one(&mut self, ctx: &mut Context) -> Result<Next, Failure> {
        let pc = ctx.pc;
        let min = self.word(pc + 1)? as usize;
        if ctx.ptr > self.end || min > self.end - ctx.ptr {
            return Ok(Next::Return(false));
        }
        self.ptr = ctx.ptr;
        let count = self.count(pc + 3, self.word(pc + 2)?)?;
        ctx.count = count as isize;
        ctx.ptr += count;
        if count < min {
            return Ok(Next::Return(false));
        }
        let tail = pc + self.skip(pc)?;
        if self.word(tail)? == op::SUCCESS
            && ctx.ptr == self.end
            && !(ctx.toplevel && self.must_advance && ctx.ptr == self.start)
        {
            self.ptr = ctx.ptr;
            return Ok(Next::Return(true));
        }
        self.save_lastmark(ctx);
        if self.word(tail)? == op::LITERAL {
            ctx.chr = self.word(tail + 1)?;
            return self.repeat_one_literal(ctx);
        }
        self.repeat_one_next(ctx)
    }

    /// The rest after `REPEAT_ONE` starts with a literal: only positions
    /// where it stands are worth a try.
    fn repeat_one_literal(&mut self, ctx: &mut Context) -> Result<Next, Failure> {
        let pc = ctx.pc;
        let min = self.word(pc + 1)? as isize;
        while ctx.count >= min && (ctx.ptr >= self.end || self.at_char(ctx.ptr) != ctx.chr) {
            ctx.ptr = ctx.ptr.wrapping_sub(1);
            ctx.count -= 1;
        }
        if ctx.count < min {
            if ctx.marks_saved {
                self.discard_marks(ctx.lastmark);
            }
            return Ok(Next::Return(false));
        }
        self.ptr = ctx.ptr;
        let tail = pc + self.skip(pc)?;
        self.call(ctx, tail, Resume::RepeatOneLiteral)
    }

    fn repeat_one_next(&mut self, ctx: &mut Context) -> Result<Next, Failure> {
        let pc = ctx.pc;
        if ctx.count < self.word(pc + 1)? as isize {
            if ctx.marks_saved {
                self.discard_marks(ctx.lastmark);
            }
            return Ok(Next::Return(false));
        }
        self.ptr = ctx.ptr;
        let tail = pc + self.skip(pc)?;
        self.call(ctx, tail, Resume::RepeatOne)
    }

    /// `MIN_REPEAT_ONE`: as few single-character items as will do.
    fn min_repeat_one(&mut self, ctx: &mut Context) -> Result<Next, Failure> {
        let pc = ctx.pc;
        let min = self.word(pc + 1)? as usize;
        if ctx.ptr > self.end || min > self.end - ctx.ptr {
            return Ok(Next::Return(false));
        }
        self.ptr = ctx.ptr;
        ctx.count = 0;
        if min > 0 {
            let count = self.count(pc + 3, min as u32)?;
            if count < min {
                return Ok(Next::Return(false));
            }
            ctx.count = count as isize;
            ctx.ptr += count;
        }
        let tail = pc + self.skip(pc)?;
        if self.word(tail)? == op::SUCCESS
            && !(ctx.toplevel
                && ((self.match_all && ctx.ptr != self.end)
                    || (self.must_advance && ctx.ptr == self.start)))
        {
            self.ptr = ctx.ptr;
            return Ok(Next::Return(true));
        }
        self.save_lastmark(ctx);
        self.min_repeat_one_next(ctx)
    }

    fn min_repeat_one_next(&mut self, ctx: &mut Context) -> Result<Next, Failure> {
        let pc = ctx.pc;
        let max = self.word(pc + 2)?;
        if max == MAXREPEAT || ctx.count <= max as isize {
            self.ptr = ctx.ptr;
            let tail = pc + self.skip(pc)?;
            return self.call(ctx, tail, Resume::MinRepeatOne);
        }
        if ctx.marks_saved {
            self.discard_marks(ctx.lastmark);
        }
        Ok(Next::Return(false))
    }

    /// `MAX_UNTIL`: the end of one iteration of a greedy repeat.
    fn max_until(&mut self, ctx: &mut Context) -> Result<Next, Failure> {
        let Some(repeat) = self.repeat else {
            return Err(Failure::BadCode);
        };
        ctx.repeat = repeat;
        self.ptr = ctx.ptr;
        ctx.count = self.repeats[repeat].count + 1;
        let rpc = self.repeats[repeat].pc;
        let (min, max) = (self.word(rpc + 1)?, self.word(rpc + 2)?);
        if ctx.count < min as isize {
            // Not enough iterations yet.
            self.repeats[repeat].count = ctx.count;
            return self.call(ctx, rpc + 3, Resume::MaxUntilMin);
        }
        if (ctx.count < max as isize || max == MAXREPEAT)
            && Some(self.ptr) != self.repeats[repeat].last_ptr
        {
            // Enough, but another iteration comes first if it matches.
            self.repeats[repeat].count = ctx.count;
            ctx.lastmark = self.lastmark;
            ctx.lastindex = self.lastindex;
            self.push_marks(ctx.lastmark);
            self.saved.push(self.repeats[repeat].last_ptr);
            self.repeats[repeat].last_ptr = Some(self.ptr);
            return self.call(ctx, rpc + 3, Resume::MaxUntilMore);
        }
        self.max_until_tail(ctx)
    }

    fn max_until_tail(&mut self, ctx: &mut Context) -> Result<Next, Failure> {
        self.repeat = self.repeats[ctx.repeat].prev;
        self.call(ctx, ctx.pc, Resume::MaxUntilTail)
    }

    /// `MIN_UNTIL`: the end of one iteration of a lazy repeat.
    fn min_until(&mut self, ctx: &mut Context) -> Result<Next, Failure> {
        let Some(repeat) = self.repeat else {
            return Err(Failure::BadCode);
        };
        ctx.repeat = repeat;
        self.ptr = ctx.ptr;
        ctx.count = self.repeats[repeat].count + 1;
        let rpc = self.repeats[repeat].pc;
        if ctx.count < self.word(rpc + 1)? as isize {
            self.repeats[repeat].count = ctx.count;
            return self.call(ctx, rpc + 3, Resume::MinUntilMin);
        }
        // The rest of the pattern first.
        self.repeat = self.repeats[repeat].prev;
        self.save_lastmark(ctx);
        self.call(ctx, ctx.pc, Resume::MinUntilTail)
    }

    /// `POSSESSIVE_REPEAT`: iterations, each an attempt of its own that
    /// is never reconsidered.
    fn possessive_repeat(&mut self, ctx: &mut Context) -> Result<Next, Failure> {
        let pc = ctx.pc;
        if ctx.count < self.word(pc + 1)? as isize {
            return self.nested(pc + 3, Resume::PossessiveMin);
        }
        self.possessive_more(ctx, None)
    }

    /// Another optional possessive iteration, unless the last one
    /// (which started at `last`) matched empty or the maximum is reached.
    fn possessive_more(&mut self, ctx: &mut Context, last: Option<usize>) -> Result<Next, Failure> {
        let pc = ctx.pc;
        let max = self.word(pc + 2)?;
        if (ctx.count < max as isize || max == MAXREPEAT) && Some(self.ptr) != last {
            ctx.lastmark = self.lastmark;
            ctx.lastindex = self.lastindex;
            self.push_marks(ctx.lastmark);
            ctx.ptr = self.ptr;
            return self.nested(pc + 3, Resume::PossessiveMore);
        }
        ctx.pc = pc + self.skip(pc)? + 1;
        ctx.ptr = self.ptr;
        Ok(Next::Dispatch)
    }

    /// The code after an attempt of `ctx`'s returned `answer`.
    fn resume(&mut self, ctx: &mut Context, resume: Resume, answer: bool) -> Result<Next, Failure> {
        match resume {
            Resume::Done => unreachable!("the outermost context has no caller"),
            Resume::Branch => {
                if answer {
                    if ctx.marks_saved {
                        self.discard_marks(ctx.lastmark);
                    }
                    return Ok(Next::Return(true));
                }
                if ctx.marks_saved {
                    self.pop_marks(ctx.lastmark, false);
                }
                self.restore_lastmark(ctx);
                ctx.pc += self.skip(ctx.pc)?;
                self.branch(ctx)
            }
            Resume::RepeatOneLiteral | Resume::RepeatOne => {
                if answer {
                    if ctx.marks_saved {
                        self.discard_marks(ctx.lastmark);
                    }
                    return Ok(Next::Return(true));
                }
                if ctx.marks_saved {
                    self.pop_marks(ctx.lastmark, false);
                }
                self.restore_lastmark(ctx);
                ctx.ptr = ctx.ptr.wrapping_sub(1);
                ctx.count -= 1;
                if matches!(resume, Resume::RepeatOneLiteral) {
                    self.repeat_one_literal(ctx)
                } else {
                    self.repeat_one_next(ctx)
                }
            }
            Resume::MinRepeatOne => {
                if answer {
                    if ctx.marks_saved {
                        self.discard_marks(ctx.lastmark);
                    }
                    return Ok(Next::Return(true));
                }
                if ctx.marks_saved {
                    self.pop_marks(ctx.lastmark, false);
                }
                self.restore_lastmark(ctx);
                self.ptr = ctx.ptr;
                if self.count(ctx.pc + 3, 1)? == 0 {
                    if ctx.marks_saved {
                        self.discard_marks(ctx.lastmark);
                    }
                    return FAIL;
                }
                ctx.ptr += 1;
                ctx.count += 1;
                self.min_repeat_one_next(ctx)
            }
            Resume::Repeat => {
                self.repeat = self.repeats[ctx.repeat].prev;
                self.repeats.truncate(ctx.repeat);
                Ok(Next::Return(answer))
            }
            Resume::MaxUntilMin | Resume::MinUntilMin => {
                if answer {
                    return Ok(Next::Return(true));
                }
                self.repeats[ctx.repeat].count = ctx.count - 1;
                self.ptr = ctx.ptr;
                FAIL
            }
            Resume::MaxUntilMore => {
                self.repeats[ctx.repeat].last_ptr = self.saved.pop().expect("saved last_ptr");
                if answer {
                    self.discard_marks(ctx.lastmark);
                    return Ok(Next::Return(true));
                }
                self.pop_marks(ctx.lastmark, true);
                self.restore_lastmark(ctx);
                self.repeats[ctx.repeat].count = ctx.count - 1;
                self.ptr = ctx.ptr;
                self.max_until_tail(ctx)
            }
            Resume::MaxUntilTail => {
                self.repeat = Some(ctx.repeat);
                if answer {
                    return Ok(Next::Return(true));
                }
                self.ptr = ctx.ptr;
                FAIL
            }
            Resume::MinUntilTail => {
                self.repeat = Some(ctx.repeat);
                if answer {
                    if ctx.marks_saved {
                        self.discard_marks(ctx.lastmark);
                    }
                    return Ok(Next::Return(true));
                }
                if ctx.marks_saved {
                    self.pop_marks(ctx.lastmark, true);
                }
                self.restore_lastmark(ctx);
                self.ptr = ctx.ptr;
                let rpc = self.repeats[ctx.repeat].pc;
                let max = self.word(rpc + 2)?;
                if (ctx.count >= max as isize && max != MAXREPEAT)
                    || Some(self.ptr) == self.repeats[ctx.repeat].last_ptr
                {
                    return FAIL;
                }
                self.repeats[ctx.repeat].count = ctx.count;
                self.saved.push(self.repeats[ctx.repeat].last_ptr);
                self.repeats[ctx.repeat].last_ptr = Some(self.ptr);
                self.call(ctx, rpc + 3, Resume::MinUntilMore)
            }
            Resume::MinUntilMore => {
                self.repeats[ctx.repeat].last_ptr = self.saved.pop().expect("saved last_ptr");
                if answer {
                    return Ok(Next::Return(true));
                }
                self.repeats[ctx.repeat].count = ctx.count - 1;
                self.ptr = ctx.ptr;
                FAIL
            }
            Resume::Assert => {
                if !answer {
                    return FAIL;
                }
                ctx.pc += self.skip(ctx.pc)?;
                Ok(Next::Dispatch)
            }
            Resume::AssertNot => {
                if answer {
                    if ctx.marks_saved {
                        self.discard_marks(ctx.lastmark);
                    }
                    return FAIL;
                }
                if ctx.marks_saved {
                    self.pop_marks(ctx.lastmark, true);
                }
                self.restore_lastmark(ctx);
                ctx.pc += self.skip(ctx.pc)?;
                Ok(Next::Dispatch)
            }
            Resume::PossessiveMin => {
                if !answer {
                    self.ptr = ctx.ptr;
                    return FAIL;
                }
                ctx.count += 1;
                self.possessive_repeat(ctx)
            }
            Resume::PossessiveMore => {
                let last = Some(ctx.ptr);
                if answer {
                    self.discard_marks(ctx.lastmark);
                    ctx.count += 1;
                    return self.possessive_more(ctx, last);
                }
                self.pop_marks(ctx.lastmark, true);
                self.restore_lastmark(ctx);
                self.ptr = ctx.ptr;
                ctx.pc += self.skip(ctx.pc)? + 1;
                Ok(Next::Dispatch)
            }
            Resume::Atomic => {
                if !answer {
                    self.ptr = ctx.ptr;
                    return FAIL;
                }
                ctx.pc += self.skip(ctx.pc)?;
                ctx.ptr = self.ptr;
                Ok(Next::Dispatch)
            }
        }
    }

    /// The span group `group` (0-based) last matched, if it is set.
    fn group_span(&self, group: u32) -> Option<(usize, usize)> {
        let open = 2 * group as usize;
        if open as isize >= self.lastmark {
            return None;
        }
        match (self.marks[open], self.marks[open + 1]) {
            (Some(start), Some(end)) if start <= end => Some((start, end)),
            _ => None,
        }
    }

    /// `SRE(count)`: how many times the single-character item at `pc`
    /// matches from `self.ptr`, at most `max` times.
    fn count(&mut self, pc: usize, max: u32) -> Result<usize, Failure> {
        let start = self.ptr;
        let mut end = self.end;
        if start >= end {
            return Ok(0);
        }
        if max != MAXREPEAT && (max as usize) < end - start {
            end = start + max as usize;
        }
        let mut ptr = start;
        // The commonest items get a loop of their own.
        let scan = |test: &dyn Fn(u32) -> bool| {
            let mut ptr = start;
            while ptr < end && test(self.at_char(ptr)) {
                ptr += 1;
            }
            ptr - start
        };
        match self.word(pc)? {
            op::ANY_ALL => return Ok(end - start),
            op::ANY => return Ok(scan(&|ch| ch != u32::from(b'\n'))),
            op::LITERAL => {
                let literal = self.word(pc + 1)?;
                return Ok(scan(&|ch| ch == literal));
            }
            op::NOT_LITERAL => {
                let literal = self.word(pc + 1)?;
                return Ok(scan(&|ch| ch != literal));
            }
            op::CATEGORY => {
                let code = self.word(pc + 1)?;
                return Ok(scan(&|ch| category(code, ch)));
            }
            op::IN => {
                while ptr < end && self.charset(pc + 2, self.at_char(ptr))? {
                    ptr += 1;
                }
                return Ok(ptr - start);
            }
            _ => {}
        }
        while ptr < end && self.one(pc, self.at_char(ptr))? {
            ptr += 1;
        }
        Ok(ptr - start)
    }

    /// Whether the single-character item at `pc` (its opcode) matches `ch`.
    fn one(&self, pc: usize, ch: u32) -> Result<bool, Failure> {
        let arg = || self.word(pc + 1);
        Ok(match self.word(pc)? {
            op::ANY => ch != u32::from(b'\n'),
            op::ANY_ALL => true,
            op::LITERAL => ch == arg()?,
            op::NOT_LITERAL => ch != arg()?,
            op::LITERAL_IGNORE => lower_ascii(ch) == arg()?,
            op::NOT_LITERAL_IGNORE => lower_ascii(ch) != arg()?,
            op::LITERAL_UNI_IGNORE => lower_unicode(ch) == arg()?,
            op::NOT_LITERAL_UNI_IGNORE => lower_unicode(ch) != arg()?,
            op::LITERAL_LOC_IGNORE => literal_locale_ignore(arg()?, ch),
            op::NOT_LITERAL_LOC_IGNORE => !literal_locale_ignore(arg()?, ch),
            op::CATEGORY => category(arg()?, ch),
            op::IN => self.charset(pc + 2, ch)?,
            op::IN_IGNORE => self.charset(pc + 2, lower_ascii(ch))?,
            op::IN_UNI_IGNORE => self.charset(pc + 2, lower_unicode(ch))?,
            op::IN_LOC_IGNORE => {
                let lower = lower_ascii(ch);
                let upper = upper_ascii(ch);
                self.charset(pc + 2, lower)? || (upper != lower && self.charset(pc + 2, upper)?)
            }
            _ => return Err(Failure::BadCode),
        })
    }

    /// The code position after the single-character item at `pc`.
    fn after_one(&self, pc: usize) -> Result<usize, Failure> {
        Ok(match self.word(pc)? {
            op::ANY | op::ANY_ALL => pc + 1,
            op::IN | op::IN_IGNORE | op::IN_UNI_IGNORE | op::IN_LOC_IGNORE => {
                pc + 1 + self.skip(pc + 1)?
            }
            _ => pc + 2,
        })
    }

    /// `SRE(charset)`: whether `ch` is in the set whose items start at `pc`.
    fn charset(&self, mut pc: usize, ch: u32) -> Result<bool, Failure> {
        let mut ok = true;
        loop {
            let item = self.word(pc)?;
            pc += 1;
            match item {
                op::FAILURE => return Ok(!ok),
                op::LITERAL => {
                    if ch == self.word(pc)? {
                        return Ok(ok);
                    }
                    pc += 1;
                }
                op::CATEGORY => {
                    if category(self.word(pc)?, ch) {
                        return Ok(ok);
                    }
                    pc += 1;
                }
                op::CHARSET => {
                    if ch < 256 && self.word(pc + (ch / 32) as usize)? & (1 << (ch & 31)) != 0 {
                        return Ok(ok);
                    }
                    pc += 8;
                }
                op::RANGE => {
                    if (self.word(pc)?..=self.word(pc + 1)?).contains(&ch) {
                        return Ok(ok);
                    }
                    pc += 2;
                }
                op::RANGE_UNI_IGNORE => {
                    let range = self.word(pc)?..=self.word(pc + 1)?;
                    // `ch` is already lower-cased.
                    if range.contains(&ch) || range.contains(&upper_unicode(ch)) {
                        return Ok(ok);
                    }
                    pc += 2;
                }
                op::NEGATE => ok = !ok,
                op::BIGCHARSET => {
                    // 256 block numbers, one byte each, packed four to a
                    // word (little-endian, as the compiler packs them),
                    // then the blocks' 256-bit maps.
                    let blocks = self.word(pc)? as usize;
                    pc += 1;
                    if ch < 0x10000 {
                        let high = (ch >> 8) as usize;
                        let block = (self.word(pc + high / 4)? >> ((high % 4) * 8)) & 0xff;
                        let bit = block * 256 + (ch & 255);
                        if self.word(pc + 64 + (bit / 32) as usize)? & (1 << (bit & 31)) != 0 {
                            return Ok(ok);
                        }
                    }
                    pc += 64 + blocks * 8;
                }
                _ => return Err(Failure::BadCode),
            }
        }
    }

    /// `SRE(at)`: whether the position `ptr` is what `at` asks for.
    fn at(&self, ptr: usize, at: u32) -> Result<bool, Failure> {
        // The text is read where it is, even past `end` (a `pos` after
        // `endpos`), as C reads it.
        let is_newline =
            |index: usize| index < self.text.len() && self.at_char(index) == u32::from(b'\n');
        let boundary = |word: fn(u32) -> bool| {
            let before = ptr > 0 && word(self.at_char(ptr - 1));
            let after = ptr < self.end && word(self.at_char(ptr));
            before != after
        };
        Ok(match at {
            at::BEGINNING | at::BEGINNING_STRING => ptr == 0,
            at::BEGINNING_LINE => ptr == 0 || is_newline(ptr - 1),
            at::END => ptr == self.end || (ptr + 1 == self.end && is_newline(ptr)),
            at::END_LINE => ptr == self.end || is_newline(ptr),
            at::END_STRING => ptr == self.end,
            at::BOUNDARY | at::LOC_BOUNDARY => self.end != 0 && boundary(is_word_ascii),
            at::NON_BOUNDARY | at::LOC_NON_BOUNDARY => self.end != 0 && !boundary(is_word_ascii),
            at::UNI_BOUNDARY => self.end != 0 && boundary(is_word_unicode),
            at::UNI_NON_BOUNDARY => self.end != 0 && !boundary(is_word_unicode),
            _ => return Err(Failure::BadCode),
        })
    }
}

/// The flags of an `INFO` block (`re._constants.SRE_INFO_*`).
mod info {
    pub const PREFIX: u32 = 1;
    pub const LITERAL: u32 = 2;
    pub const CHARSET: u32 = 4;
}

/// The position codes, numbered as `re._constants.ATCODES`.
mod at {
    pub const BEGINNING: u32 = 0;
    pub const BEGINNING_LINE: u32 = 1;
    pub const BEGINNING_STRING: u32 = 2;
    pub const BOUNDARY: u32 = 3;
    pub const NON_BOUNDARY: u32 = 4;
    pub const END: u32 = 5;
    pub const END_LINE: u32 = 6;
    pub const END_STRING: u32 = 7;
    pub const LOC_BOUNDARY: u32 = 8;
    pub const LOC_NON_BOUNDARY: u32 = 9;
    pub const UNI_BOUNDARY: u32 = 10;
    pub const UNI_NON_BOUNDARY: u32 = 11;
}

/// `sre_category`: the classes `\d`, `\s`, `\w` and their negations, in
/// ASCII (also the C locale's) and Unicode manners (`re._constants.CHCODES`).
fn category(code: u32, ch: u32) -> bool {
    // On ASCII, Unicode's digits and word characters are ASCII's, and
    // far quicker to test (not its spaces: `str.isspace` has \x1c-\x1f).
    let code = match code {
        10 | 11 | 14 | 15 if ch < 128 => code - 10,
        _ => code,
    };
    let unicode = char::from_u32(ch);
    let uni = |test: fn(char) -> bool| unicode.is_some_and(test);
    match code {
        0 => is_digit_ascii(ch),
        1 => !is_digit_ascii(ch),
        2 => is_space_ascii(ch),
        3 => !is_space_ascii(ch),
        4 | 8 => is_word_ascii(ch),
        5 | 9 => !is_word_ascii(ch),
        6 => ch == u32::from(b'\n'),
        7 => ch != u32::from(b'\n'),
        10 => uni(|c| decimal_value(c).is_some()),
        11 => !uni(|c| decimal_value(c).is_some()),
        12 => uni(is_space),
        13 => !uni(is_space),
        14 => is_word_unicode(ch),
        15 => !is_word_unicode(ch),
        16 => uni(is_line_break),
        17 => !uni(is_line_break),
        _ => false,
    }
}

fn is_digit_ascii(ch: u32) -> bool {
    (u32::from(b'0')..=u32::from(b'9')).contains(&ch)
}

fn is_space_ascii(ch: u32) -> bool {
    matches!(ch, 0x09..=0x0d | 0x20)
}

fn is_word_ascii(ch: u32) -> bool {
    u8::try_from(ch).is_ok_and(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
}

fn is_word_unicode(ch: u32) -> bool {
    char::from_u32(ch).is_some_and(|c| c == '_' || is_alnum(c))
}

pub fn lower_ascii(ch: u32) -> u32 {
    if (u32::from(b'A')..=u32::from(b'Z')).contains(&ch) {
        ch + 32
    } else {
        ch
    }
}

fn upper_ascii(ch: u32) -> u32 {
    if (u32::from(b'a')..=u32::from(b'z')).contains(&ch) {
        ch - 32
    } else {
        ch
    }
}

/// `LITERAL_LOC_IGNORE` in the C locale: the literal in either case.
fn literal_locale_ignore(pattern: u32, ch: u32) -> bool {
    ch == pattern || lower_ascii(ch) == pattern || upper_ascii(ch) == pattern
}

/// Unicode's simple lowercase mapping (one character to one), as
/// `_PyUnicode_ToLowercase`.
pub fn lower_unicode(ch: u32) -> u32 {
    simple_case(ch, char::to_lowercase)
}

/// Unicode's simple uppercase mapping, as `_PyUnicode_ToUppercase`.
pub fn upper_unicode(ch: u32) -> u32 {
    simple_case(ch, char::to_uppercase)
}

/// The one-character mapping of `ch`: the first character of its full
/// mapping, as CPython's tables give it ('ß' upper-cased is 'S').
fn simple_case<I: Iterator<Item = char>>(ch: u32, map: fn(char) -> I) -> u32 {
    char::from_u32(ch)
        .and_then(|c| map(c).next())
        .map_or(ch, u32::from)
}

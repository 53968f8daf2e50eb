//! The cycle collector: values are reference counted (`Rc`), so objects
//! that refer to each other in a cycle no one else refers to would never be
//! freed. This finds them the way CPython's collector does — by *trial
//! deletion* — and breaks the cycles by emptying the garbage containers.
//!
//! Every list, dict, set, instance, function, closure cell, module and
//! bound method is *tracked* when it is made (a `Weak` in a per-thread
//! list). A collection takes the tracked objects still alive and, for each,
//! counts the references to it from the others; an object with more
//! references than that (`Rc::strong_count`) is referred to from outside —
//! a variable, a frame, the event loop, a tuple, any Rust code — and so is
//! everything it reaches. The rest is garbage: its lists, dicts and sets
//! are emptied, its instances' and modules' names removed, its cells
//! cleared; the cycles fall apart and `Rc` frees the objects.
//!
//! Safety rests on one rule: a reference is counted as internal only when
//! it is read directly out of a tracked object. Anything the collector does
//! not look into (tuples, generators, tasks, classes, objects written in
//! Rust) counts as outside, so a cycle through one is not collected — a
//! leak, never a wrong collection. An object whose `RefCell` is borrowed
//! during a collection is treated the same way.
//!
//! Garbage whose class has a `__del__` is not emptied: it is handed to
//! `runtime::finalize` for its `__del__` to run on whole objects, as
//! CPython's collector does, and emptied by a later collection if it is
//! still garbage then.
//!
//! Collections run when the number of tracked objects has doubled since
//! the last one (so their cost is proportional to the allocations), at
//! exit (before and after the modules' names go) and when an interpreter
//! is dropped.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use super::dict::Dict;
use super::finalize::{self, Finalizable};
use super::object::{BoundMethod, CellRef, Function, Instance, InstanceNames, ModuleObject};
use super::value::{ListItems, Value};

/// An object the collector knows of.
enum Tracked {
    List(Weak<RefCell<ListItems>>),
    /// Dicts and sets.
    Table(Weak<RefCell<Dict>>),
    Instance(Weak<Instance>),
    Function(Weak<Function>),
    Cell(Weak<RefCell<Option<Value>>>),
    Module(Weak<ModuleObject>),
    Method(Weak<BoundMethod>),
}

/// A tracked object, alive for the length of a collection.
enum Live {
    List(Rc<RefCell<ListItems>>),
    Table(Rc<RefCell<Dict>>),
    Instance(Rc<Instance>),
    Function(Rc<Function>),
    Cell(CellRef),
    Module(Rc<ModuleObject>),
    Method(Rc<BoundMethod>),
}

/// Tracked objects below which no collection runs.
const FIRST_COLLECTION: usize = 1_000;

thread_local! {
    static TRACKED: RefCell<Vec<Tracked>> = const { RefCell::new(Vec::new()) };
    /// The number of tracked objects that starts the next collection.
    static THRESHOLD: Cell<usize> = const { Cell::new(FIRST_COLLECTION) };
    static COLLECTING: Cell<bool> = const { Cell::new(false) };
}

fn track(object: Tracked) {
    let due = TRACKED.with(|tracked| {
        let mut tracked = tracked.borrow_mut();
        tracked.push(object);
        tracked.len() >= THRESHOLD.get()
    });
    if due {
        collect();
    }
}

pub fn track_list(list: &Rc<RefCell<ListItems>>) {
    track(Tracked::List(Rc::downgrade(list)));
}

/// A dict or a set.
pub fn track_table(table: &Rc<RefCell<Dict>>) {
    track(Tracked::Table(Rc::downgrade(table)));
}

pub fn track_instance(instance: &Rc<Instance>) {
    track(Tracked::Instance(Rc::downgrade(instance)));
}

pub fn track_function(function: &Rc<Function>) {
    track(Tracked::Function(Rc::downgrade(function)));
}

pub fn track_cell(cell: &CellRef) {
    track(Tracked::Cell(Rc::downgrade(cell)));
}

pub fn track_module(module: &Rc<ModuleObject>) {
    track(Tracked::Module(Rc::downgrade(module)));
}

pub fn track_method(method: &Rc<BoundMethod>) {
    track(Tracked::Method(Rc::downgrade(method)));
}

impl Tracked {
    fn upgrade(&self) -> Option<Live> {
        Some(match self {
            Tracked::List(weak) => Live::List(weak.upgrade()?),
            Tracked::Table(weak) => Live::Table(weak.upgrade()?),
            Tracked::Instance(weak) => Live::Instance(weak.upgrade()?),
            Tracked::Function(weak) => Live::Function(weak.upgrade()?),
            Tracked::Cell(weak) => Live::Cell(weak.upgrade()?),
            Tracked::Module(weak) => Live::Module(weak.upgrade()?),
            Tracked::Method(weak) => Live::Method(weak.upgrade()?),
        })
    }
}

impl Live {
    fn downgrade(&self) -> Tracked {
        match self {
            Live::List(rc) => Tracked::List(Rc::downgrade(rc)),
            Live::Table(rc) => Tracked::Table(Rc::downgrade(rc)),
            Live::Instance(rc) => Tracked::Instance(Rc::downgrade(rc)),
            Live::Function(rc) => Tracked::Function(Rc::downgrade(rc)),
            Live::Cell(rc) => Tracked::Cell(Rc::downgrade(rc)),
            Live::Module(rc) => Tracked::Module(Rc::downgrade(rc)),
            Live::Method(rc) => Tracked::Method(Rc::downgrade(rc)),
        }
    }

    /// The object's address, which identifies it, and the references to
    /// it (the collection's own excepted).
    fn identity(&self) -> (usize, usize) {
        fn of<T: ?Sized>(rc: &Rc<T>) -> (usize, usize) {
            (
                Rc::as_ptr(rc) as *const u8 as usize,
                Rc::strong_count(rc) - 1,
            )
        }
        match self {
            Live::List(rc) => of(rc),
            Live::Table(rc) => of(rc),
            Live::Instance(rc) => of(rc),
            Live::Function(rc) => of(rc),
            Live::Cell(rc) => of(rc),
            Live::Module(rc) => of(rc),
            Live::Method(rc) => of(rc),
        }
    }

    /// Calls `visit` with the address of every object this one refers to
    /// directly; false when it cannot be looked into now (borrowed).
    fn visit_references(&self, visit: &mut dyn FnMut(usize)) -> bool {
        match self {
            Live::List(list) => match list.try_borrow() {
                Ok(items) => items.iter().for_each(|item| visit_value(item, visit)),
                Err(_) => return false,
            },
            Live::Table(table) => match table.try_borrow() {
                Ok(table) => table.iter().for_each(|entry| {
                    visit_value(&entry.key, visit);
                    visit_value(&entry.value, visit);
                }),
                Err(_) => return false,
            },
            Live::Instance(instance) => {
                let Ok(names) = instance.names.try_borrow() else {
                    return false;
                };
                match &*names {
                    InstanceNames::Table(table) => {
                        table.values().for_each(|value| visit_value(value, visit))
                    }
                    InstanceNames::Dict(dict) => visit(Rc::as_ptr(dict) as *const u8 as usize),
                }
                if let Some(data) = &instance.exception {
                    for part in [&data.cause, &data.context] {
                        let Ok(part) = part.try_borrow() else {
                            return false;
                        };
                        if let Some(value) = &*part {
                            visit_value(value, visit);
                        }
                    }
                    let Ok(fields) = data.fields.try_borrow() else {
                        return false;
                    };
                    fields.values().for_each(|value| visit_value(value, visit));
                    // The locals its traceback keeps (an exception kept in a
                    // local of a frame it left is a cycle), when only the
                    // traceback holds them: shared with a traceback object,
                    // they are referred to from outside.
                    let Ok(traceback) = data.traceback.try_borrow() else {
                        return false;
                    };
                    let locals = traceback.iter().filter_map(|entry| entry.locals.as_ref());
                    for slots in locals.filter(|slots| Rc::strong_count(slots) == 1) {
                        slots
                            .iter()
                            .flatten()
                            .for_each(|value| visit_value(value, visit));
                    }
                }
            }
            Live::Function(function) => {
                let Ok(attributes) = function.attributes.try_borrow() else {
                    return false;
                };
                attributes
                    .values()
                    .for_each(|value| visit_value(value, visit));
                function
                    .defaults
                    .iter()
                    .for_each(|value| visit_value(value, visit));
                function
                    .kw_defaults
                    .iter()
                    .flatten()
                    .for_each(|value| visit_value(value, visit));
                function
                    .closure
                    .iter()
                    .for_each(|cell| visit(Rc::as_ptr(cell) as *const u8 as usize));
                visit(Rc::as_ptr(&function.globals) as *const u8 as usize);
            }
            Live::Cell(cell) => match cell.try_borrow() {
                Ok(content) => content.iter().for_each(|value| visit_value(value, visit)),
                Err(_) => return false,
            },
            Live::Module(module) => match module.namespace.try_borrow() {
                Ok(names) => names.values().for_each(|value| visit_value(value, visit)),
                Err(_) => return false,
            },
            Live::Method(method) => {
                visit_value(&method.receiver, visit);
                visit_value(&method.function, visit);
            }
        }
        true
    }

    /// Empties a garbage object; what it held is returned, to be dropped
    /// once every object is emptied.
    fn clear(&self, dropped: &mut Vec<Value>) {
        match self {
            Live::List(list) => {
                // Last to first, as CPython's `list_clear`.
                if let Ok(mut items) = list.try_borrow_mut() {
                    dropped.extend(items.take().into_iter().rev());
                }
            }
            Live::Table(table) => {
                if let Ok(mut table) = table.try_borrow_mut() {
                    let table = std::mem::take(&mut *table);
                    for (key, value) in table.items() {
                        dropped.extend([key, value]);
                    }
                }
            }
            Live::Instance(instance) => {
                if let Ok(mut names) = instance.names.try_borrow_mut() {
                    match std::mem::replace(&mut *names, InstanceNames::empty()) {
                        InstanceNames::Table(table) => {
                            dropped.extend(table.into_names().into_values())
                        }
                        InstanceNames::Dict(dict) => dropped.push(Value::Dict(dict)),
                    }
                }
                if let Some(data) = &instance.exception {
                    for part in [&data.cause, &data.context] {
                        if let Ok(mut part) = part.try_borrow_mut() {
                            dropped.extend(part.take());
                        }
                    }
                    if let Ok(mut fields) = data.fields.try_borrow_mut() {
                        dropped.extend(std::mem::take(&mut *fields).into_values());
                    }
                    if let Ok(mut traceback) = data.traceback.try_borrow_mut() {
                        for entry in traceback.iter_mut() {
                            let slots = entry.locals.take().map(Rc::unwrap_or_clone);
                            dropped.extend(
                                slots
                                    .into_iter()
                                    .flat_map(|slots| slots.into_vec())
                                    .flatten(),
                            );
                        }
                    }
                }
            }
            Live::Function(function) => {
                if let Ok(mut attributes) = function.attributes.try_borrow_mut() {
                    dropped.extend(std::mem::take(&mut *attributes).into_values());
                }
            }
            Live::Cell(cell) => {
                if let Ok(mut content) = cell.try_borrow_mut() {
                    dropped.extend(content.take());
                }
            }
            Live::Module(module) => {
                if let Ok(mut names) = module.namespace.try_borrow_mut() {
                    dropped.extend(std::mem::take(&mut *names).into_values());
                }
            }
            // Immutable: emptying the instance or function it holds breaks
            // the cycle.
            Live::Method(_) => {}
        }
    }
}

/// The address of the tracked object `value` is, if it is one.
fn visit_value(value: &Value, visit: &mut dyn FnMut(usize)) {
    let address = match value {
        Value::List(rc) => Rc::as_ptr(rc) as *const u8 as usize,
        Value::Dict(rc) | Value::Set(rc) => Rc::as_ptr(rc) as *const u8 as usize,
        Value::Instance(rc) => Rc::as_ptr(rc) as *const u8 as usize,
        Value::Function(rc) => Rc::as_ptr(rc) as *const u8 as usize,
        Value::Module(rc) => Rc::as_ptr(rc) as *const u8 as usize,
        Value::BoundMethod(rc) => Rc::as_ptr(rc) as *const u8 as usize,
        _ => return,
    };
    visit(address);
}

/// Finds the tracked objects that only cycles keep alive and empties them.
/// Returns how many there were.
pub fn collect() -> usize {
    if COLLECTING.replace(true) {
        return 0;
    }
    let live: Vec<Live> = TRACKED.with(|tracked| {
        let mut tracked = tracked.borrow_mut();
        let mut seen = hashbrown::HashSet::new();
        let live: Vec<Live> = tracked
            .drain(..)
            .filter_map(|object| object.upgrade())
            .filter(|object| seen.insert(object.identity().0))
            .collect();
        tracked.extend(live.iter().map(Live::downgrade));
        live
    });
    let mut garbage = find_garbage(&live);
    // As CPython's collector (PEP 442): `__del__` runs on whole objects
    // before anything is emptied, and may resurrect them. So garbage
    // whose class has a `__del__` it has not run goes to the interpreter
    // to run it, and stays whole — with everything it reaches — until a
    // later collection finds it garbage still.
    if finalize::accepting() {
        let unfinalized: Vec<usize> = garbage
            .iter()
            .copied()
            .filter(|&index| match &live[index] {
                Live::Instance(instance) => {
                    !instance.finalized.get() && instance.class.has_finalizer()
                }
                _ => false,
            })
            .collect();
        if !unfinalized.is_empty() {
            let mut waiting = vec![false; live.len()];
            for &index in &unfinalized {
                waiting[index] = true;
                if let Live::Instance(instance) = &live[index] {
                    instance.finalized.set(true);
                    finalize::defer(Finalizable::Unreachable(instance.clone()));
                }
            }
            spread(&live, &address_index(&live), &mut waiting, unfinalized);
            garbage.retain(|&index| !waiting[index]);
        }
    }
    let mut dropped = Vec::new();
    for &index in &garbage {
        live[index].clear(&mut dropped);
    }
    let survivors = live.len() - garbage.len();
    drop(live);
    THRESHOLD.set((2 * survivors).max(FIRST_COLLECTION));
    // What the garbage held goes last: dropping it runs `Drop`s, which may
    // make (and track) objects, or drop more.
    drop(dropped);
    COLLECTING.set(false);
    garbage.len()
}

/// The indices of the objects of `live` that nothing outside them refers
/// to, directly or through others.
fn find_garbage(live: &[Live]) -> Vec<usize> {
    let index = address_index(live);
    // References from outside: all of them, less those from tracked objects.
    let mut outside: Vec<isize> = live.iter().map(|o| o.identity().1 as isize).collect();
    let mut opaque = vec![false; live.len()];
    for (i, object) in live.iter().enumerate() {
        opaque[i] = !object.visit_references(&mut |address| {
            if let Some(&j) = index.get(&address) {
                outside[j] -= 1;
            }
        });
    }
    // Reachable: referred to from outside (or not looked into), and all
    // that such objects reach.
    let mut reachable = vec![false; live.len()];
    let pending: Vec<usize> = (0..live.len())
        .filter(|&i| outside[i] > 0 || opaque[i])
        .collect();
    for &i in &pending {
        reachable[i] = true;
    }
    spread(live, &index, &mut reachable, pending);
    (0..live.len()).filter(|&i| !reachable[i]).collect()
}

/// Each object's index in `live`, by its address.
fn address_index(live: &[Live]) -> hashbrown::HashMap<usize, usize> {
    live.iter()
        .enumerate()
        .map(|(i, object)| (object.identity().0, i))
        .collect()
}

/// Marks what the objects of `pending` (marked already) reach.
fn spread(
    live: &[Live],
    index: &hashbrown::HashMap<usize, usize>,
    marked: &mut [bool],
    mut pending: Vec<usize>,
) {
    while let Some(i) = pending.pop() {
        live[i].visit_references(&mut |address| {
            if let Some(&j) = index.get(&address) {
                if !marked[j] {
                    marked[j] = true;
                    pending.push(j);
                }
            }
        });
    }
}

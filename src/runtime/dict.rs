//! The insertion-ordered hash table behind `dict`, `set` and `frozenset`.
//!
//! Keys hash and compare with Python semantics (`1`, `1.0` and `True` are
//! one key), which may run user `__hash__`/`__eq__` code. So the table
//! itself only stores and probes; the `Interp` methods at the bottom
//! compute hashes and equality with no `RefCell` borrow held across a call
//! into Python code.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use hashbrown::HashTable;

use super::error::PyResult;
use super::interp::Interp;
use super::object::Class;
use super::ops::str_hash;
use super::value::{discard, Value};

#[derive(Clone)]
pub struct Entry {
    pub hash: i64,
    pub key: Value,
    pub value: Value,
}

#[derive(Clone, Default)]
pub struct Dict {
    /// Positions in `entries`, hashed by the entry's Python hash.
    indices: HashTable<usize>,
    /// In insertion order; `None` marks a deleted entry.
    entries: Vec<Option<Entry>>,
    len: usize,
    /// For sets: CPython's open-addressing layout, which decides the
    /// order a set iterates in (observable: `print({3, 1, 2})`).
    set_order: Option<SetOrder>,
    /// For a dict of one of `collections`' dict classes, which it is.
    pub flavor: Option<Box<Flavor>>,
}

/// What makes a dict a `defaultdict`, an `OrderedDict` or a `Counter`:
/// the same table, with a class of its own (its `__missing__`,
/// `__repr__`, …) and, for a `defaultdict`, its factory.
#[derive(Clone)]
pub struct Flavor {
    pub class: Rc<Class>,
    pub default_factory: Value,
}

/// A replica of the slot table of CPython 3.11's `setobject.c`, holding
/// positions into `Dict::entries`. Only the order matters: lookups go
/// through `Dict::indices`.
#[derive(Clone)]
struct SetOrder {
    slots: Vec<Slot>,
    /// The slot of each entry position (`usize::MAX` once removed).
    slot_of: Vec<usize>,
    /// Active plus dummy slots.
    fill: usize,
    /// Where `set.pop()` starts looking.
    finger: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Unused,
    Dummy,
    Active { position: usize, hash: i64 },
}

/// Python hashes of consecutive ints are consecutive; spread them before
/// they reach the hash table, which uses the high bits too.
fn table_hash(hash: i64) -> u64 {
    (hash as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

const SET_MIN_SIZE: usize = 8;
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;

/// setobject.c's next probe after a run of linear probes: `perturb` shifts
/// in the high bits of the hash.
fn next_probe(i: usize, perturb: u64, mask: usize) -> (usize, u64) {
    let perturb = perturb >> PERTURB_SHIFT;
    let i = i
        .wrapping_mul(5)
        .wrapping_add(1)
        .wrapping_add(perturb as usize)
        & mask;
    (i, perturb)
}

impl SetOrder {
    fn new(size: usize) -> SetOrder {
        SetOrder {
            slots: vec![Slot::Unused; size],
            slot_of: Vec::new(),
            fill: 0,
            finger: 0,
        }
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// `set_add_entry` for a key known to be absent: the first unused slot
    /// on the probe sequence, or the first dummy passed on the way.
    /// Returns whether the table must grow.
    fn insert(&mut self, hash: i64, position: usize) -> bool {
        let mask = self.mask();
        let mut i = (hash as u64 as usize) & mask;
        let mut perturb = hash as u64;
        let mut free_slot = None;
        loop {
            let probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            for j in i..=i + probes {
                match self.slots[j] {
                    Slot::Unused => {
                        let target = free_slot.unwrap_or(j);
                        let was_unused = free_slot.is_none();
                        self.slots[target] = Slot::Active { position, hash };
                        self.record(position, target);
                        if was_unused {
                            self.fill += 1;
                            return self.fill * 5 >= mask * 3;
                        }
                        return false;
                    }
                    // CPython 3.11 keeps the last dummy on the probe chain.
                    Slot::Dummy => free_slot = Some(j),
                    _ => {}
                }
            }
            (i, perturb) = next_probe(i, perturb, mask);
        }
    }

    fn record(&mut self, position: usize, slot: usize) {
        if self.slot_of.len() <= position {
            self.slot_of.resize(position + 1, usize::MAX);
        }
        self.slot_of[position] = slot;
    }

    /// Recomputes `slot_of` after the slots were rebuilt.
    fn reindex(&mut self) {
        self.slot_of.iter_mut().for_each(|s| *s = usize::MAX);
        for index in 0..self.slots.len() {
            if let Slot::Active { position, .. } = self.slots[index] {
                self.record(position, index);
            }
        }
    }

    /// `set_insert_clean`: placement in a table with no dummies.
    fn insert_clean(slots: &mut [Slot], hash: i64, position: usize) {
        let mask = slots.len() - 1;
        let mut i = (hash as u64 as usize) & mask;
        let mut perturb = hash as u64;
        loop {
            let probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            if let Some(slot) = slots[i..=i + probes]
                .iter_mut()
                .find(|s| **s == Slot::Unused)
            {
                *slot = Slot::Active { position, hash };
                return;
            }
            (i, perturb) = next_probe(i, perturb, mask);
        }
    }

    /// `set_table_resize(so, minused)`.
    fn resize(&mut self, min_used: usize) {
        let mut size = SET_MIN_SIZE;
        while size <= min_used {
            size <<= 1;
        }
        let mut slots = vec![Slot::Unused; size];
        let mut used = 0;
        for slot in &self.slots {
            if let Slot::Active { position, hash } = *slot {
                SetOrder::insert_clean(&mut slots, hash, position);
                used += 1;
            }
        }
        self.slots = slots;
        self.fill = used;
        self.reindex();
    }

    fn remove(&mut self, position: usize) {
        if let Some(&slot) = self.slot_of.get(position) {
            if slot != usize::MAX {
                self.slots[slot] = Slot::Dummy;
                self.slot_of[position] = usize::MAX;
            }
        }
    }

    fn used(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| matches!(s, Slot::Active { .. }))
            .count()
    }
}

impl Dict {
    pub fn new() -> Dict {
        Dict::default()
    }

    /// An empty table that iterates in CPython's set order.
    pub fn new_set() -> Dict {
        Dict {
            set_order: Some(SetOrder::new(SET_MIN_SIZE)),
            ..Dict::default()
        }
    }

    /// A copy of a set as `set(other)` makes it (CPython's `set_merge` into
    /// an empty set: the table is resized for the incoming elements, then
    /// the layout is copied when the sizes agree, else rebuilt).
    pub fn set_copy(&self) -> Dict {
        let Some(order) = &self.set_order else {
            return self.clone();
        };
        let mut copy = Dict::new_set();
        let mut target = SetOrder::new(SET_MIN_SIZE);
        if self.len * 5 >= target.mask() * 3 {
            target.resize(self.len * 2);
        }
        let same_layout = target.slots.len() == order.slots.len() && order.fill == self.len;
        for slot in &order.slots {
            if let Slot::Active { position, hash } = *slot {
                if let Some(entry) = &self.entries[position] {
                    let new_position = copy.entries.len();
                    copy.entries.push(Some(entry.clone()));
                    let entries = &copy.entries;
                    copy.indices
                        .insert_unique(table_hash(hash), new_position, |&i| {
                            entries[i].as_ref().map_or(0, |e| table_hash(e.hash))
                        });
                    copy.len += 1;
                    if !same_layout {
                        SetOrder::insert_clean(&mut target.slots, hash, new_position);
                    }
                }
            }
        }
        if same_layout {
            let mut next = 0;
            target.slots = order
                .slots
                .iter()
                .map(|slot| match slot {
                    Slot::Active { hash, .. } => {
                        next += 1;
                        Slot::Active {
                            position: next - 1,
                            hash: *hash,
                        }
                    }
                    _ => Slot::Unused,
                })
                .collect();
        }
        target.fill = copy.len;
        target.reindex();
        copy.set_order = Some(target);
        copy
    }

    /// Before merging `incoming` elements into a set, grows its table as
    /// CPython's `set_merge` and `set_update_internal` do.
    pub fn reserve_for_merge(&mut self, incoming: usize) {
        let len = self.len;
        if let Some(order) = &mut self.set_order {
            if (order.fill + incoming) * 5 >= order.mask() * 3 {
                order.resize((len + incoming) * 2);
            }
        }
    }

    /// After removing many elements, shrinks a set's table as CPython's
    /// `set_difference_update` does.
    pub fn shrink_if_sparse(&mut self) {
        if let Some(order) = &mut self.set_order {
            let used = order.used();
            if order.fill - used > order.mask() / 4 {
                order.resize(if used > 50000 { used * 2 } else { used * 4 });
            }
        }
    }

    /// Removes the entry `set.pop()` takes: the first active slot from the
    /// finger on, as CPython does.
    pub fn pop_first(&mut self) -> Option<Entry> {
        let Some(order) = &mut self.set_order else {
            let position = self.entries.iter().position(Option::is_some)?;
            return self.remove_at(position);
        };
        if self.len == 0 {
            return None;
        }
        let size = order.slots.len();
        let mut i = order.finger % size;
        let position = loop {
            if let Slot::Active { position, .. } = order.slots[i] {
                break position;
            }
            i = (i + 1) % size;
        };
        order.finger = i + 1;
        self.remove_at(position)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The entries in iteration order: insertion order for dicts, table
    /// order for sets.
    pub fn iter(&self) -> Box<dyn Iterator<Item = &Entry> + '_> {
        match &self.set_order {
            None => Box::new(self.entries.iter().flatten()),
            Some(order) => Box::new(order.slots.iter().filter_map(|slot| match slot {
                Slot::Active { position, .. } => self.entries[*position].as_ref(),
                _ => None,
            })),
        }
    }

    pub fn keys(&self) -> Vec<Value> {
        self.iter().map(|e| e.key.clone()).collect()
    }

    pub fn values(&self) -> Vec<Value> {
        self.iter().map(|e| e.value.clone()).collect()
    }

    pub fn items(&self) -> Vec<(Value, Value)> {
        self.iter()
            .map(|e| (e.key.clone(), e.value.clone()))
            .collect()
    }

    /// The entry at a position of the iteration order (including empty
    /// positions), for iterators that must notice changes during iteration.
    pub fn entry_at(&self, position: usize) -> Option<Option<&Entry>> {
        match &self.set_order {
            None => self.entries.get(position).map(Option::as_ref),
            Some(order) => order.slots.get(position).map(|slot| match slot {
                Slot::Active { position, .. } => self.entries[*position].as_ref(),
                _ => None,
            }),
        }
    }

    /// How many iteration positions `entry_at` has.
    pub fn capacity_positions(&self) -> usize {
        match &self.set_order {
            None => self.entries.len(),
            Some(order) => order.slots.len(),
        }
    }

    /// The position of the str key `name`. A key of another type is never
    /// equal to it here: a namespace's keys are strs, and an object that
    /// compares equal to a str by its own `__eq__` is not a name.
    fn find_name(&self, name: &str) -> Option<usize> {
        let hash = str_hash(name);
        self.indices
            .iter_hash(table_hash(hash))
            .copied()
            .find(|&position| {
                matches!(&self.entries[position], Some(Entry { hash: h, key: Value::Str(key), .. })
                    if *h == hash && key.as_str() == name)
            })
    }

    /// `dict[name]` for a str key, without running Python code.
    pub fn get_name(&self, name: &str) -> Option<Value> {
        self.find_name(name).and_then(|p| self.value_at(p))
    }

    /// `dict[name] = value` for a str key, without running Python code.
    pub fn set_name(&mut self, name: &str, value: Value) {
        match self.find_name(name) {
            Some(position) => self.set_value_at(position, value),
            None => self.push(str_hash(name), Value::str(name), value),
        }
    }

    /// `dict.pop(name, None)` for a str key, without running Python code.
    pub fn remove_name(&mut self, name: &str) -> Option<Value> {
        let position = self.find_name(name)?;
        self.remove_at(position).map(|entry| entry.value)
    }

    /// Looks `key` up without running Python code: found when a key of
    /// the same hash is natively equal (or the key itself) and no key that
    /// only `__eq__` can compare comes before it in the table's probe
    /// order; absent when no key of the same hash can be equal; otherwise
    /// what [`Interp::decide_with_eq`] must settle.
    fn find_native(&self, key: &Value, hash: i64) -> Lookup {
        // The table's own probe, stopping at the first key that is equal
        // or that needs `__eq__`; the latter, rare, are gathered after.
        let undecided = Cell::new(false);
        let found = self.indices.find(table_hash(hash), |&position| {
            match &self.entries[position] {
                Some(entry) if entry.hash == hash => {
                    native_key_eq(key, &entry.key).unwrap_or_else(|| {
                        undecided.set(true);
                        true
                    })
                }
                _ => false,
            }
        });
        match found {
            Some(_) if undecided.get() => {
                Lookup::Undecided(Box::new(self.find_undecided(key, hash)))
            }
            Some(&position) => Lookup::Found(position),
            None => Lookup::Absent,
        }
    }

    /// The keys of `hash` that `__eq__` must compare with `key`, in probe
    /// order, up to the first natively equal one.
    #[cold]
    fn find_undecided(&self, key: &Value, hash: i64) -> Undecided {
        let mut undecided = Undecided::default();
        for &position in self.indices.iter_hash(table_hash(hash)) {
            let Some(entry) = &self.entries[position] else {
                continue;
            };
            if entry.hash != hash {
                continue;
            }
            match native_key_eq(key, &entry.key) {
                Some(true) => {
                    undecided.then = Some(position);
                    break;
                }
                Some(false) => {}
                None => undecided.keys.push((position, entry.key.clone())),
            }
        }
        undecided
    }

    pub fn value_at(&self, position: usize) -> Option<Value> {
        self.entries
            .get(position)
            .and_then(|e| e.as_ref())
            .map(|e| e.value.clone())
    }

    pub fn set_value_at(&mut self, position: usize, value: Value) {
        if let Some(Some(entry)) = self.entries.get_mut(position) {
            discard(Some(std::mem::replace(&mut entry.value, value)));
        }
    }

    /// Appends a key known to be absent.
    pub fn push(&mut self, hash: i64, key: Value, value: Value) {
        let position = self.entries.len();
        self.entries.push(Some(Entry { hash, key, value }));
        let entries = &self.entries;
        self.indices
            .insert_unique(table_hash(hash), position, |&i| {
                entries[i].as_ref().map_or(0, |e| table_hash(e.hash))
            });
        self.len += 1;
        let len = self.len;
        if let Some(order) = &mut self.set_order {
            if order.insert(hash, position) {
                order.resize(if len > 50000 { len * 2 } else { len * 4 });
            }
        }
    }

    pub fn remove_at(&mut self, position: usize) -> Option<Entry> {
        let entry = self.entries.get_mut(position)?.take()?;
        if let Ok(found) = self
            .indices
            .find_entry(table_hash(entry.hash), |&i| i == position)
        {
            found.remove();
        }
        if let Some(order) = &mut self.set_order {
            order.remove(position);
        }
        self.len -= 1;
        if self.entries.len() > 16 && self.len * 2 < self.entries.len() {
            self.compact();
        }
        Some(entry)
    }

    /// Removes and returns the last entry (`popitem`).
    pub fn pop_last(&mut self) -> Option<Entry> {
        let position = self.last_position()?;
        self.remove_at(position)
    }

    pub fn first_position(&self) -> Option<usize> {
        self.entries.iter().position(Option::is_some)
    }

    pub fn last_position(&self) -> Option<usize> {
        self.entries.iter().rposition(Option::is_some)
    }

    pub fn clear(&mut self) {
        let flavor = self.flavor.take();
        *self = if self.set_order.is_some() {
            Dict::new_set()
        } else {
            Dict::new()
        };
        self.flavor = flavor;
    }

    /// The class of a dict of `collections`, if it is one.
    pub fn flavor_class(&self) -> Option<&Rc<Class>> {
        self.flavor.as_ref().map(|flavor| &flavor.class)
    }

    /// Moves the entry at `position` to the end of the order, or to its
    /// start (`OrderedDict.move_to_end`).
    pub fn move_entry(&mut self, position: usize, to_end: bool) {
        let Some(entry) = self.remove_at(position) else {
            return;
        };
        if to_end {
            self.push(entry.hash, entry.key, entry.value);
        } else {
            self.entries.insert(0, Some(entry));
            self.len += 1;
            self.compact();
        }
    }

    /// Drops deleted entries; a set's slot table keeps its layout, with
    /// its positions renumbered.
    fn compact(&mut self) {
        let mut renumbered = vec![usize::MAX; self.entries.len()];
        let mut kept = Vec::with_capacity(self.len);
        for (old, entry) in self.entries.drain(..).enumerate() {
            if let Some(entry) = entry {
                renumbered[old] = kept.len();
                kept.push(entry);
            }
        }
        self.indices.clear();
        for (position, entry) in kept.iter().enumerate() {
            let entries = &kept;
            self.indices
                .insert_unique(table_hash(entry.hash), position, |&i| {
                    table_hash(entries[i].hash)
                });
        }
        self.entries = kept.into_iter().map(Some).collect();
        if let Some(order) = &mut self.set_order {
            for slot in &mut order.slots {
                if let Slot::Active { position, .. } = slot {
                    *position = renumbered[*position];
                }
            }
            order.reindex();
        }
    }
}

/// Equality of two keys decided without running Python code, or `None`
/// when a user `__eq__` may have a say.
#[inline]
pub fn native_key_eq(a: &Value, b: &Value) -> Option<bool> {
    // The usual keys, compared where the lookup is.
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x == y),
        (Value::Str(x), Value::Str(y)) => Some(x.as_str() == y.as_str()),
        _ => other_key_eq(a, b),
    }
}

fn other_key_eq(a: &Value, b: &Value) -> Option<bool> {
    use Value::*;
    Some(match (a, b) {
        (Str(x), Str(y)) => x.as_str() == y.as_str(),
        (Bytes(x), Bytes(y)) => x == y,
        (Int(x), Int(y)) => x == y,
        (Bool(x), Bool(y)) => x.get() == y.get(),
        (Int(x), Bool(y)) | (Bool(y), Int(x)) => *x == y.get() as i64,
        // Identity first, as CPython compares keys: a NaN is its own key
        // (and floats are the same object when their bits are, see `is`).
        (Float(x), Float(y)) => x.get() == y.get() || x.get().to_bits() == y.get().to_bits(),
        (Int(x), Float(y)) | (Float(y), Int(x)) => (*x as f64) == y.get() && (y.get() as i64) == *x,
        (Bool(x), Float(y)) | (Float(y), Bool(x)) => (x.get() as i64 as f64) == y.get(),
        (BigInt(x), BigInt(y)) => x == y,
        (None, None) | (Ellipsis, Ellipsis) => true,
        (Tuple(x), Tuple(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            for (p, q) in x.iter().zip(y.iter()) {
                if !native_key_eq(p, q)? {
                    return Some(false);
                }
            }
            true
        }
        (Instance(_), _) | (_, Instance(_)) => {
            if a.is(b) {
                true
            } else {
                return Option::None;
            }
        }
        _ => {
            if a.is(b) {
                true
            } else if std::mem::discriminant(a) == std::mem::discriminant(b)
                || matches!(a, Int(_) | BigInt(_) | Float(_) | Bool(_))
                    && matches!(b, Int(_) | BigInt(_) | Float(_) | Bool(_))
            {
                return Option::None;
            } else {
                false
            }
        }
    })
}

/// A key to look a set's items up by: a set, unhashable, stands for the
/// frozenset of its items (CPython's `set.__contains__`, `remove`,
/// `discard`).
pub fn set_key(key: &Value) -> std::borrow::Cow<'_, Value> {
    match key {
        Value::Set(table) => std::borrow::Cow::Owned(Value::FrozenSet(std::rc::Rc::new(
            table.borrow().set_copy(),
        ))),
        other => std::borrow::Cow::Borrowed(other),
    }
}

/// What a lookup without Python code found ([`Dict::find_native`]): two
/// words, returned in registers.
enum Lookup {
    Found(usize),
    Absent,
    /// Boxed: rare, and large.
    Undecided(Box<Undecided>),
}

/// What a lookup without Python code left to `__eq__`: the keys of the
/// same hash that only it can compare, in probe order, and the position
/// of a natively equal key after them, if there is one.
#[derive(Default)]
struct Undecided {
    keys: Vec<(usize, Value)>,
    then: Option<usize>,
}

impl Interp {
    /// The position of `key` in `dict`, if present.
    pub fn dict_find(
        &mut self,
        dict: &RefCell<Dict>,
        key: &Value,
        hash: i64,
    ) -> PyResult<Option<usize>> {
        // The borrow ends before any `__eq__` runs.
        let lookup = dict.borrow().find_native(key, hash);
        self.decide(key, lookup)
    }

    /// Membership in a table nobody can change (a frozenset).
    pub fn frozen_contains(&mut self, table: &Dict, key: &Value) -> PyResult<bool> {
        let hash = self.hash(key)?;
        let lookup = table.find_native(key, hash);
        Ok(self.decide(key, lookup)?.is_some())
    }

    /// The position a lookup found, once `__eq__` has settled what it
    /// could not.
    #[inline(always)]
    fn decide(&mut self, key: &Value, lookup: Lookup) -> PyResult<Option<usize>> {
        match lookup {
            Lookup::Found(position) => Ok(Some(position)),
            Lookup::Absent => Ok(None),
            Lookup::Undecided(undecided) => self.decide_with_eq(key, *undecided),
        }
    }

    /// The position of `key`, once the keys of its hash that only
    /// `__eq__` can compare have been compared in probe order, each as
    /// CPython's lookup does it: `existing == key`.
    #[cold]
    fn decide_with_eq(&mut self, key: &Value, undecided: Undecided) -> PyResult<Option<usize>> {
        for (position, existing) in undecided.keys {
            if self.eq(&existing, key)? {
                return Ok(Some(position));
            }
        }
        Ok(undecided.then)
    }

    pub fn dict_get(&mut self, dict: &RefCell<Dict>, key: &Value) -> PyResult<Option<Value>> {
        let hash = self.hash(key)?;
        // Settled natively, the common case, under one borrow.
        let lookup = {
            let table = dict.borrow();
            match table.find_native(key, hash) {
                Lookup::Found(position) => return Ok(table.value_at(position)),
                Lookup::Absent => return Ok(None),
                undecided => undecided,
            }
        };
        let position = self.decide(key, lookup)?;
        Ok(position.and_then(|p| dict.borrow().value_at(p)))
    }

    pub fn dict_contains(&mut self, dict: &RefCell<Dict>, key: &Value) -> PyResult<bool> {
        let hash = self.hash(key)?;
        Ok(self.dict_find(dict, key, hash)?.is_some())
    }

    /// `dict[key] = value`; an existing key keeps its place and its
    /// original key object, as in CPython.
    pub fn dict_set(&mut self, dict: &RefCell<Dict>, key: Value, value: Value) -> PyResult<()> {
        let hash = self.hash(&key)?;
        // Settled natively, the common case, under one borrow.
        let lookup = {
            let mut table = dict.borrow_mut();
            match table.find_native(&key, hash) {
                Lookup::Found(position) => {
                    table.set_value_at(position, value);
                    discard(Some(key));
                    return Ok(());
                }
                Lookup::Absent => {
                    table.push(hash, key, value);
                    return Ok(());
                }
                undecided => undecided,
            }
        };
        match self.decide(&key, lookup)? {
            Some(position) => {
                dict.borrow_mut().set_value_at(position, value);
                // The key already there stays; this one is most often an int.
                discard(Some(key));
            }
            None => dict.borrow_mut().push(hash, key, value),
        }
        Ok(())
    }

    pub fn dict_remove(&mut self, dict: &RefCell<Dict>, key: &Value) -> PyResult<Option<Value>> {
        let hash = self.hash(key)?;
        Ok(match self.dict_find(dict, key, hash)? {
            Some(position) => dict.borrow_mut().remove_at(position).map(|e| e.value),
            None => None,
        })
    }

    /// A dict built from key/value pairs, later duplicates winning.
    pub fn dict_from_pairs(&mut self, pairs: Vec<(Value, Value)>) -> PyResult<RefCell<Dict>> {
        let dict = RefCell::new(Dict::new());
        for (key, value) in pairs {
            self.dict_set(&dict, key, value)?;
        }
        Ok(dict)
    }

    /// A set's table from its elements.
    pub fn set_from_values(&mut self, values: Vec<Value>) -> PyResult<RefCell<Dict>> {
        let set = RefCell::new(Dict::new_set());
        for value in values {
            self.dict_set(&set, value, Value::None)?;
        }
        Ok(set)
    }
}

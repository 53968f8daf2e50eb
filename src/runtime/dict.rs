//! The insertion-ordered hash table behind `dict`, `set` and `frozenset`.
//!
//! Keys hash and compare with Python semantics (`1`, `1.0` and `True` are
//! one key), which may run user `__hash__`/`__eq__` code. So the table
//! itself only stores and probes; the `Interp` methods at the bottom
//! compute hashes and equality with no `RefCell` borrow held across a call
//! into Python code.

use std::cell::RefCell;

use hashbrown::HashTable;

use super::error::PyResult;
use super::interp::Interp;
use super::value::Value;

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
}

impl Dict {
    pub fn new() -> Dict {
        Dict::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().flatten()
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

    /// The entry at a position of the insertion order (including deleted
    /// slots), for iterators that must notice changes during iteration.
    pub fn entry_at(&self, position: usize) -> Option<Option<&Entry>> {
        self.entries.get(position).map(Option::as_ref)
    }

    pub fn capacity_positions(&self) -> usize {
        self.entries.len()
    }

    /// Positions of the entries whose hash is `hash`.
    fn candidates(&self, hash: i64) -> Vec<usize> {
        let entries = &self.entries;
        self.indices
            .iter_hash(hash as u64)
            .copied()
            .filter(|&i| matches!(&entries[i], Some(e) if e.hash == hash))
            .collect()
    }

    fn key_at(&self, position: usize) -> Option<Value> {
        self.entries[position].as_ref().map(|e| e.key.clone())
    }

    pub fn value_at(&self, position: usize) -> Option<Value> {
        self.entries
            .get(position)
            .and_then(|e| e.as_ref())
            .map(|e| e.value.clone())
    }

    pub fn set_value_at(&mut self, position: usize, value: Value) {
        if let Some(Some(entry)) = self.entries.get_mut(position) {
            entry.value = value;
        }
    }

    /// Appends a key known to be absent.
    pub fn push(&mut self, hash: i64, key: Value, value: Value) {
        let position = self.entries.len();
        self.entries.push(Some(Entry { hash, key, value }));
        let entries = &self.entries;
        self.indices.insert_unique(hash as u64, position, |&i| {
            entries[i].as_ref().map_or(0, |e| e.hash as u64)
        });
        self.len += 1;
    }

    pub fn remove_at(&mut self, position: usize) -> Option<Entry> {
        let entry = self.entries.get_mut(position)?.take()?;
        if let Ok(found) = self
            .indices
            .find_entry(entry.hash as u64, |&i| i == position)
        {
            found.remove();
        }
        self.len -= 1;
        if self.entries.len() > 16 && self.len * 2 < self.entries.len() {
            self.compact();
        }
        Some(entry)
    }

    /// Removes and returns the last entry (`popitem`).
    pub fn pop_last(&mut self) -> Option<Entry> {
        let position = self.entries.iter().rposition(Option::is_some)?;
        self.remove_at(position)
    }

    pub fn clear(&mut self) {
        *self = Dict::new();
    }

    fn compact(&mut self) {
        let entries: Vec<Entry> = self.entries.drain(..).flatten().collect();
        self.indices.clear();
        self.len = 0;
        for entry in entries {
            self.push(entry.hash, entry.key, entry.value);
        }
    }
}

/// Equality of two keys decided without running Python code, or `None`
/// when a user `__eq__` may have a say.
pub fn native_key_eq(a: &Value, b: &Value) -> Option<bool> {
    use Value::*;
    Some(match (a, b) {
        (Str(x), Str(y)) => x.as_str() == y.as_str(),
        (Int(x), Int(y)) => x == y,
        (Bool(x), Bool(y)) => x == y,
        (Int(x), Bool(y)) | (Bool(y), Int(x)) => *x == *y as i64,
        (Float(x), Float(y)) => x == y,
        (Int(x), Float(y)) | (Float(y), Int(x)) => (*x as f64) == *y && (*y as i64) == *x,
        (Bool(x), Float(y)) | (Float(y), Bool(x)) => (*x as i64 as f64) == *y,
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

impl Interp {
    /// The position of `key` in `dict`, if present.
    pub fn dict_find(
        &mut self,
        dict: &RefCell<Dict>,
        key: &Value,
        hash: i64,
    ) -> PyResult<Option<usize>> {
        let candidates = dict.borrow().candidates(hash);
        for position in candidates {
            let Some(existing) = dict.borrow().key_at(position) else {
                continue;
            };
            let equal = match native_key_eq(key, &existing) {
                Some(equal) => equal,
                None => self.eq(key, &existing)?,
            };
            if equal {
                return Ok(Some(position));
            }
        }
        Ok(None)
    }

    pub fn dict_get(&mut self, dict: &RefCell<Dict>, key: &Value) -> PyResult<Option<Value>> {
        let hash = self.hash(key)?;
        let position = self.dict_find(dict, key, hash)?;
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
        match self.dict_find(dict, &key, hash)? {
            Some(position) => dict.borrow_mut().set_value_at(position, value),
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
        let set = RefCell::new(Dict::new());
        for value in values {
            self.dict_set(&set, value, Value::None)?;
        }
        Ok(set)
    }
}

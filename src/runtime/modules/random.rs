//! The `random` module: CPython 3.11's `Random` class and the module-level
//! functions (the methods of its hidden instance, `interp.random`), each
//! over a [`Generator`]. For the same seed and the same calls every result
//! is CPython's, because each function consumes the generator exactly as
//! `Lib/random.py` does.

use std::cell::{Cell, RefCell, RefMut};
use std::rc::Rc;

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{Signed, ToPrimitive};

use crate::runtime::arith;
use crate::runtime::builtins::{add_function, add_method};
use crate::runtime::error::{ExcType, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::{Class, ModuleObject, NativeFn, NativeObject};
use crate::runtime::value::Value;
use crate::syntax::ast::{BinOp, CmpOp, Name};

use super::mt19937::Mt19937;

/// A `random.Random`: the module's hidden one or a program's own.
pub struct Generator {
    mt: RefCell<Mt19937>,
    /// The second normal deviate `gauss` made and keeps for its next call
    /// (CPython's `Random.gauss_next`); seeding forgets it.
    gauss_next: Cell<Option<f64>>,
}

impl Generator {
    /// Seeded from the OS, as `Random()`.
    pub fn from_entropy() -> Generator {
        Generator {
            mt: RefCell::new(Mt19937::from_entropy()),
            gauss_next: Cell::new(None),
        }
    }

    /// Seeded as `Random(seed)` for an int: a fixed sequence (the fuzzer's).
    pub fn from_seed(seed: i64) -> Generator {
        Generator {
            mt: RefCell::new(Mt19937::from_seed_i64(seed)),
            gauss_next: Cell::new(None),
        }
    }

    /// Borrowed for one draw at a time: no Python code runs meanwhile.
    fn mt(&self) -> RefMut<'_, Mt19937> {
        self.mt.borrow_mut()
    }
}

impl NativeObject for Generator {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        interp.native_class("Random")
    }

    fn get_attribute(&self, _interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        match name {
            "gauss_next" => Some(Ok(self.gauss_next.get().map_or(Value::None, Value::float))),
            _ => None,
        }
    }
}

/// A function of `Random`'s: given the generator, then the arguments
/// after `self`.
type GeneratorFn = fn(&mut Interp, &Generator, &[Value], &[(Name, Value)]) -> PyResult<Value>;

/// Each function, `(name, as the module's function, as Random's method)`:
/// the module's draws from its hidden generator, the method from `self`.
macro_rules! generator_functions {
    ($($name:literal => $function:ident),* $(,)?) => {
        [$((
            $name,
            (|interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]| {
                let generator = interp.random_generator();
                ($function as GeneratorFn)(interp, &generator, args, kwargs)
            }) as NativeFn,
            (|interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]| {
                let generator = receiver(interp, args, $name)?;
                ($function as GeneratorFn)(interp, generator, &args[1..], kwargs)
            }) as NativeFn,
        )),*]
    };
}

/// `self` of a `Random` method.
fn receiver<'a>(interp: &Interp, args: &'a [Value], method: &str) -> PyResult<&'a Generator> {
    match args.first() {
        Some(Value::Native(native)) if let Some(generator) = native.downcast_ref::<Generator>() => {
            Ok(generator)
        }
        _ => Err(crate::runtime::builtins::sequences::receiver_error(
            interp,
            "_random.Random",
            method,
            args,
        )),
    }
}

pub fn create(interp: &mut Interp) -> Rc<ModuleObject> {
    let module = super::new_module("random");
    let ns = &module.namespace;
    let class = interp.define_module_class("Random", "random");
    add_method(&class, "__new__", random_new);
    add_method(&class, "__init__", random_init);
    let functions = generator_functions![
        "seed" => random_seed,
        "random" => random_random,
        "getrandbits" => random_getrandbits,
        "getstate" => random_getstate,
        "setstate" => random_setstate,
        "randbytes" => random_randbytes,
        "randrange" => random_randrange,
        "randint" => random_randint,
        "choice" => random_choice,
        "choices" => random_choices,
        "shuffle" => random_shuffle,
        "sample" => random_sample,
        "uniform" => random_uniform,
        "triangular" => random_triangular,
        "gauss" => random_gauss,
        "normalvariate" => random_normalvariate,
        "lognormvariate" => random_lognormvariate,
        "expovariate" => random_expovariate,
        "paretovariate" => random_paretovariate,
        "weibullvariate" => random_weibullvariate,
        "betavariate" => random_betavariate,
        "gammavariate" => random_gammavariate,
        "vonmisesvariate" => random_vonmisesvariate,
    ];
    for (name, function, method) in functions {
        add_function(ns, name, function);
        add_method(&class, name, method);
    }
    class
        .namespace
        .borrow_mut()
        .insert("VERSION".into(), Value::Int(3));
    ns.borrow_mut().insert("Random".into(), Value::Type(class));
    for (name, value) in [
        ("TWOPI", TWOPI),
        ("NV_MAGICCONST", nv_magic()),
        ("LOG4", 4f64.ln()),
        ("SG_MAGICCONST", 1.0 + 4.5f64.ln()),
        ("RECIP_BPF", 2f64.powi(-53)),
    ] {
        ns.borrow_mut().insert(name.into(), Value::float(value));
    }
    ns.borrow_mut().insert("BPF".into(), Value::Int(53));
    module
}

// ---------------------------------------------------------------------------
// Argument binding with the messages of a Python-level method
// ---------------------------------------------------------------------------

/// The parameters of one `Random` method written in Python: positional (or
/// keyword) names, how many of them are required, and keyword-only names.
struct Signature {
    name: &'static str,
    params: &'static [&'static str],
    required: usize,
    keyword_only: &'static [&'static str],
}

/// Binds the arguments like a call of a Python function with `self`: one
/// slot per parameter (positional ones first, then keyword-only ones).
fn bind(
    interp: &Interp,
    sig: &Signature,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Vec<Option<Value>>> {
    let name = sig.name;
    let positional = sig.params.len();
    if args.len() > positional {
        let takes = if sig.required == positional {
            let plural = if positional == 0 { "" } else { "s" };
            format!("{} positional argument{plural}", positional + 1)
        } else {
            format!(
                "from {} to {} positional arguments",
                sig.required + 1,
                positional + 1
            )
        };
        return Err(interp.type_error(format!(
            "Random.{name}() takes {takes} but {} were given",
            args.len() + 1
        )));
    }
    let mut slots: Vec<Option<Value>> = args.iter().cloned().map(Some).collect();
    slots.resize(positional + sig.keyword_only.len(), None);
    for (key, value) in kwargs {
        let index = sig
            .params
            .iter()
            .chain(sig.keyword_only)
            .position(|param| **param == **key);
        let Some(index) = index else {
            return Err(interp.type_error(format!(
                "Random.{name}() got an unexpected keyword argument '{key}'"
            )));
        };
        if slots[index].is_some() {
            return Err(interp.type_error(format!(
                "Random.{name}() got multiple values for argument '{key}'"
            )));
        }
        slots[index] = Some(value.clone());
    }
    let missing: Vec<String> = (0..sig.required)
        .filter(|&i| slots[i].is_none())
        .map(|i| format!("'{}'", sig.params[i]))
        .collect();
    if !missing.is_empty() {
        let list = match missing.as_slice() {
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
            [] => String::new(),
        };
        return Err(interp.type_error(format!(
            "Random.{name}() missing {} required positional argument{}: {list}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" }
        )));
    }
    Ok(slots)
}

/// The bound value of a required parameter (present after [`bind`]).
fn required(slots: &[Option<Value>], index: usize) -> Value {
    slots.get(index).cloned().flatten().unwrap_or(Value::None)
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// `_randbelow(n)` for `n > 0` of any size.
fn randbelow(interp: &mut Interp, generator: &Generator, n: &BigInt) -> PyResult<BigInt> {
    if let Some(small) = n.to_u64() {
        return Ok(BigInt::from(generator.mt().randbelow(small)));
    }
    if n.bits() > u32::MAX as u64 {
        return Err(interp.error(
            ExcType::OverflowError,
            "Python int too large to convert to C int",
        ));
    }
    let magnitude = n.magnitude();
    Ok(BigInt::from(generator.mt().randbelow_big(magnitude)))
}

fn randbelow_usize(generator: &Generator, n: usize) -> usize {
    generator.mt().randbelow(n as u64) as usize
}

/// The int `operator.index(v)` gives, or `None` for a non-integer.
fn as_int(interp: &mut Interp, value: &Value) -> PyResult<Option<BigInt>> {
    if let Some(n) = interp.to_bigint(value) {
        return Ok(Some(n));
    }
    if matches!(value, Value::Instance(_)) && interp.lookup_special(value, "__index__").is_some() {
        return Ok(Some(BigInt::from(interp.to_index(value)?)));
    }
    Ok(None)
}

/// `randrange`'s argument conversion: `operator.index`, else `int(v)`
/// when that equals `v` (a deprecated float like `3.0`), else ValueError.
fn randrange_arg(interp: &mut Interp, value: &Value, what: &str) -> PyResult<BigInt> {
    if let Some(n) = as_int(interp, value)? {
        return Ok(n);
    }
    match value {
        Value::Float(f) => {
            let truncated = arith::float_to_int(interp, f.get())?;
            if f.get().fract() != 0.0 {
                return Err(interp.value_error(format!("non-integer {what} for randrange()")));
            }
            Ok(interp.to_bigint(&truncated).unwrap_or_default())
        }
        Value::Str(s) => {
            // int('5') succeeds but differs from '5'; anything else is not
            // an int literal at all.
            if s.as_str().trim().parse::<BigInt>().is_ok() {
                return Err(interp.value_error(format!("non-integer {what} for randrange()")));
            }
            let literal = interp.repr(value)?;
            Err(interp.value_error(format!("invalid literal for int() with base 10: {literal}")))
        }
        _ => Err(interp.type_error(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            interp.type_name(value)
        ))),
    }
}

/// CPython 3.11's `randrange(start, stop=None, step=1)`.
fn randrange(
    interp: &mut Interp,
    generator: &Generator,
    start: &Value,
    stop: Option<&Value>,
    step: Option<&Value>,
) -> PyResult<Value> {
    let istart = randrange_arg(interp, start, "arg 1")?;
    // CPython tests `step is not _ONE`; an explicit 1 is that same object.
    let step = step.filter(|step| !matches!(step, Value::Int(1)));
    let Some(stop) = stop.filter(|stop| !stop.is_none()) else {
        if step.is_some() {
            return Err(interp.type_error("Missing a non-None stop argument"));
        }
        if istart.is_positive() {
            return Ok(Value::from_bigint(randbelow(interp, generator, &istart)?));
        }
        return Err(interp.value_error("empty range for randrange()"));
    };
    let istop = randrange_arg(interp, stop, "stop")?;
    let width = &istop - &istart;
    let istep = match step {
        Some(step) => randrange_arg(interp, step, "step")?,
        None => BigInt::from(1),
    };
    if istep == BigInt::from(1) {
        if width.is_positive() {
            return Ok(Value::from_bigint(
                istart + randbelow(interp, generator, &width)?,
            ));
        }
        return Err(interp.value_error(format!(
            "empty range for randrange() ({istart}, {istop}, {width})"
        )));
    }
    let n = if istep.is_positive() {
        num_integer::Integer::div_floor(&(&width + &istep - 1), &istep)
    } else if istep.is_negative() {
        num_integer::Integer::div_floor(&(&width + &istep + 1), &istep)
    } else {
        return Err(interp.value_error("zero step for randrange()"));
    };
    if !n.is_positive() {
        return Err(interp.value_error("empty range for randrange()"));
    }
    let offset = randbelow(interp, generator, &n)?;
    Ok(Value::from_bigint(istart + istep * offset))
}

// ---------------------------------------------------------------------------
// Seeding
// ---------------------------------------------------------------------------

const SEED_TYPES: &str =
    "The only supported seed types are: None,\nint, float, str, bytes, and bytearray.";

/// `seed(a=None, version=2)`.
fn random_seed(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    seed(interp, generator, args, kwargs)?;
    generator.gauss_next.set(None);
    Ok(Value::None)
}

fn seed(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    const SIG: Signature = Signature {
        name: "seed",
        params: &["a", "version"],
        required: 0,
        keyword_only: &[],
    };
    let slots = bind(interp, &SIG, args, kwargs)?;
    let a = slots[0].clone().unwrap_or(Value::None);
    let version = match &slots[1] {
        Some(v) => as_int(interp, v)?,
        None => Some(BigInt::from(2)),
    };
    let seed: BigUint = match &a {
        Value::None => {
            generator.mt().seed_from_entropy();
            return Ok(Value::None);
        }
        Value::Int(_) | Value::BigInt(_) | Value::Bool(_) => {
            interp.to_bigint(&a).unwrap_or_default().magnitude().clone()
        }
        Value::Float(_) => {
            // CPython seeds any other hashable by its hash, as a size_t.
            let hash = arith::hash_number(&a).unwrap_or(0);
            BigUint::from(hash as u64)
        }
        Value::Str(_) | Value::Bytes(_) | Value::ByteArray(_)
            if version == Some(BigInt::from(2)) =>
        {
            // Version 2: int.from_bytes(a + sha512(a).digest(), 'big'), a
            // str by its UTF-8 bytes.
            let mut bytes = match &a {
                Value::Str(s) => s.as_str().as_bytes().to_vec(),
                other => other
                    .bytes_like()
                    .map(Rc::unwrap_or_clone)
                    .unwrap_or_default(),
            };
            let digest = sha512(&bytes);
            bytes.extend_from_slice(&digest);
            BigUint::from_bytes_be(&bytes)
        }
        Value::Str(_) | Value::Bytes(_) if version == Some(BigInt::from(1)) => {
            // Version 1: a 64-bit string hash of the code points (of bytes
            // decoded as Latin-1).
            let codes: Vec<u64> = match &a {
                Value::Str(s) => s.as_str().chars().map(|c| c as u64).collect(),
                other => other
                    .bytes_like()
                    .map_or_else(Vec::new, |bytes| bytes.iter().map(|&b| b as u64).collect()),
            };
            let mut x: u64 = codes.first().map_or(0, |&c| c << 7);
            for &c in &codes {
                x = x.wrapping_mul(1_000_003) ^ c;
            }
            x ^= codes.len() as u64;
            BigUint::from(x)
        }
        Value::Str(_) => {
            // Other versions seed with hash(a), which CPython randomizes per
            // process for strings.
            generator.mt().seed_from_entropy();
            return Ok(Value::None);
        }
        _ => return Err(interp.type_error(SEED_TYPES)),
    };
    generator.mt().seed_words(&seed.to_u32_digits());
    Ok(Value::None)
}

/// SHA-512 (FIPS 180-4), for CPython's version-2 seeding of strings.
fn sha512(message: &[u8]) -> [u8; 64] {
    const K: [u64; 80] = [
        0x428a2f98d728ae22,
        0x7137449123ef65cd,
        0xb5c0fbcfec4d3b2f,
        0xe9b5dba58189dbbc,
        0x3956c25bf348b538,
        0x59f111f1b605d019,
        0x923f82a4af194f9b,
        0xab1c5ed5da6d8118,
        0xd807aa98a3030242,
        0x12835b0145706fbe,
        0x243185be4ee4b28c,
        0x550c7dc3d5ffb4e2,
        0x72be5d74f27b896f,
        0x80deb1fe3b1696b1,
        0x9bdc06a725c71235,
        0xc19bf174cf692694,
        0xe49b69c19ef14ad2,
        0xefbe4786384f25e3,
        0x0fc19dc68b8cd5b5,
        0x240ca1cc77ac9c65,
        0x2de92c6f592b0275,
        0x4a7484aa6ea6e483,
        0x5cb0a9dcbd41fbd4,
        0x76f988da831153b5,
        0x983e5152ee66dfab,
        0xa831c66d2db43210,
        0xb00327c898fb213f,
        0xbf597fc7beef0ee4,
        0xc6e00bf33da88fc2,
        0xd5a79147930aa725,
        0x06ca6351e003826f,
        0x142929670a0e6e70,
        0x27b70a8546d22ffc,
        0x2e1b21385c26c926,
        0x4d2c6dfc5ac42aed,
        0x53380d139d95b3df,
        0x650a73548baf63de,
        0x766a0abb3c77b2a8,
        0x81c2c92e47edaee6,
        0x92722c851482353b,
        0xa2bfe8a14cf10364,
        0xa81a664bbc423001,
        0xc24b8b70d0f89791,
        0xc76c51a30654be30,
        0xd192e819d6ef5218,
        0xd69906245565a910,
        0xf40e35855771202a,
        0x106aa07032bbd1b8,
        0x19a4c116b8d2d0c8,
        0x1e376c085141ab53,
        0x2748774cdf8eeb99,
        0x34b0bcb5e19b48a8,
        0x391c0cb3c5c95a63,
        0x4ed8aa4ae3418acb,
        0x5b9cca4f7763e373,
        0x682e6ff3d6b2b8a3,
        0x748f82ee5defb2fc,
        0x78a5636f43172f60,
        0x84c87814a1f0ab72,
        0x8cc702081a6439ec,
        0x90befffa23631e28,
        0xa4506cebde82bde9,
        0xbef9a3f7b2c67915,
        0xc67178f2e372532b,
        0xca273eceea26619c,
        0xd186b8c721c0c207,
        0xeada7dd6cde0eb1e,
        0xf57d4f7fee6ed178,
        0x06f067aa72176fba,
        0x0a637dc5a2c898a6,
        0x113f9804bef90dae,
        0x1b710b35131c471b,
        0x28db77f523047d84,
        0x32caab7b40c72493,
        0x3c9ebe0a15c9bebc,
        0x431d67c49c100d4c,
        0x4cc5d4becb3e42b6,
        0x597f299cfc657e2a,
        0x5fcb6fab3ad6faec,
        0x6c44198c4a475817,
    ];
    let mut h: [u64; 8] = [
        0x6a09e667f3bcc908,
        0xbb67ae8584caa73b,
        0x3c6ef372fe94f82b,
        0xa54ff53a5f1d36f1,
        0x510e527fade682d1,
        0x9b05688c2b3e6c1f,
        0x1f83d9abfb41bd6b,
        0x5be0cd19137e2179,
    ];
    let mut data = message.to_vec();
    data.push(0x80);
    while data.len() % 128 != 112 {
        data.push(0);
    }
    data.extend_from_slice(&((message.len() as u128) * 8).to_be_bytes());
    for block in data.chunks_exact(128) {
        let mut w = [0u64; 80];
        for (i, word) in block.chunks_exact(8).enumerate() {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(word);
            w[i] = u64::from_be_bytes(bytes);
        }
        for i in 16..80 {
            let s0 = w[i - 15].rotate_right(1) ^ w[i - 15].rotate_right(8) ^ (w[i - 15] >> 7);
            let s1 = w[i - 2].rotate_right(19) ^ w[i - 2].rotate_right(61) ^ (w[i - 2] >> 6);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..80 {
            let s1 = e.rotate_right(14) ^ e.rotate_right(18) ^ e.rotate_right(41);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(28) ^ a.rotate_right(34) ^ a.rotate_right(39);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (slot, value) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *slot = slot.wrapping_add(value);
        }
    }
    let mut digest = [0u8; 64];
    for (chunk, word) in digest.chunks_exact_mut(8).zip(h) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    digest
}

// ---------------------------------------------------------------------------
// The functions
// ---------------------------------------------------------------------------

fn random_random(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(interp.type_error("Random.random() takes no keyword arguments"));
    }
    if !args.is_empty() {
        return Err(interp.type_error(format!(
            "Random.random() takes no arguments ({} given)",
            args.len()
        )));
    }
    Ok(Value::float(generator.mt().random()))
}

fn random_getrandbits(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(interp.type_error("Random.getrandbits() takes no keyword arguments"));
    }
    let [k] = args else {
        return Err(interp.type_error(format!(
            "Random.getrandbits() takes exactly one argument ({} given)",
            args.len()
        )));
    };
    let Some(k) = as_int(interp, k)? else {
        return Err(interp.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            interp.type_name(k)
        )));
    };
    if k.is_negative() {
        return Err(interp.value_error("number of bits must be non-negative"));
    }
    let Some(k) = k.to_u32() else {
        return Err(interp.error(
            ExcType::OverflowError,
            "Python int too large to convert to C int",
        ));
    };
    let bits = generator.mt().getrandbits(k);
    Ok(Value::from_bigint(BigInt::from_biguint(Sign::Plus, bits)))
}

fn random_randrange(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    const SIG: Signature = Signature {
        name: "randrange",
        params: &["start", "stop", "step"],
        required: 1,
        keyword_only: &[],
    };
    let slots = bind(interp, &SIG, args, kwargs)?;
    randrange(
        interp,
        generator,
        &required(&slots, 0),
        slots[1].as_ref(),
        slots[2].as_ref(),
    )
}

fn random_randint(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    const SIG: Signature = Signature {
        name: "randint",
        params: &["a", "b"],
        required: 2,
        keyword_only: &[],
    };
    let slots = bind(interp, &SIG, args, kwargs)?;
    let (a, b) = (required(&slots, 0), required(&slots, 1));
    let stop = interp.binary_op(BinOp::Add, &b, &Value::Int(1))?;
    randrange(interp, generator, &a, Some(&stop), None)
}

fn random_choice(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    const SIG: Signature = Signature {
        name: "choice",
        params: &["seq"],
        required: 1,
        keyword_only: &[],
    };
    let slots = bind(interp, &SIG, args, kwargs)?;
    let seq = required(&slots, 0);
    let len = interp.len(&seq)?;
    if len == 0 {
        return Err(interp.index_error("Cannot choose from an empty sequence"));
    }
    let index = randbelow_usize(generator, len);
    interp.get_item(&seq, &Value::from(index))
}

/// `choices(population, weights=None, *, cum_weights=None, k=1)`.
fn random_choices(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    const SIG: Signature = Signature {
        name: "choices",
        params: &["population", "weights"],
        required: 1,
        keyword_only: &["cum_weights", "k"],
    };
    let slots = bind(interp, &SIG, args, kwargs)?;
    let population = required(&slots, 0);
    let weights = slots[1].clone().filter(|w| !w.is_none());
    let cum_weights = slots[2].clone().filter(|w| !w.is_none());
    let k = match &slots[3] {
        Some(k) => interp.to_index(k)?,
        None => 1,
    };
    let n = interp.len(&population)?;
    let cum_weights = match (cum_weights, weights) {
        (None, None) => {
            let mut result = Vec::new();
            for _ in 0..k.max(0) {
                let index = (generator.mt().random() * n as f64).floor() as usize;
                result.push(interp.get_item(&population, &Value::from(index))?);
            }
            return Ok(Value::list(result));
        }
        (None, Some(weights)) => {
            if let Value::Int(count) = weights {
                return Err(interp.type_error(format!(
                    "The number of choices must be a keyword argument: k={count}"
                )));
            }
            accumulate(interp, &weights)?
        }
        (Some(cum_weights), None) => interp.collect(&cum_weights)?,
        (Some(_), Some(_)) => {
            return Err(interp.type_error("Cannot specify both weights and cumulative weights"))
        }
    };
    if cum_weights.len() != n {
        return Err(interp.value_error("The number of weights does not match the population"));
    }
    let last = cum_weights.last().cloned().unwrap_or(Value::Int(0));
    let total = interp.binary_op(BinOp::Add, &last, &Value::float(0.0))?;
    let total = match total {
        Value::Float(f) => f.get(),
        other => {
            return Err(interp.type_error(format!(
                "must be real number, not {}",
                interp.type_name(&other)
            )))
        }
    };
    if total <= 0.0 {
        return Err(interp.value_error("Total of weights must be greater than zero"));
    }
    if !total.is_finite() {
        return Err(interp.value_error("Total of weights must be finite"));
    }
    let hi = n.saturating_sub(1);
    let mut result = Vec::new();
    for _ in 0..k.max(0) {
        let x = Value::float(generator.mt().random() * total);
        let index = bisect_right(interp, &cum_weights[..hi], &x)?;
        result.push(interp.get_item(&population, &Value::from(index))?);
    }
    Ok(Value::list(result))
}

fn random_shuffle(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    const SIG: Signature = Signature {
        name: "shuffle",
        params: &["x"],
        required: 1,
        keyword_only: &[],
    };
    let slots = bind(interp, &SIG, args, kwargs)?;
    let x = required(&slots, 0);
    if let Value::List(list) = &x {
        // No Python code runs while the list is borrowed.
        let mut items = list.borrow_mut();
        generator.mt().shuffle(items.as_mut_slice());
        return Ok(Value::None);
    }
    // Any other mutable sequence: x[i], x[j] = x[j], x[i] from the end.
    let len = interp.len(&x)?;
    for i in (1..len).rev() {
        let j = randbelow_usize(generator, i + 1);
        let (vi, vj) = (Value::from(i), Value::from(j));
        let item_j = interp.get_item(&x, &vj)?;
        let item_i = interp.get_item(&x, &vi)?;
        interp.set_item(&x, vi, item_j)?;
        interp.set_item(&x, vj, item_i)?;
    }
    Ok(Value::None)
}

/// `sample(population, k, *, counts=None)`.
fn random_sample(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    const SIG: Signature = Signature {
        name: "sample",
        params: &["population", "k"],
        required: 2,
        keyword_only: &["counts"],
    };
    let slots = bind(interp, &SIG, args, kwargs)?;
    let population = required(&slots, 0);
    if !matches!(
        population,
        Value::List(_)
            | Value::Tuple(_)
            | Value::Str(_)
            | Value::Bytes(_)
            | Value::ByteArray(_)
            | Value::Range(_)
    ) {
        return Err(
            interp.type_error("Population must be a sequence.  For dicts or sets, use sorted(d).")
        );
    }
    let n = interp.len(&population)?;
    let k = required(&slots, 1);
    if let Some(counts) = slots[2].clone().filter(|counts| !counts.is_none()) {
        return sample_with_counts(interp, generator, &population, n, &counts, k);
    }
    if interp.to_bigint(&k).is_none() {
        // CPython checks `0 <= k <= n` and then builds `[None] * k`; let
        // those operations raise their own errors for a non-int `k`.
        let low = interp.compare(CmpOp::LtE, &Value::Int(0), &k)?;
        let high = interp.compare(CmpOp::LtE, &k, &Value::from(n))?;
        if !interp.truthy(&low)? || !interp.truthy(&high)? {
            return Err(interp.value_error("Sample larger than population or is negative"));
        }
        interp.binary_op(BinOp::Mul, &Value::list(vec![Value::None]), &k)?;
    }
    let indices = sample_indices(interp, generator, n, &k)?;
    let mut result = Vec::with_capacity(indices.len());
    for index in indices {
        result.push(interp.get_item(&population, &Value::from(index))?);
    }
    Ok(Value::list(result))
}

/// The indices `sample(range(n), k)` picks, in selection order.
fn sample_indices(
    interp: &mut Interp,
    generator: &Generator,
    n: usize,
    k: &Value,
) -> PyResult<Vec<usize>> {
    let k = interp.to_index(k)?;
    let Some(k) = usize::try_from(k).ok().filter(|&k| k <= n) else {
        return Err(interp.value_error("Sample larger than population or is negative"));
    };
    generator
        .mt()
        .sample_indices(n, k)
        .map_err(|message| interp.value_error(message))
}

/// `sample(population, k, counts=counts)`: a sample of
/// `range(sum(counts))`, each pick mapped back to its population item by
/// bisecting the running totals of `counts`, as CPython does.
fn sample_with_counts(
    interp: &mut Interp,
    generator: &Generator,
    population: &Value,
    n: usize,
    counts: &Value,
    k: Value,
) -> PyResult<Value> {
    let mut cum_counts = accumulate(interp, counts)?;
    if cum_counts.len() != n {
        return Err(interp.value_error("The number of counts does not match the population"));
    }
    let total = cum_counts.pop().unwrap_or(Value::None);
    let Some(total) = interp.to_bigint(&total) else {
        return Err(interp.type_error("Counts must be integers"));
    };
    if total.sign() != Sign::Plus {
        return Err(interp.value_error("Total of counts must be greater than zero"));
    }
    let Some(total) = total.to_usize() else {
        return Err(interp.error(
            ExcType::OverflowError,
            "Python int too large to convert to C ssize_t",
        ));
    };
    let selections = sample_indices(interp, generator, total, &k)?;
    let mut result = Vec::with_capacity(selections.len());
    for selection in selections {
        let index = bisect_right(interp, &cum_counts, &Value::from(selection))?;
        result.push(interp.get_item(population, &Value::from(index))?);
    }
    Ok(Value::list(result))
}

/// `list(itertools.accumulate(values))` with Python addition.
fn accumulate(interp: &mut Interp, values: &Value) -> PyResult<Vec<Value>> {
    let mut running: Option<Value> = None;
    let mut cumulative = Vec::new();
    for value in interp.collect(values)? {
        let next = match running {
            None => value,
            Some(total) => interp.binary_op(BinOp::Add, &total, &value)?,
        };
        cumulative.push(next.clone());
        running = Some(next);
    }
    Ok(cumulative)
}

/// `bisect.bisect_right(sorted, x)` with Python comparisons.
fn bisect_right(interp: &mut Interp, sorted: &[Value], x: &Value) -> PyResult<usize> {
    let (mut lo, mut hi) = (0, sorted.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if interp.lt(x, &sorted[mid])? {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Ok(lo)
}

/// `uniform(a, b)`: `a + (b - a) * random()` with Python arithmetic.
fn random_uniform(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    const SIG: Signature = Signature {
        name: "uniform",
        params: &["a", "b"],
        required: 2,
        keyword_only: &[],
    };
    let slots = bind(interp, &SIG, args, kwargs)?;
    let (a, b) = (required(&slots, 0), required(&slots, 1));
    if let (Value::Float(fa), Value::Float(fb)) = (&a, &b) {
        return Ok(Value::float(generator.mt().uniform(fa.get(), fb.get())));
    }
    let width = interp.binary_op(BinOp::Sub, &b, &a)?;
    let r = Value::float(generator.mt().random());
    let scaled = interp.binary_op(BinOp::Mul, &width, &r)?;
    interp.binary_op(BinOp::Add, &a, &scaled)
}

// ---------------------------------------------------------------------------
// Distributions, computed as CPython's `random.py` computes them
// ---------------------------------------------------------------------------

const TWOPI: f64 = 2.0 * std::f64::consts::PI;

/// `4 * exp(-0.5) / sqrt(2.0)`.
fn nv_magic() -> f64 {
    4.0 * (-0.5f64).exp() / 2f64.sqrt()
}

/// `mu + z * sigma` with Python's arithmetic (the parameters may be ints).
fn scale(interp: &mut Interp, mu: &Value, z: f64, sigma: &Value) -> PyResult<Value> {
    if let (Value::Float(mu), Value::Float(sigma)) = (mu, sigma) {
        return Ok(Value::float(mu.get() + z * sigma.get()));
    }
    let spread = interp.binary_op(BinOp::Mul, &Value::float(z), sigma)?;
    interp.binary_op(BinOp::Add, mu, &spread)
}

/// The `mu` and `sigma` of `gauss`/`normalvariate`/`lognormvariate`.
fn mu_sigma(
    interp: &mut Interp,
    name: &'static str,
    args: &[Value],
    kwargs: &[(Name, Value)],
    required: usize,
) -> PyResult<(Value, Value)> {
    let signature = Signature {
        name,
        params: &["mu", "sigma"],
        required,
        keyword_only: &[],
    };
    let slots = bind(interp, &signature, args, kwargs)?;
    let mu = slots[0].clone().unwrap_or(Value::float(0.0));
    let sigma = slots[1].clone().unwrap_or(Value::float(1.0));
    Ok((mu, sigma))
}

fn random_gauss(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let (mu, sigma) = mu_sigma(interp, "gauss", args, kwargs, 0)?;
    let z = match generator.gauss_next.take() {
        Some(z) => z,
        None => {
            let x2pi = generator.mt().random() * TWOPI;
            let g2rad = (-2.0 * (1.0 - generator.mt().random()).ln()).sqrt();
            generator.gauss_next.set(Some(x2pi.sin() * g2rad));
            x2pi.cos() * g2rad
        }
    };
    scale(interp, &mu, z, &sigma)
}

/// Kinderman and Monahan's ratio method, as `normalvariate`.
fn normal_deviate(generator: &Generator) -> f64 {
    loop {
        let u1 = generator.mt().random();
        let u2 = 1.0 - generator.mt().random();
        let z = nv_magic() * (u1 - 0.5) / u2;
        if z * z / 4.0 <= -u2.ln() {
            return z;
        }
    }
}

fn random_normalvariate(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let (mu, sigma) = mu_sigma(interp, "normalvariate", args, kwargs, 0)?;
    let z = normal_deviate(generator);
    scale(interp, &mu, z, &sigma)
}

fn random_lognormvariate(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let (mu, sigma) = mu_sigma(interp, "lognormvariate", args, kwargs, 2)?;
    let z = normal_deviate(generator);
    let normal = scale(interp, &mu, z, &sigma)?;
    let math = interp.import_module("math")?;
    interp.call_method(&math, "exp", &[normal])
}

/// The arguments of a method with only required parameters.
fn required_args(
    interp: &mut Interp,
    name: &'static str,
    params: &'static [&'static str],
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Vec<Value>> {
    let signature = Signature {
        name,
        params,
        required: params.len(),
        keyword_only: &[],
    };
    let slots = bind(interp, &signature, args, kwargs)?;
    Ok((0..params.len())
        .map(|index| required(&slots, index))
        .collect())
}

fn random_expovariate(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let lambd = required_args(interp, "expovariate", &["lambd"], args, kwargs)?;
    let u = 1.0 - generator.mt().random();
    interp.binary_op(BinOp::Div, &Value::float(-u.ln()), &lambd[0])
}

fn random_paretovariate(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let alpha = required_args(interp, "paretovariate", &["alpha"], args, kwargs)?;
    let u = 1.0 - generator.mt().random();
    let exponent = interp.binary_op(BinOp::Div, &Value::float(-1.0), &alpha[0])?;
    interp.binary_op(BinOp::Pow, &Value::float(u), &exponent)
}

fn random_weibullvariate(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let params = required_args(interp, "weibullvariate", &["alpha", "beta"], args, kwargs)?;
    let u = 1.0 - generator.mt().random();
    let exponent = interp.binary_op(BinOp::Div, &Value::float(1.0), &params[1])?;
    let power = interp.binary_op(BinOp::Pow, &Value::float(-u.ln()), &exponent)?;
    interp.binary_op(BinOp::Mul, &params[0], &power)
}

fn random_triangular(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    const SIG: Signature = Signature {
        name: "triangular",
        params: &["low", "high", "mode"],
        required: 0,
        keyword_only: &[],
    };
    let slots = bind(interp, &SIG, args, kwargs)?;
    let mut low = slots[0].clone().unwrap_or(Value::float(0.0));
    let mut high = slots[1].clone().unwrap_or(Value::float(1.0));
    let mut u = generator.mt().random();
    let c = match slots[2].as_ref().filter(|mode| !mode.is_none()) {
        None => Value::float(0.5),
        Some(mode) => {
            let above = interp.binary_op(BinOp::Sub, mode, &low)?;
            let width = interp.binary_op(BinOp::Sub, &high, &low)?;
            match interp.binary_op(BinOp::Div, &above, &width) {
                Ok(c) => c,
                Err(error) if interp.is_instance_of(&error, ExcType::ZeroDivisionError) => {
                    return Ok(low)
                }
                Err(error) => return Err(error),
            }
        }
    };
    let mut c = c;
    let above = interp.compare(CmpOp::Gt, &Value::float(u), &c)?;
    if interp.truthy(&above)? {
        u = 1.0 - u;
        c = interp.binary_op(BinOp::Sub, &Value::float(1.0), &c)?;
        std::mem::swap(&mut low, &mut high);
    }
    let product = interp.binary_op(BinOp::Mul, &Value::float(u), &c)?;
    let math = interp.import_module("math")?;
    let root = interp.call_method(&math, "sqrt", &[product])?;
    let width = interp.binary_op(BinOp::Sub, &high, &low)?;
    let spread = interp.binary_op(BinOp::Mul, &width, &root)?;
    interp.binary_op(BinOp::Add, &low, &spread)
}

/// `float(v)` for the distributions' parameters, which CPython uses in
/// float arithmetic.
fn real(interp: &mut Interp, value: &Value) -> PyResult<f64> {
    arith::to_f64(interp, value).unwrap_or_else(|| {
        Err(interp.type_error(format!(
            "must be real number, not {}",
            interp.type_name(value)
        )))
    })
}

/// `value <= limit`, with Python's comparison (and its TypeError).
fn at_most(interp: &mut Interp, value: &Value, limit: f64) -> PyResult<bool> {
    let result = interp.compare(CmpOp::LtE, value, &Value::float(limit))?;
    interp.truthy(&result)
}

/// `gammavariate(alpha, beta)`, by CPython's three methods by `alpha`.
fn random_gammavariate(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let params = required_args(interp, "gammavariate", &["alpha", "beta"], args, kwargs)?;
    if at_most(interp, &params[0], 0.0)? || at_most(interp, &params[1], 0.0)? {
        return Err(interp.value_error("gammavariate: alpha and beta must be > 0.0"));
    }
    let (alpha, beta) = (real(interp, &params[0])?, real(interp, &params[1])?);
    Ok(Value::float(gamma_deviate(generator, alpha) * beta))
}

/// A gamma deviate of shape `alpha > 0` and scale 1.
fn gamma_deviate(generator: &Generator, alpha: f64) -> f64 {
    let random = || generator.mt().random();
    if alpha > 1.0 {
        // R.C.H. Cheng's algorithm GB.
        let ainv = (2.0 * alpha - 1.0).sqrt();
        let bbb = alpha - 4f64.ln();
        let ccc = alpha + ainv;
        loop {
            let u1 = random();
            if !(1e-7 < u1 && u1 < 0.9999999) {
                continue;
            }
            let u2 = 1.0 - random();
            let v = (u1 / (1.0 - u1)).ln() / ainv;
            let x = alpha * v.exp();
            let z = u1 * u1 * u2;
            let r = bbb + ccc * v - x;
            if r + (1.0 + 4.5f64.ln()) - 4.5 * z >= 0.0 || r >= z.ln() {
                return x;
            }
        }
    } else if alpha == 1.0 {
        -(1.0 - random()).ln()
    } else {
        // Algorithm GS of Statistical Computing (Kennedy & Gentle).
        let e = std::f64::consts::E;
        loop {
            let u = random();
            let b = (e + alpha) / e;
            let p = b * u;
            let x = if p <= 1.0 {
                p.powf(1.0 / alpha)
            } else {
                -((b - p) / alpha).ln()
            };
            let u1 = random();
            let accept = if p > 1.0 {
                u1 <= x.powf(alpha - 1.0)
            } else {
                u1 <= (-x).exp()
            };
            if accept {
                return x;
            }
        }
    }
}

/// `betavariate(alpha, beta)`: from two gamma deviates.
fn random_betavariate(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let params = required_args(interp, "betavariate", &["alpha", "beta"], args, kwargs)?;
    let gamma = |interp: &mut Interp, shape: &Value| -> PyResult<f64> {
        if at_most(interp, shape, 0.0)? {
            return Err(interp.value_error("gammavariate: alpha and beta must be > 0.0"));
        }
        Ok(gamma_deviate(generator, real(interp, shape)?))
    };
    let y = gamma(interp, &params[0])?;
    if y == 0.0 {
        return Ok(Value::float(0.0));
    }
    let other = gamma(interp, &params[1])?;
    Ok(Value::float(y / (y + other)))
}

/// `vonmisesvariate(mu, kappa)`: a circular distribution's angle.
fn random_vonmisesvariate(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let params = required_args(interp, "vonmisesvariate", &["mu", "kappa"], args, kwargs)?;
    let random = || generator.mt().random();
    if at_most(interp, &params[1], 1e-6)? {
        return Ok(Value::float(TWOPI * random()));
    }
    let kappa = real(interp, &params[1])?;
    let s = 0.5 / kappa;
    let r = s + (1.0 + s * s).sqrt();
    let z = loop {
        let u1 = random();
        let z = (std::f64::consts::PI * u1).cos();
        let d = z / (r + z);
        let u2 = random();
        if u2 < 1.0 - d * d || u2 <= (1.0 - d) * d.exp() {
            break z;
        }
    };
    let q = 1.0 / r;
    let f = (q + z) / (1.0 + q * z);
    let angle = if random() > 0.5 { f.acos() } else { -f.acos() };
    // (mu ± acos(f)) % TWOPI, with mu as it is.
    let theta = interp.binary_op(BinOp::Add, &params[0], &Value::float(angle))?;
    interp.binary_op(BinOp::Mod, &theta, &Value::float(TWOPI))
}

/// `Random(x=None)`: a generator seeded by `x`. A builtin type's
/// `__new__` makes the whole object, so it runs `__init__`'s part too.
fn random_new(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let generator = Generator::from_entropy();
    init(interp, &generator, &args[1..], kwargs)?;
    Ok(Value::native(Rc::new(generator)))
}

fn random_init(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let generator = receiver(interp, args, "__init__")?;
    init(interp, generator, &args[1..], kwargs)?;
    Ok(Value::None)
}

/// `Random.__init__(self, x=None)`: `self.seed(x)`.
fn init(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<()> {
    const SIG: Signature = Signature {
        name: "__init__",
        params: &["x"],
        required: 0,
        keyword_only: &[],
    };
    let slots = bind(interp, &SIG, args, kwargs)?;
    let x = slots[0].clone().unwrap_or(Value::None);
    random_seed(interp, generator, &[x], &[])?;
    Ok(())
}

/// `getstate()`: `(3, the 625 words of the generator, gauss_next)`.
fn random_getstate(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    required_args(interp, "getstate", &[], args, kwargs)?;
    let words = generator.mt().getstate();
    let words = words
        .into_iter()
        .map(|word| Value::Int(i64::from(word)))
        .collect();
    let gauss_next = generator.gauss_next.get().map_or(Value::None, Value::float);
    Ok(Value::tuple(vec![
        Value::Int(3),
        Value::tuple(words),
        gauss_next,
    ]))
}

/// `setstate(state)`, for what `getstate()` returned (version 3, or 2's
/// signed words).
fn random_setstate(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let state = required_args(interp, "setstate", &["state"], args, kwargs)?.remove(0);
    let version = interp.get_item(&state, &Value::Int(0))?;
    let version = match interp.to_bigint(&version) {
        Some(v) if v == BigInt::from(2) || v == BigInt::from(3) => v,
        _ => {
            let shown = interp.to_str(&version)?;
            return Err(interp.value_error(format!(
                "state with version {shown} passed to Random.setstate() of version 3"
            )));
        }
    };
    // version, internalstate, self.gauss_next = state
    let items = interp.collect(&state)?;
    let [_, internal, gauss_next] = &items[..] else {
        let (problem, expected) = if items.len() > 3 {
            ("too many values to unpack", "expected 3".to_string())
        } else {
            (
                "not enough values to unpack",
                format!("expected 3, got {}", items.len()),
            )
        };
        return Err(interp.value_error(format!("{problem} ({expected})")));
    };
    let Value::Tuple(words) = internal.builtin_value() else {
        return Err(interp.type_error("state vector must be a tuple"));
    };
    let mut state_words = Vec::with_capacity(words.len());
    for word in words.iter() {
        let Some(word) = interp.to_bigint(word) else {
            return Err(interp.type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                interp.type_name(word)
            )));
        };
        let word = if version == BigInt::from(2) {
            num_integer::Integer::mod_floor(&word, &BigInt::from(1u64 << 32))
        } else if word.is_negative() {
            return Err(interp.error(
                ExcType::OverflowError,
                "can't convert negative value to unsigned int",
            ));
        } else {
            word
        };
        state_words.push((word & BigInt::from(u32::MAX)).to_u64().unwrap_or(0));
    }
    let gauss_next = match gauss_next {
        Value::None => None,
        other => Some(real(interp, other)?),
    };
    generator
        .mt()
        .setstate(&state_words)
        .map_err(|message| interp.value_error(message))?;
    generator.gauss_next.set(gauss_next);
    Ok(Value::None)
}

/// `randbytes(n)`: `getrandbits(n * 8).to_bytes(n, 'little')`.
fn random_randbytes(
    interp: &mut Interp,
    generator: &Generator,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let n = required_args(interp, "randbytes", &["n"], args, kwargs)?.remove(0);
    let bits = interp.binary_op(BinOp::Mul, &n, &Value::Int(8))?;
    let drawn = random_getrandbits(interp, generator, &[bits], &[])?;
    let size = interp.to_index(&n)?;
    let mut bytes = interp.to_bigint(&drawn).unwrap_or_default().to_bytes_le().1;
    bytes.resize(usize::try_from(size).unwrap_or(0), 0);
    Ok(Value::Bytes(bytes.into()))
}

#[cfg(test)]
mod tests {
    use super::sha512;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn sha512_known_digests() {
        // hashlib.sha512(...).hexdigest() from CPython.
        assert_eq!(
            hex(&sha512(b"")),
            "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce\
             47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"
        );
        assert_eq!(
            hex(&sha512(b"abc")),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
             2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        );
        let long = vec![b'a'; 200];
        assert_eq!(hex(&sha512(&long)).len(), 128);
    }
}

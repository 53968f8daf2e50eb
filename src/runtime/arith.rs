//! Python's numeric tower for the core number values (`bool`, `int`,
//! `float`): the binary operators, unary operators, comparisons and hashes,
//! with CPython 3.11's results, rounding and error messages.
//!
//! Machine ints take checked fast paths and overflow into `BigInt`; every
//! int result is normalized with [`Value::from_bigint`] / [`Value::from_i128`]
//! so that `Value::BigInt` always holds a value outside the `i64` range.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{FromPrimitive, One, Signed, ToPrimitive, Zero};

use super::error::{ExcType, PyErr, PyResult};
use super::interp::Interp;
use super::value::Value;
use crate::syntax::ast::BinOp;

/// A number operand, borrowed from its value.
#[derive(Clone, Copy)]
enum Num<'a> {
    Int(i64),
    Big(&'a BigInt),
    Float(f64),
}

fn classify(value: &Value) -> Option<Num<'_>> {
    match value {
        Value::Bool(b) => Some(Num::Int(b.get() as i64)),
        Value::Int(i) => Some(Num::Int(*i)),
        Value::BigInt(n) => Some(Num::Big(n)),
        Value::Float(f) => Some(Num::Float(f.get())),
        _ => None,
    }
}

/// Python's modulus for numeric hashes: the Mersenne prime 2**61 - 1.
const HASH_MODULUS: u64 = (1 << 61) - 1;
const HASH_BITS: u32 = 61;
const HASH_INF: i64 = 314159;

/// `MemoryError` unless an integer of `bits` bits may be made: within
/// the run's integer size limit and the memory it may still take.
pub fn check_result_bits(interp: &Interp, bits: u64) -> PyResult<()> {
    if bits > interp.limits.max_int_bits() {
        return Err(memory_error(interp));
    }
    interp.check_allocation(usize::try_from(bits / 8).unwrap_or(usize::MAX), 1)
}

fn memory_error(interp: &Interp) -> PyErr {
    interp.new_exception(ExcType::MemoryError, vec![])
}

/// CPython's `OverflowError(34, 'Numerical result out of range')`, raised
/// from errno `ERANGE` by float `**`.
fn range_error(interp: &Interp) -> PyErr {
    interp.new_exception(
        ExcType::OverflowError,
        vec![Value::Int(34), Value::str("Numerical result out of range")],
    )
}

fn to_big(n: Num<'_>) -> BigInt {
    match n {
        Num::Int(i) => BigInt::from(i),
        Num::Big(b) => b.clone(),
        // Callers only pass ints.
        Num::Float(f) => BigInt::from_f64(f).unwrap_or_default(),
    }
}

// ---------------------------------------------------------------------------
// Conversions
// ---------------------------------------------------------------------------

/// `x * 2**exp` for a result that is exactly representable (or overflows
/// to infinity): scaling in steps keeps every intermediate exact.
pub fn ldexp_exact(mut x: f64, mut exp: i64) -> f64 {
    while exp > 1023 {
        x *= f64::from_bits(2046 << 52); // 2**1023
        exp -= 1023;
        if x.is_infinite() {
            return x;
        }
    }
    while exp < -1022 {
        x *= f64::from_bits(1 << 52); // 2**-1022
        exp += 1022;
        if x == 0.0 {
            return x;
        }
    }
    x * f64::from_bits(((exp + 1023) as u64) << 52)
}

/// An int as the nearest float (ties to even), or `None` when it is too
/// large for a float.
pub fn bigint_to_f64(n: &BigInt) -> Option<f64> {
    let magnitude = n.magnitude();
    let bits = magnitude.bits();
    let value = if bits <= 64 {
        magnitude.to_u64().map(|m| m as f64)?
    } else {
        // Keep the top 64 bits and fold every lower bit into a sticky bit:
        // 64 > 53 + 2 bits, so the u64 -> f64 rounding is then exact.
        let shift = bits - 64;
        let top = (magnitude >> shift).to_u64()?;
        let sticky = magnitude.trailing_zeros().is_some_and(|tz| tz < shift);
        ldexp_exact((top | sticky as u64) as f64, shift as i64)
    };
    if value.is_infinite() {
        return None;
    }
    Some(if n.is_negative() { -value } else { value })
}

fn num_to_f64(interp: &Interp, n: Num<'_>) -> PyResult<f64> {
    match n {
        Num::Int(i) => Ok(i as f64),
        Num::Float(f) => Ok(f),
        Num::Big(b) => bigint_to_f64(b).ok_or_else(|| {
            interp.error(ExcType::OverflowError, "int too large to convert to float")
        }),
    }
}

/// `float(v)` for a number value; `None` when `v` is not a number.
pub fn to_f64(interp: &Interp, value: &Value) -> Option<PyResult<f64>> {
    classify(value).map(|n| num_to_f64(interp, n))
}

/// `int(f)` for a float: truncates toward zero.
pub fn float_to_int(interp: &Interp, f: f64) -> PyResult<Value> {
    if f.is_nan() {
        return Err(interp.value_error("cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(interp.error(
            ExcType::OverflowError,
            "cannot convert float infinity to integer",
        ));
    }
    let t = f.trunc();
    // Every float in (-2**63, 2**63) converts exactly.
    if t.abs() < 9_223_372_036_854_775_808.0 {
        return Ok(Value::Int(t as i64));
    }
    Ok(Value::from_bigint(BigInt::from_f64(t).unwrap_or_default()))
}

// ---------------------------------------------------------------------------
// Binary operators
// ---------------------------------------------------------------------------

/// `a op b` for two numbers; `None` when either operand is not a number or
/// the operator does not apply to these types (the caller then tries the
/// dunder methods and raises the `unsupported operand` TypeError).
pub fn binary(interp: &Interp, op: BinOp, a: &Value, b: &Value) -> Option<PyResult<Value>> {
    // Small ints that stay small, the commonest arithmetic by far, skip
    // the widening to i128 below.
    if let (Value::Int(p), Value::Int(q)) = (a, b) {
        let result = match op {
            BinOp::Add => p.checked_add(*q),
            BinOp::Sub => p.checked_sub(*q),
            BinOp::Mul => p.checked_mul(*q),
            _ => None,
        };
        if let Some(n) = result {
            return Some(Ok(Value::Int(n)));
        }
    }
    let x = classify(a)?;
    let y = classify(b)?;
    if let (Value::Bool(p), Value::Bool(q)) = (a, b) {
        match op {
            BinOp::BitAnd => return Some(Ok(Value::from(p.get() & q.get()))),
            BinOp::BitOr => return Some(Ok(Value::from(p.get() | q.get()))),
            BinOp::BitXor => return Some(Ok(Value::from(p.get() ^ q.get()))),
            _ => {}
        }
    }
    match (x, y) {
        (Num::Float(_), _) | (_, Num::Float(_)) => {
            if !matches!(
                op,
                BinOp::Add
                    | BinOp::Sub
                    | BinOp::Mul
                    | BinOp::Div
                    | BinOp::FloorDiv
                    | BinOp::Mod
                    | BinOp::Pow
            ) {
                return None;
            }
            Some(
                num_to_f64(interp, x)
                    .and_then(|fx| Ok((fx, num_to_f64(interp, y)?)))
                    .and_then(|(fx, fy)| float_binary(interp, op, fx, fy)),
            )
        }
        _ => int_binary(interp, op, x, y),
    }
}

fn float_binary(interp: &Interp, op: BinOp, x: f64, y: f64) -> PyResult<Value> {
    let result = match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => {
            if y == 0.0 {
                return Err(interp.error(ExcType::ZeroDivisionError, "float division by zero"));
            }
            x / y
        }
        BinOp::FloorDiv => {
            if y == 0.0 {
                return Err(
                    interp.error(ExcType::ZeroDivisionError, "float floor division by zero")
                );
            }
            float_divmod(x, y).0
        }
        BinOp::Mod => {
            if y == 0.0 {
                return Err(interp.error(ExcType::ZeroDivisionError, "float modulo"));
            }
            float_mod(x, y)
        }
        BinOp::Pow => float_pow(interp, x, y)?,
        _ => return Err(interp.type_error("unsupported float operation")),
    };
    Ok(Value::float(result))
}

/// CPython's `float_rem`: the remainder takes the sign of the divisor.
fn float_mod(x: f64, y: f64) -> f64 {
    let m = x % y;
    if m != 0.0 {
        if (y < 0.0) != (m < 0.0) {
            m + y
        } else {
            m
        }
    } else {
        0.0f64.copysign(y)
    }
}

/// CPython's `_float_div_mod`: `(x // y, x % y)` for `y != 0`.
fn float_divmod(x: f64, y: f64) -> (f64, f64) {
    let mut m = x % y;
    let mut div = (x - m) / y;
    if m != 0.0 {
        if (y < 0.0) != (m < 0.0) {
            m += y;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(y);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0.0f64.copysign(x / y)
    };
    (floordiv, m)
}

fn is_odd_integer(x: f64) -> bool {
    x.is_finite() && x.fract() == 0.0 && (x / 2.0).fract() != 0.0
}

/// CPython's `float_pow`, special cases included.
fn float_pow(interp: &Interp, iv: f64, iw: f64) -> PyResult<f64> {
    if iw == 0.0 {
        return Ok(1.0);
    }
    if iv.is_nan() {
        return Ok(iv);
    }
    if iw.is_nan() {
        return Ok(if iv == 1.0 { 1.0 } else { iw });
    }
    if iw.is_infinite() {
        let av = iv.abs();
        return Ok(if av == 1.0 {
            1.0
        } else if (iw > 0.0) == (av > 1.0) {
            iw.abs()
        } else {
            0.0
        });
    }
    if iv.is_infinite() {
        let odd = is_odd_integer(iw);
        return Ok(if iw > 0.0 {
            if odd {
                iv
            } else {
                iv.abs()
            }
        } else if odd {
            0.0f64.copysign(iv)
        } else {
            0.0
        });
    }
    if iv == 0.0 {
        if iw < 0.0 {
            return Err(interp.error(
                ExcType::ZeroDivisionError,
                "0.0 cannot be raised to a negative power",
            ));
        }
        return Ok(if is_odd_integer(iw) { iv } else { 0.0 });
    }
    let mut base = iv;
    let mut negate = false;
    if iv < 0.0 {
        if iw != iw.floor() {
            // CPython returns a complex number here; pyl has no complex type.
            return Err(interp.error(
                ExcType::NotImplementedError,
                "complex numbers are not supported: a negative number raised to a fractional power",
            ));
        }
        base = -iv;
        negate = is_odd_integer(iw);
    }
    if base == 1.0 {
        return Ok(if negate { -1.0 } else { 1.0 });
    }
    let mut result = base.powf(iw);
    if negate {
        result = -result;
    }
    if result.is_infinite() {
        return Err(range_error(interp));
    }
    Ok(result)
}

fn int_binary(interp: &Interp, op: BinOp, x: Num<'_>, y: Num<'_>) -> Option<PyResult<Value>> {
    if let (Num::Int(a), Num::Int(b)) = (x, y) {
        if let Some(result) = small_int_binary(interp, op, a, b) {
            return Some(result);
        }
    }
    let result = match op {
        BinOp::Add => Ok(Value::from_bigint(to_big(x) + to_big(y))),
        BinOp::Sub => Ok(Value::from_bigint(to_big(x) - to_big(y))),
        BinOp::Mul => {
            let (a, b) = (to_big(x), to_big(y));
            match check_result_bits(interp, a.bits() + b.bits()) {
                Ok(()) => Ok(Value::from_bigint(a * b)),
                Err(error) => Err(error),
            }
        }
        BinOp::Div => int_true_divide(interp, &to_big(x), &to_big(y)).map(Value::float),
        BinOp::FloorDiv | BinOp::Mod => {
            let (a, b) = (to_big(x), to_big(y));
            if b.is_zero() {
                let message = if op == BinOp::Mod {
                    "integer modulo by zero"
                } else {
                    "integer division or modulo by zero"
                };
                Err(interp.error(ExcType::ZeroDivisionError, message))
            } else if op == BinOp::Mod {
                Ok(Value::from_bigint(a.mod_floor(&b)))
            } else {
                Ok(Value::from_bigint(a.div_floor(&b)))
            }
        }
        BinOp::Pow => int_pow(interp, x, y),
        BinOp::LShift => int_lshift(interp, x, y),
        BinOp::RShift => int_rshift(interp, x, y),
        BinOp::BitAnd => Ok(Value::from_bigint(to_big(x) & to_big(y))),
        BinOp::BitOr => Ok(Value::from_bigint(to_big(x) | to_big(y))),
        BinOp::BitXor => Ok(Value::from_bigint(to_big(x) ^ to_big(y))),
        BinOp::MatMul => return None,
    };
    Some(result)
}

/// The machine-int fast paths; `None` means "redo it with big ints".
fn small_int_binary(interp: &Interp, op: BinOp, a: i64, b: i64) -> Option<PyResult<Value>> {
    let (wa, wb) = (a as i128, b as i128);
    let value = match op {
        BinOp::Add => Value::from_i128(wa + wb),
        BinOp::Sub => Value::from_i128(wa - wb),
        BinOp::Mul => Value::from_i128(wa * wb),
        BinOp::Div => {
            const EXACT: i64 = 1 << 53;
            if b == 0 {
                return Some(Err(
                    interp.error(ExcType::ZeroDivisionError, "division by zero")
                ));
            }
            if (-EXACT..=EXACT).contains(&a) && (-EXACT..=EXACT).contains(&b) {
                Value::float(a as f64 / b as f64)
            } else {
                return None;
            }
        }
        BinOp::FloorDiv | BinOp::Mod => {
            if b == 0 {
                let message = if op == BinOp::Mod {
                    "integer modulo by zero"
                } else {
                    "integer division or modulo by zero"
                };
                return Some(Err(interp.error(ExcType::ZeroDivisionError, message)));
            }
            if op == BinOp::Mod {
                Value::from_i128(Integer::mod_floor(&wa, &wb))
            } else {
                Value::from_i128(Integer::div_floor(&wa, &wb))
            }
        }
        BinOp::Pow => {
            if b < 0 {
                return None;
            }
            let exp = u32::try_from(b).ok()?;
            Value::Int(a.checked_pow(exp)?)
        }
        BinOp::LShift => {
            if b < 0 {
                return Some(Err(interp.value_error("negative shift count")));
            }
            if a == 0 {
                return Some(Ok(Value::Int(0)));
            }
            if b >= 64 {
                return None;
            }
            let shifted = a << b;
            if shifted >> b != a {
                return None;
            }
            Value::Int(shifted)
        }
        BinOp::RShift => {
            if b < 0 {
                return Some(Err(interp.value_error("negative shift count")));
            }
            Value::Int(a >> b.min(63))
        }
        BinOp::BitAnd => Value::Int(a & b),
        BinOp::BitOr => Value::Int(a | b),
        BinOp::BitXor => Value::Int(a ^ b),
        BinOp::MatMul => return None,
    };
    Some(Ok(value))
}

/// CPython's `long_true_divide`: `a / b` correctly rounded, without
/// converting the operands to floats first.
fn int_true_divide(interp: &Interp, a: &BigInt, b: &BigInt) -> PyResult<f64> {
    const MANT_DIG: i64 = 53;
    const MIN_EXP: i64 = -1021;
    const MAX_EXP: i64 = 1024;
    if b.is_zero() {
        return Err(interp.error(ExcType::ZeroDivisionError, "division by zero"));
    }
    let negate = a.is_negative() != b.is_negative();
    let signed = |x: f64| if negate { -x } else { x };
    let overflow = || {
        interp.error(
            ExcType::OverflowError,
            "integer division result too large for a float",
        )
    };
    let (a, b) = (a.magnitude(), b.magnitude());
    if a.is_zero() {
        return Ok(signed(0.0));
    }
    let (a_bits, b_bits) = (a.bits() as i64, b.bits() as i64);
    if a_bits <= MANT_DIG && b_bits <= MANT_DIG {
        let (fa, fb) = (
            a.to_u64().unwrap_or(0) as f64,
            b.to_u64().unwrap_or(1) as f64,
        );
        return Ok(signed(fa / fb));
    }
    let diff = a_bits - b_bits;
    if diff > MAX_EXP {
        return Err(overflow());
    }
    if diff < 1 - MAX_EXP - MANT_DIG {
        return Ok(signed(0.0));
    }
    let shift = diff.max(MIN_EXP) - MANT_DIG - 2;
    let mut inexact = false;
    let numerator = if shift <= 0 {
        a << ((-shift) as u64)
    } else {
        let shift = shift as u64;
        inexact = a.trailing_zeros().is_some_and(|tz| tz < shift);
        a >> shift
    };
    let (quotient, remainder) = numerator.div_rem(b);
    inexact |= !remainder.is_zero();
    let Some(mut x) = quotient.to_u64() else {
        return Err(overflow());
    };
    let x_bits = 64 - x.leading_zeros() as i64;
    // Round away the bits below the 53 kept ones, half to even, with the
    // discarded remainder as a sticky bit.
    let extra_bits = x_bits.max(MIN_EXP - shift) - MANT_DIG;
    if extra_bits > 0 {
        let mask = 1u64 << (extra_bits - 1);
        let low = x | inexact as u64;
        let mut rounded = x;
        if low & mask != 0 && low & (3 * mask - 1) != 0 {
            rounded += mask;
        }
        x = rounded & !(2 * mask - 1);
    }
    let result = ldexp_exact(x as f64, shift);
    if result.is_infinite() {
        return Err(overflow());
    }
    Ok(signed(result))
}

fn int_pow(interp: &Interp, x: Num<'_>, y: Num<'_>) -> PyResult<Value> {
    let exponent = to_big(y);
    if exponent.is_negative() {
        // CPython hands a negative exponent to float `**`.
        let base = num_to_f64(interp, x)?;
        let power = num_to_f64(interp, y)?;
        return float_pow(interp, base, power).map(Value::float);
    }
    let base = to_big(x);
    if base.is_zero() || base.is_one() {
        return Ok(Value::from_bigint(if exponent.is_zero() {
            BigInt::one()
        } else {
            base
        }));
    }
    if base == BigInt::from(-1) {
        return Ok(Value::Int(if exponent.is_even() { 1 } else { -1 }));
    }
    let Some(exp) = exponent.to_u64() else {
        return Err(memory_error(interp));
    };
    check_result_bits(interp, base.bits().saturating_mul(exp))?;
    let Ok(exp) = u32::try_from(exp) else {
        return Err(memory_error(interp));
    };
    Ok(Value::from_bigint(num_traits::Pow::pow(base, exp)))
}

fn int_lshift(interp: &Interp, x: Num<'_>, y: Num<'_>) -> PyResult<Value> {
    let count = to_big(y);
    if count.is_negative() {
        return Err(interp.value_error("negative shift count"));
    }
    let value = to_big(x);
    if value.is_zero() {
        return Ok(Value::Int(0));
    }
    // CPython's ints are 30-bit digits after a 24-byte header: a result
    // of more digits than a size can count is too many digits
    // (`divmod_shift`, `_PyLong_New`); a smaller one fails to be allocated.
    const MAX_DIGITS: u64 = (i64::MAX as u64 - 24) / 4;
    let (word_shift, bit_shift) = count.div_rem(&BigInt::from(30));
    let result_digits = word_shift + u64::from(!bit_shift.is_zero()) + value.bits().div_ceil(30);
    if result_digits
        .to_u64()
        .is_none_or(|digits| digits > MAX_DIGITS)
    {
        return Err(interp.error(ExcType::OverflowError, "too many digits in integer"));
    }
    let Some(count) = count.to_u64() else {
        return Err(memory_error(interp));
    };
    check_result_bits(interp, value.bits().saturating_add(count))?;
    Ok(Value::from_bigint(value << count))
}

fn int_rshift(interp: &Interp, x: Num<'_>, y: Num<'_>) -> PyResult<Value> {
    let count = to_big(y);
    if count.is_negative() {
        return Err(interp.value_error("negative shift count"));
    }
    let value = to_big(x);
    match count.to_u64() {
        // `>>` on BigInt rounds toward negative infinity, like Python's.
        Some(count) if count < value.bits() + 1 => Ok(Value::from_bigint(value >> count)),
        _ => Ok(Value::Int(if value.is_negative() { -1 } else { 0 })),
    }
}

/// `divmod(a, b)` for two numbers; `None` when either is not a number.
pub fn divmod(interp: &Interp, a: &Value, b: &Value) -> Option<PyResult<Value>> {
    let x = classify(a)?;
    let y = classify(b)?;
    let result = match (x, y) {
        (Num::Float(_), _) | (_, Num::Float(_)) => num_to_f64(interp, x).and_then(|fx| {
            let fy = num_to_f64(interp, y)?;
            if fy == 0.0 {
                return Err(interp.error(ExcType::ZeroDivisionError, "float divmod()"));
            }
            let (q, r) = float_divmod(fx, fy);
            Ok(Value::pair(Value::float(q), Value::float(r)))
        }),
        (Num::Int(a), Num::Int(b)) => {
            if b == 0 {
                Err(interp.error(
                    ExcType::ZeroDivisionError,
                    "integer division or modulo by zero",
                ))
            } else {
                let (q, r) = Integer::div_mod_floor(&(a as i128), &(b as i128));
                Ok(Value::pair(Value::from_i128(q), Value::from_i128(r)))
            }
        }
        _ => {
            let (a, b) = (to_big(x), to_big(y));
            if b.is_zero() {
                Err(interp.error(
                    ExcType::ZeroDivisionError,
                    "integer division or modulo by zero",
                ))
            } else {
                let (q, r) = a.div_mod_floor(&b);
                Ok(Value::pair(Value::from_bigint(q), Value::from_bigint(r)))
            }
        }
    };
    Some(result)
}

// ---------------------------------------------------------------------------
// Unary operators
// ---------------------------------------------------------------------------

/// `-v` for a number; `None` otherwise.
pub fn negate(_interp: &Interp, value: &Value) -> Option<PyResult<Value>> {
    let result = match classify(value)? {
        Num::Int(i) => Value::from_i128(-(i as i128)),
        Num::Big(b) => Value::from_bigint(-b),
        Num::Float(f) => Value::float(-f),
    };
    Some(Ok(result))
}

/// `+v` for a number (`+True` is `1`); `None` otherwise.
pub fn positive(_interp: &Interp, value: &Value) -> Option<PyResult<Value>> {
    let result = match classify(value)? {
        Num::Int(i) => Value::Int(i),
        Num::Big(_) | Num::Float(_) => value.clone(),
    };
    Some(Ok(result))
}

/// `~v` for an int or bool; `None` otherwise (floats included, so that the
/// caller raises `bad operand type for unary ~: 'float'`).
pub fn invert(_interp: &Interp, value: &Value) -> Option<PyResult<Value>> {
    let result = match classify(value)? {
        Num::Int(i) => Value::Int(!i),
        Num::Big(b) => Value::from_bigint(-(b + BigInt::one())),
        Num::Float(_) => return None,
    };
    Some(Ok(result))
}

// ---------------------------------------------------------------------------
// Comparison and hashing
// ---------------------------------------------------------------------------

/// Compares an int with a float exactly (no rounding of the int).
fn cmp_int_float(int: Num<'_>, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        });
    }
    if let Num::Int(i) = int {
        if i.unsigned_abs() <= 1 << 53 {
            return (i as f64).partial_cmp(&f);
        }
    }
    let floor = f.floor();
    let floor_int = BigInt::from_f64(floor).unwrap_or_default();
    match to_big(int).cmp(&floor_int) {
        Ordering::Equal if f > floor => Some(Ordering::Less),
        ordering => Some(ordering),
    }
}

/// Orders two numbers: the outer `None` when either is not a number, the
/// inner `None` when they are unordered (a NaN is involved).
pub fn numeric_cmp(a: &Value, b: &Value) -> Option<Option<Ordering>> {
    if let (Value::Int(p), Value::Int(q)) = (a, b) {
        return Some(Some(p.cmp(q)));
    }
    let x = classify(a)?;
    let y = classify(b)?;
    Some(match (x, y) {
        (Num::Int(p), Num::Int(q)) => Some(p.cmp(&q)),
        (Num::Float(p), Num::Float(q)) => p.partial_cmp(&q),
        (Num::Float(p), int) => cmp_int_float(int, p).map(Ordering::reverse),
        (int, Num::Float(q)) => cmp_int_float(int, q),
        (p, q) => Some(to_big(p).cmp(&to_big(q))),
    })
}

/// `a == b` for two numbers; `None` when either is not a number.
pub fn numeric_eq(a: &Value, b: &Value) -> Option<bool> {
    numeric_cmp(a, b).map(|ordering| ordering == Some(Ordering::Equal))
}

/// Applies a sign to a hash residue in `[0, 2**61 - 1)`; `-1` is reserved.
/// `hash(i)`: `i` itself for all but the largest, with no division
/// (a 64-bit `%` is tens of cycles, on every dict access with an int key).
#[inline]
pub fn hash_int(i: i64) -> i64 {
    let magnitude = i.unsigned_abs();
    let residue = if magnitude < HASH_MODULUS {
        magnitude
    } else {
        magnitude % HASH_MODULUS
    };
    signed_hash(residue, i < 0)
}

fn signed_hash(residue: u64, negative: bool) -> i64 {
    let h = if negative {
        -(residue as i64)
    } else {
        residue as i64
    };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// CPython's hash of a number: `n mod (2**61 - 1)` with the sign of `n`,
/// and floats hash like the rational they equal, so `hash(2.0) == hash(2)`.
pub fn hash_number(value: &Value) -> Option<i64> {
    Some(match classify(value)? {
        Num::Int(i) => hash_int(i),
        Num::Big(b) => {
            let residue = (b.magnitude() % HASH_MODULUS).to_u64().unwrap_or(0);
            signed_hash(residue, b.is_negative())
        }
        Num::Float(f) => {
            if f.is_nan() {
                // By identity, as CPython's: the bits (`FloatBits`).
                return Some(f.to_bits() as i64);
            }
            if f.is_infinite() {
                return Some(if f > 0.0 { HASH_INF } else { -HASH_INF });
            }
            // f == mantissa * 2**exponent exactly; and 2**61 == 1 modulo
            // the hash modulus, so the exponent reduces modulo 61.
            let bits = f.to_bits();
            let field = ((bits >> 52) & 0x7ff) as i64;
            let fraction = bits & ((1 << 52) - 1);
            let (mantissa, exponent) = if field == 0 {
                (fraction, -1074)
            } else {
                (fraction | (1 << 52), field - 1075)
            };
            let rotation = exponent.rem_euclid(HASH_BITS as i64) as u32;
            let residue =
                ((mantissa % HASH_MODULUS) as u128 * (1u128 << rotation)) % HASH_MODULUS as u128;
            signed_hash(residue as u64, f < 0.0)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(s: &str) -> Value {
        Value::from_bigint(s.parse::<BigInt>().unwrap())
    }

    fn show(v: &Value) -> String {
        match v {
            Value::Bool(b) => if b.get() { "True" } else { "False" }.into(),
            Value::Int(i) => i.to_string(),
            Value::BigInt(b) => format!("big:{b}"),
            Value::Float(f) => super::super::format::float_repr(f.get()),
            Value::Tuple(items) => {
                let parts: Vec<String> = items.iter().map(show).collect();
                format!("({})", parts.join(", "))
            }
            _ => "?".into(),
        }
    }

    fn run(op: BinOp, a: Value, b: Value) -> String {
        let interp = Interp::new(vec![]);
        match binary(&interp, op, &a, &b) {
            None => "none".into(),
            Some(Ok(v)) => show(&v),
            Some(Err(e)) => {
                let args = e.0.exception.as_ref().unwrap().args.borrow().clone();
                let message: Vec<String> = args
                    .iter()
                    .map(|a| a.as_str().map(str::to_string).unwrap_or_else(|| show(a)))
                    .collect();
                format!("{}: {}", e.class_name(), message.join("|"))
            }
        }
    }

    #[test]
    fn int_arithmetic() {
        use BinOp::*;
        assert_eq!(
            run(Add, Value::Int(i64::MAX), Value::Int(1)),
            "big:9223372036854775808"
        );
        assert_eq!(
            run(Sub, Value::Int(i64::MIN), Value::Int(1)),
            "big:-9223372036854775809"
        );
        assert_eq!(
            run(Mul, big("9223372036854775808"), Value::Int(-1)),
            "-9223372036854775808"
        );
        assert_eq!(run(FloorDiv, Value::Int(-7), Value::Int(2)), "-4");
        assert_eq!(run(Mod, Value::Int(-7), Value::Int(2)), "1");
        assert_eq!(run(Mod, Value::Int(7), Value::Int(-2)), "-1");
        assert_eq!(
            run(FloorDiv, Value::Int(i64::MIN), Value::Int(-1)),
            "big:9223372036854775808"
        );
        assert_eq!(run(Mod, Value::Int(i64::MIN), Value::Int(-1)), "0");
        assert_eq!(
            run(Pow, Value::Int(2), Value::Int(100)),
            "big:1267650600228229401496703205376"
        );
        assert_eq!(run(Pow, Value::Int(2), Value::Int(-1)), "0.5");
        assert_eq!(
            run(Pow, Value::Int(-1), big("100000000000000000000001")),
            "-1"
        );
        assert_eq!(
            run(LShift, Value::Int(-1), Value::Int(64)),
            "big:-18446744073709551616"
        );
        assert_eq!(run(RShift, Value::Int(-5), Value::Int(1)), "-3");
        assert_eq!(
            run(RShift, big("-18446744073709551617"), Value::Int(64)),
            "-2"
        );
        assert_eq!(
            run(RShift, big("-18446744073709551617"), Value::Int(1000)),
            "-1"
        );
        assert_eq!(
            run(BitAnd, big("-18446744073709551617"), Value::Int(255)),
            "255"
        );
        assert_eq!(run(BitXor, Value::from(true), Value::from(true)), "False");
        assert_eq!(run(BitOr, Value::from(true), Value::Int(2)), "3");
        assert_eq!(run(Add, Value::from(true), Value::from(true)), "2");
        assert_eq!(
            run(LShift, Value::Int(1), Value::Int(-1)),
            "ValueError: negative shift count"
        );
        assert_eq!(
            run(LShift, Value::Int(1), big("1180591620717411303424")),
            "OverflowError: too many digits in integer"
        );
        assert_eq!(run(MatMul, Value::Int(1), Value::Int(1)), "none");
        assert_eq!(run(Add, Value::Int(1), Value::None), "none");
    }

    #[test]
    fn division() {
        use BinOp::*;
        assert_eq!(
            run(Div, Value::Int(1), Value::Int(0)),
            "ZeroDivisionError: division by zero"
        );
        assert_eq!(
            run(FloorDiv, Value::Int(1), Value::Int(0)),
            "ZeroDivisionError: integer division or modulo by zero"
        );
        assert_eq!(
            run(Mod, Value::Int(1), Value::Int(0)),
            "ZeroDivisionError: integer modulo by zero"
        );
        assert_eq!(run(Div, Value::Int(0), Value::Int(-5)), "-0.0");
        // Values from CPython 3.11.
        assert_eq!(
            run(Div, big("100000000000000000000000"), Value::Int(3)),
            "3.333333333333333e+22"
        );
        assert_eq!(
            run(Div, Value::Int(9007199254740993), Value::Int(1)),
            "9007199254740992.0"
        );
        assert_eq!(
            run(Div, Value::Int(9007199254740995), Value::Int(1)),
            "9007199254740996.0"
        );
        assert_eq!(
            run(
                Div,
                big("1"),
                big("100000000000000000000000000000000000000000000000000")
            ),
            "1e-50"
        );
        let ten_400 = format!("1{}", "0".repeat(400));
        assert_eq!(
            run(Div, big(&ten_400), Value::Int(3)),
            "OverflowError: integer division result too large for a float"
        );
        assert_eq!(run(Div, Value::Int(1), big(&ten_400)), "0.0");
        assert_eq!(
            run(Div, big(&ten_400), Value::float(1.0)),
            "OverflowError: int too large to convert to float"
        );
        let tiny = format!("1{}", "0".repeat(320));
        assert_eq!(run(Div, Value::Int(7), big(&tiny)), "7e-320");
        assert_eq!(
            run(Div, Value::float(1.0), Value::Int(0)),
            "ZeroDivisionError: float division by zero"
        );
        assert_eq!(
            run(FloorDiv, Value::float(1.0), Value::float(0.0)),
            "ZeroDivisionError: float floor division by zero"
        );
        assert_eq!(
            run(Mod, Value::float(1.0), Value::Int(0)),
            "ZeroDivisionError: float modulo"
        );
        assert_eq!(run(FloorDiv, Value::float(-7.5), Value::Int(2)), "-4.0");
        assert_eq!(run(Mod, Value::float(-7.5), Value::Int(2)), "0.5");
        assert_eq!(run(Mod, Value::float(7.5), Value::float(-2.0)), "-0.5");
        assert_eq!(run(Mod, Value::Int(1), Value::float(f64::INFINITY)), "1.0");
        assert_eq!(run(Mod, Value::float(-0.0), Value::float(5.0)), "0.0");
        assert_eq!(run(FloorDiv, Value::float(0.0), Value::float(-5.0)), "-0.0");
    }

    #[test]
    fn powers() {
        use BinOp::*;
        assert_eq!(
            run(Pow, Value::float(0.0), Value::Int(-1)),
            "ZeroDivisionError: 0.0 cannot be raised to a negative power"
        );
        assert_eq!(
            run(Pow, Value::Int(0), Value::Int(-1)),
            "ZeroDivisionError: 0.0 cannot be raised to a negative power"
        );
        assert_eq!(
            run(Pow, Value::float(10.0), Value::Int(400)),
            "OverflowError: 34|Numerical result out of range"
        );
        assert_eq!(
            run(Pow, Value::float(-8.0), Value::float(1.0 / 3.0))
                .split(':')
                .next(),
            Some("NotImplementedError")
        );
        assert_eq!(run(Pow, Value::float(-2.0), Value::Int(3)), "-8.0");
        assert_eq!(run(Pow, Value::float(f64::NAN), Value::Int(0)), "1.0");
        assert_eq!(run(Pow, Value::Int(1), Value::float(f64::NAN)), "1.0");
        assert_eq!(
            run(Pow, Value::float(-1.0), Value::float(f64::INFINITY)),
            "1.0"
        );
        assert_eq!(
            run(Pow, Value::float(f64::NEG_INFINITY), Value::Int(3)),
            "-inf"
        );
        assert_eq!(
            run(Pow, Value::float(f64::NEG_INFINITY), Value::Int(-3)),
            "-0.0"
        );
        assert_eq!(
            run(Pow, Value::float(2.0), Value::float(0.5)),
            "1.4142135623730951"
        );
        assert_eq!(run(Pow, Value::Int(10), Value::Int(-2)), "0.01");
        assert_eq!(run(Pow, Value::Int(1), Value::Int(-1)), "1.0");
        assert_eq!(run(Mul, Value::float(1e308), Value::Int(10)), "inf");
    }

    #[test]
    fn comparisons() {
        let two_53_plus_1 = Value::Int((1 << 53) + 1);
        let f = Value::float(9007199254740992.0);
        assert_eq!(
            numeric_cmp(&two_53_plus_1, &f),
            Some(Some(Ordering::Greater))
        );
        assert_eq!(numeric_eq(&Value::Int(1), &Value::float(1.0)), Some(true));
        assert_eq!(numeric_eq(&Value::from(true), &Value::Int(1)), Some(true));
        assert_eq!(
            numeric_cmp(&Value::Int(1), &Value::float(f64::NAN)),
            Some(None)
        );
        assert_eq!(
            numeric_cmp(&big("100000000000000000000"), &Value::float(1e20)),
            Some(Some(Ordering::Equal))
        );
        assert_eq!(
            numeric_cmp(&big("100000000000000000001"), &Value::float(1e20)),
            Some(Some(Ordering::Greater))
        );
        assert_eq!(
            numeric_cmp(&Value::float(-1e20), &big("-100000000000000000001")),
            Some(Some(Ordering::Greater))
        );
        assert_eq!(
            numeric_cmp(
                &Value::Int(i64::MAX),
                &Value::float(9_223_372_036_854_775_808.0)
            ),
            Some(Some(Ordering::Less))
        );
        assert_eq!(
            numeric_cmp(&Value::Int(3), &Value::float(3.5)),
            Some(Some(Ordering::Less))
        );
        assert_eq!(numeric_cmp(&Value::Int(1), &Value::None), None);
    }

    #[test]
    fn hashes() {
        // Values from CPython 3.11.
        assert_eq!(hash_number(&Value::Int(-1)), Some(-2));
        assert_eq!(hash_number(&Value::Int(i64::MAX)), Some(3));
        assert_eq!(hash_number(&Value::Int(i64::MIN)), Some(-4));
        assert_eq!(hash_number(&big("2305843009213693951")), Some(0));
        assert_eq!(
            hash_number(&big("-100000000000000000000")),
            Some(-848750603811160107)
        );
        assert_eq!(hash_number(&Value::float(1.5)), Some(1152921504606846977));
        assert_eq!(hash_number(&Value::float(0.1)), Some(230584300921369408));
        assert_eq!(hash_number(&Value::float(-2.0)), Some(-2));
        assert_eq!(hash_number(&Value::float(1e300)), Some(1224995262755759164));
        assert_eq!(hash_number(&Value::float(f64::INFINITY)), Some(314159));
        assert_eq!(hash_number(&Value::float(5e-324)), Some(16777216));
        assert_eq!(hash_number(&Value::from(true)), Some(1));
    }

    #[test]
    fn unary_and_divmod() {
        let interp = Interp::new(vec![]);
        let neg = negate(&interp, &Value::Int(i64::MIN)).unwrap().unwrap();
        assert_eq!(show(&neg), "big:9223372036854775808");
        let neg = negate(&interp, &big("9223372036854775808"))
            .unwrap()
            .unwrap();
        assert_eq!(show(&neg), "-9223372036854775808");
        assert_eq!(
            show(&positive(&interp, &Value::from(true)).unwrap().unwrap()),
            "1"
        );
        assert_eq!(
            show(&invert(&interp, &Value::from(true)).unwrap().unwrap()),
            "-2"
        );
        assert!(invert(&interp, &Value::float(1.0)).is_none());
        let d = divmod(&interp, &Value::Int(-7), &Value::Int(2))
            .unwrap()
            .unwrap();
        assert_eq!(show(&d), "(-4, 1)");
        let d = divmod(&interp, &Value::float(-7.0), &Value::Int(2))
            .unwrap()
            .unwrap();
        assert_eq!(show(&d), "(-4.0, 1.0)");
    }
}

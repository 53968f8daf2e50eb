//! The `math` module: CPython 3.11's functions and constants, with its
//! special cases and error messages (`math domain error`, `math range
//! error`, …). Results come from the platform libm, as CPython's do —
//! where Rust's own function is not the C library's (`acosh`, `asinh`,
//! `atanh`, `cbrt`, `erf`, `erfc`), `special.rs` computes glibc's formulas
//! on the C library's `log`, `exp`, …; the algorithms CPython implements
//! itself (`fsum`, `hypot`, `log` of huge ints, `isclose`, `gamma`,
//! `lgamma`) are ported so that the last bit agrees.

use crate::runtime::arith::check_result_bits;
use std::rc::Rc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::runtime::arith;
use crate::runtime::builtins::add_function;
use crate::runtime::error::{ExcType, PyErr, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::ModuleObject;
use crate::runtime::value::Value;
use crate::syntax::ast::{BinOp, Name};

mod special;

pub fn create(_interp: &mut Interp) -> Rc<ModuleObject> {
    let module = super::new_module("math");
    {
        let mut ns = module.namespace.borrow_mut();
        ns.insert("pi".into(), Value::float(std::f64::consts::PI));
        ns.insert("e".into(), Value::float(std::f64::consts::E));
        ns.insert("tau".into(), Value::float(std::f64::consts::TAU));
        ns.insert("inf".into(), Value::float(f64::INFINITY));
        ns.insert("nan".into(), Value::float(f64::NAN));
    }
    let ns = &module.namespace;
    add_function(ns, "sqrt", math_sqrt);
    add_function(ns, "exp", math_exp);
    add_function(ns, "expm1", math_expm1);
    add_function(ns, "log", math_log);
    add_function(ns, "log2", math_log2);
    add_function(ns, "log10", math_log10);
    add_function(ns, "log1p", math_log1p);
    add_function(ns, "pow", math_pow);
    add_function(ns, "sin", math_sin);
    add_function(ns, "cos", math_cos);
    add_function(ns, "tan", math_tan);
    add_function(ns, "asin", math_asin);
    add_function(ns, "acos", math_acos);
    add_function(ns, "atan", math_atan);
    add_function(ns, "atan2", math_atan2);
    add_function(ns, "sinh", math_sinh);
    add_function(ns, "cosh", math_cosh);
    add_function(ns, "tanh", math_tanh);
    add_function(ns, "acosh", math_acosh);
    add_function(ns, "asinh", math_asinh);
    add_function(ns, "atanh", math_atanh);
    add_function(ns, "cbrt", math_cbrt);
    add_function(ns, "erf", math_erf);
    add_function(ns, "erfc", math_erfc);
    add_function(ns, "gamma", math_gamma);
    add_function(ns, "lgamma", math_lgamma);
    add_function(ns, "hypot", math_hypot);
    add_function(ns, "dist", math_dist);
    add_function(ns, "frexp", math_frexp);
    add_function(ns, "ldexp", math_ldexp);
    add_function(ns, "degrees", math_degrees);
    add_function(ns, "radians", math_radians);
    add_function(ns, "fabs", math_fabs);
    add_function(ns, "exp2", math_exp2);
    add_function(ns, "nextafter", math_nextafter);
    add_function(ns, "ulp", math_ulp);
    add_function(ns, "remainder", math_remainder);
    add_function(ns, "copysign", math_copysign);
    add_function(ns, "fmod", math_fmod);
    add_function(ns, "modf", math_modf);
    add_function(ns, "floor", math_floor);
    add_function(ns, "ceil", math_ceil);
    add_function(ns, "trunc", math_trunc);
    add_function(ns, "isfinite", math_isfinite);
    add_function(ns, "isinf", math_isinf);
    add_function(ns, "isnan", math_isnan);
    add_function(ns, "isclose", math_isclose);
    add_function(ns, "factorial", math_factorial);
    add_function(ns, "gcd", math_gcd);
    add_function(ns, "lcm", math_lcm);
    add_function(ns, "isqrt", math_isqrt);
    add_function(ns, "comb", math_comb);
    add_function(ns, "perm", math_perm);
    add_function(ns, "fsum", math_fsum);
    add_function(ns, "prod", math_prod);
    module
}

// ---------------------------------------------------------------------------
// Argument helpers
// ---------------------------------------------------------------------------

fn no_keywords(interp: &Interp, name: &str, kwargs: &[(Name, Value)]) -> PyResult<()> {
    if kwargs.is_empty() {
        Ok(())
    } else {
        Err(interp.type_error(format!("math.{name}() takes no keyword arguments")))
    }
}

/// The single argument of `math.NAME(x)`.
fn one_arg<'a>(
    interp: &Interp,
    name: &str,
    args: &'a [Value],
    kwargs: &[(Name, Value)],
) -> PyResult<&'a Value> {
    no_keywords(interp, name, kwargs)?;
    match args {
        [x] => Ok(x),
        _ => Err(interp.type_error(format!(
            "math.{name}() takes exactly one argument ({} given)",
            args.len()
        ))),
    }
}

/// The two arguments of `math.NAME(x, y)`.
fn two_args<'a>(
    interp: &Interp,
    name: &str,
    args: &'a [Value],
    kwargs: &[(Name, Value)],
) -> PyResult<(&'a Value, &'a Value)> {
    no_keywords(interp, name, kwargs)?;
    match args {
        [x, y] => Ok((x, y)),
        _ => Err(interp.type_error(format!("{name} expected 2 arguments, got {}", args.len()))),
    }
}

/// `PyFloat_AsDouble`: ints, floats, and objects with `__float__` or
/// `__index__`.
fn float_arg(interp: &mut Interp, value: &Value) -> PyResult<f64> {
    if let Some(result) = arith::to_f64(interp, value) {
        return result;
    }
    if let Some(method) = interp.lookup_special(value, "__float__") {
        let result = interp.call_bound(&method, value, &[], &[])?;
        return match result {
            Value::Float(f) => Ok(f.get()),
            other => Err(interp.type_error(format!(
                "{}.__float__ returned non-float (type {})",
                interp.type_name(value),
                interp.type_name(&other)
            ))),
        };
    }
    if interp.lookup_special(value, "__index__").is_some() {
        return Ok(interp.to_index(value)? as f64);
    }
    Err(interp.type_error(format!(
        "must be real number, not {}",
        interp.type_name(value)
    )))
}

/// An integer argument (`__index__` accepted), as a big int.
fn int_arg(interp: &mut Interp, value: &Value) -> PyResult<BigInt> {
    if let Some(n) = interp.to_bigint(value) {
        return Ok(n);
    }
    if interp.lookup_special(value, "__index__").is_some() {
        return Ok(BigInt::from(interp.to_index(value)?));
    }
    Err(interp.type_error(format!(
        "'{}' object cannot be interpreted as an integer",
        interp.type_name(value)
    )))
}

fn domain_error(interp: &Interp) -> PyErr {
    interp.value_error("math domain error")
}

fn range_error(interp: &Interp) -> PyErr {
    interp.error(ExcType::OverflowError, "math range error")
}

/// CPython's `math_1`: applies `f` and turns a NaN from a non-NaN into a
/// domain error, and an infinity from a finite input into a range error
/// (when the function can overflow) or a domain error (a singularity).
fn math_1(
    interp: &mut Interp,
    name: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
    f: fn(f64) -> f64,
    can_overflow: bool,
) -> PyResult<Value> {
    let x = float_arg(interp, one_arg(interp, name, args, kwargs)?)?;
    let r = f(x);
    if r.is_nan() && !x.is_nan() {
        return Err(domain_error(interp));
    }
    if r.is_infinite() && x.is_finite() {
        return Err(if can_overflow {
            range_error(interp)
        } else {
            domain_error(interp)
        });
    }
    Ok(Value::float(r))
}

macro_rules! math_1_functions {
    ($( $rust:ident, $py:literal, $f:expr, $can_overflow:expr; )*) => {
        $(
            fn $rust(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
                math_1(interp, $py, args, kwargs, $f, $can_overflow)
            }
        )*
    };
}

math_1_functions! {
    math_sqrt, "sqrt", f64::sqrt, false;
    math_exp, "exp", f64::exp, true;
    math_expm1, "expm1", f64::exp_m1, true;
    math_log1p, "log1p", f64::ln_1p, false;
    math_sin, "sin", f64::sin, false;
    math_cos, "cos", f64::cos, false;
    math_tan, "tan", f64::tan, false;
    math_asin, "asin", f64::asin, false;
    math_acos, "acos", f64::acos, false;
    math_atan, "atan", f64::atan, false;
    math_sinh, "sinh", f64::sinh, true;
    math_cosh, "cosh", f64::cosh, true;
    math_tanh, "tanh", f64::tanh, false;
    math_fabs, "fabs", f64::abs, false;
    math_exp2, "exp2", f64::exp2, true;
    // glibc's formulas, not Rust's (which differ in the last bit)
    math_acosh, "acosh", special::acosh, false;
    math_asinh, "asinh", special::asinh, false;
    math_atanh, "atanh", special::atanh, false;
    math_cbrt, "cbrt", special::cbrt, false;
    math_erf, "erf", special::erf, false;
    math_erfc, "erfc", special::erfc, false;
}

/// CPython's `math_1a`, for its own `gamma` and `lgamma`: the function
/// says what C's `errno` would hold; a range error whose result is below
/// 1.5 in size is an underflow, and no error.
fn math_1a(
    interp: &mut Interp,
    name: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
    f: fn(f64) -> (f64, special::Errno),
) -> PyResult<Value> {
    let x = float_arg(interp, one_arg(interp, name, args, kwargs)?)?;
    match f(x) {
        (_, special::Errno::Domain) => Err(domain_error(interp)),
        (r, special::Errno::Range) if r.abs() >= 1.5 => Err(range_error(interp)),
        (r, _) => Ok(Value::float(r)),
    }
}

fn math_gamma(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    math_1a(interp, "gamma", args, kwargs, special::gamma)
}

fn math_lgamma(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    math_1a(interp, "lgamma", args, kwargs, special::lgamma)
}

fn math_nextafter(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let (x, y) = two_floats(interp, "nextafter", args, kwargs)?;
    Ok(Value::float(libm::nextafter(x, y)))
}

/// `ulp(x)`: the gap from `abs(x)` to the next float away from zero (the
/// largest float's, toward zero).
fn math_ulp(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let x = float_arg(interp, one_arg(interp, "ulp", args, kwargs)?)?.abs();
    if !x.is_finite() {
        return Ok(Value::float(x));
    }
    let above = libm::nextafter(x, f64::INFINITY);
    Ok(Value::float(if above.is_infinite() {
        x - libm::nextafter(x, f64::NEG_INFINITY)
    } else {
        above - x
    }))
}

/// IEEE 754's `remainder(x, y)`: `x - n*y` for the integer `n` nearest
/// `x / y` (ties to even), exact.
fn math_remainder(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let (x, y) = two_floats(interp, "remainder", args, kwargs)?;
    if y.is_infinite() && x.is_finite() {
        return Ok(Value::float(x));
    }
    let r = libm::remainder(x, y);
    if r.is_nan() && !x.is_nan() && !y.is_nan() {
        return Err(domain_error(interp));
    }
    Ok(Value::float(r))
}

// ---------------------------------------------------------------------------
// Logarithms
// ---------------------------------------------------------------------------

/// CPython's `m_log`/`m_log2`/`m_log10`: `None` for a domain error (zero,
/// negative, or minus infinity).
fn checked_log(x: f64, f: fn(f64) -> f64) -> Option<f64> {
    if x.is_nan() || x == f64::INFINITY {
        Some(x)
    } else if x > 0.0 {
        Some(f(x))
    } else {
        None
    }
}

/// CPython's `loghelper`: ints too large for a float still have a
/// logarithm, computed from their mantissa and binary exponent.
fn log_of(interp: &mut Interp, value: &Value, f: fn(f64) -> f64) -> PyResult<f64> {
    if let Some(n) = interp.to_bigint(value) {
        if !n.is_positive() {
            return Err(domain_error(interp));
        }
        return Ok(match arith::bigint_to_f64(&n) {
            Some(x) => f(x),
            None => {
                let (mantissa, exponent) = bigint_frexp(&n);
                f(mantissa) + f(2.0) * exponent as f64
            }
        });
    }
    let x = float_arg(interp, value)?;
    checked_log(x, f).ok_or_else(|| domain_error(interp))
}

/// `_PyLong_Frexp` for a positive int too large for a float: `(m, e)` with
/// `n ≈ m * 2**e`, `m` in `[0.5, 1)` rounded to 53 bits.
fn bigint_frexp(n: &BigInt) -> (f64, u64) {
    let bits = n.bits();
    // The top 64 bits (with a sticky bit for the rest) round correctly to
    // 53 bits when converted; scaling by 2**-64 is exact.
    let shift = bits - 64;
    let top: BigInt = n >> shift;
    let sticky = n.trailing_zeros().is_some_and(|tz| tz < shift);
    let top = top.to_u64().unwrap_or(u64::MAX) | sticky as u64;
    let mut mantissa = top as f64 / 18_446_744_073_709_551_616.0;
    let mut exponent = bits;
    if mantissa == 1.0 {
        mantissa = 0.5;
        exponent += 1;
    }
    (mantissa, exponent)
}

fn math_log(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    no_keywords(interp, "log", kwargs)?;
    if args.is_empty() || args.len() > 2 {
        return Err(interp.type_error("math.log requires 1 to 2 arguments"));
    }
    let num = log_of(interp, &args[0], f64::ln)?;
    let Some(base) = args.get(1) else {
        return Ok(Value::float(num));
    };
    let den = log_of(interp, base, f64::ln)?;
    if den == 0.0 {
        return Err(interp.error(ExcType::ZeroDivisionError, "float division by zero"));
    }
    Ok(Value::float(num / den))
}

fn math_log2(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let x = one_arg(interp, "log2", args, kwargs)?;
    log_of(interp, x, f64::log2).map(Value::float)
}

fn math_log10(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let x = one_arg(interp, "log10", args, kwargs)?;
    log_of(interp, x, f64::log10).map(Value::float)
}

// ---------------------------------------------------------------------------
// Two-argument float functions
// ---------------------------------------------------------------------------

fn two_floats(
    interp: &mut Interp,
    name: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<(f64, f64)> {
    let (x, y) = two_args(interp, name, args, kwargs)?;
    let x = float_arg(interp, x)?;
    let y = float_arg(interp, y)?;
    Ok((x, y))
}

fn math_pow(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (x, y) = two_floats(interp, "pow", args, kwargs)?;
    // IEEE special values are handled directly, as CPython does.
    let r = if !x.is_finite() || !y.is_finite() {
        if x.is_nan() {
            if y == 0.0 {
                1.0
            } else {
                x
            }
        } else if y.is_nan() {
            if x == 1.0 {
                1.0
            } else {
                y
            }
        } else if x.is_infinite() {
            let odd_y = y.is_finite() && (y.abs() % 2.0) == 1.0;
            if y > 0.0 {
                if odd_y {
                    x
                } else {
                    x.abs()
                }
            } else if y == 0.0 {
                1.0
            } else if odd_y {
                0.0f64.copysign(x)
            } else {
                0.0
            }
        } else if x.abs() == 1.0 {
            1.0
        } else if (y > 0.0 && x.abs() > 1.0) || (y < 0.0 && x.abs() < 1.0) {
            f64::INFINITY
        } else {
            0.0
        }
    } else {
        let r = x.powf(y);
        if r.is_nan() || (r.is_infinite() && x == 0.0) {
            return Err(domain_error(interp));
        }
        if r.is_infinite() {
            return Err(range_error(interp));
        }
        r
    };
    Ok(Value::float(r))
}

fn math_atan2(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    use std::f64::consts::PI;
    let (y, x) = two_floats(interp, "atan2", args, kwargs)?;
    // CPython's m_atan2 fixes the special values itself.
    let r = if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if y.is_infinite() {
        if x.is_infinite() {
            if x.is_sign_positive() {
                (0.25 * PI).copysign(y)
            } else {
                (0.75 * PI).copysign(y)
            }
        } else {
            (0.5 * PI).copysign(y)
        }
    } else if x.is_infinite() || y == 0.0 {
        if x.is_sign_positive() {
            0.0f64.copysign(y)
        } else {
            PI.copysign(y)
        }
    } else {
        y.atan2(x)
    };
    Ok(Value::float(r))
}

fn math_copysign(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (x, y) = two_floats(interp, "copysign", args, kwargs)?;
    Ok(Value::float(x.copysign(y)))
}

fn math_fmod(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (x, y) = two_floats(interp, "fmod", args, kwargs)?;
    if y.is_infinite() && x.is_finite() {
        return Ok(Value::float(x));
    }
    let r = x % y;
    if r.is_nan() && !x.is_nan() && !y.is_nan() {
        return Err(domain_error(interp));
    }
    Ok(Value::float(r))
}

fn math_modf(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let x = float_arg(interp, one_arg(interp, "modf", args, kwargs)?)?;
    let (fraction, whole) = if x.is_infinite() {
        (0.0f64.copysign(x), x)
    } else if x.is_nan() {
        (x, x)
    } else {
        let whole = x.trunc();
        ((x - whole).copysign(x), whole)
    };
    Ok(Value::pair(Value::float(fraction), Value::float(whole)))
}

fn math_degrees(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let x = float_arg(interp, one_arg(interp, "degrees", args, kwargs)?)?;
    Ok(Value::float(x * (180.0 / std::f64::consts::PI)))
}

fn math_radians(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let x = float_arg(interp, one_arg(interp, "radians", args, kwargs)?)?;
    Ok(Value::float(x * (std::f64::consts::PI / 180.0)))
}

/// A value and its rounding error, for the error-free transformations of
/// CPython's `vector_norm`.
struct DoubleLength {
    hi: f64,
    lo: f64,
}

fn dl_fast_sum(a: f64, b: f64) -> DoubleLength {
    let hi = a + b;
    DoubleLength {
        hi,
        lo: (a - hi) + b,
    }
}

fn dl_mul(x: f64, y: f64) -> DoubleLength {
    let hi = x * y;
    DoubleLength {
        hi,
        lo: x.mul_add(y, -hi),
    }
}

/// CPython's `vector_norm`: the Euclidean norm of non-negative finite
/// coordinates whose maximum is `max`, nearly always correctly rounded.
fn vector_norm(vec: &[f64], max: f64, found_nan: bool) -> f64 {
    if max.is_infinite() {
        return max;
    }
    if found_nan {
        return f64::NAN;
    }
    if max == 0.0 || vec.len() <= 1 {
        return max;
    }
    let max_e = frexp_exponent(max);
    if max_e < -1023 {
        // Subnormals: scale up to normals first, as ldexp(1, -max_e) would overflow.
        let scaled: Vec<f64> = vec.iter().map(|v| v / f64::MIN_POSITIVE).collect();
        return f64::MIN_POSITIVE * vector_norm(&scaled, max / f64::MIN_POSITIVE, found_nan);
    }
    let scale = arith::ldexp_exact(1.0, -(max_e as i64));
    let (mut csum, mut frac1, mut frac2) = (1.0f64, 0.0f64, 0.0f64);
    for &v in vec {
        let x = v * scale;
        let pr = dl_mul(x, x);
        let sm = dl_fast_sum(csum, pr.hi);
        csum = sm.hi;
        frac1 += pr.lo;
        frac2 += sm.lo;
    }
    let mut h = (csum - 1.0 + (frac1 + frac2)).sqrt();
    let pr = dl_mul(-h, h);
    let sm = dl_fast_sum(csum, pr.hi);
    csum = sm.hi;
    frac1 += pr.lo;
    frac2 += sm.lo;
    let x = csum - 1.0 + (frac1 + frac2);
    h += x / (2.0 * h);
    h / scale
}

/// The exponent `frexp` returns: `x == m * 2**e` with `m` in `[0.5, 1)`.
fn frexp_exponent(x: f64) -> i32 {
    let bits = x.to_bits();
    let field = ((bits >> 52) & 0x7ff) as i32;
    if field == 0 {
        // Subnormal: normalize by the position of the highest set bit.
        let fraction = bits & ((1 << 52) - 1);
        let leading = fraction.leading_zeros() as i32 - 12;
        -1022 - leading
    } else {
        field - 1022
    }
}

fn math_hypot(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(interp.type_error("math.hypot() takes no keyword arguments"));
    }
    let mut coordinates = Vec::with_capacity(args.len());
    let mut max = 0.0f64;
    let mut found_nan = false;
    for arg in args {
        let x = float_arg(interp, arg)?.abs();
        found_nan |= x.is_nan();
        if x > max {
            max = x;
        }
        coordinates.push(x);
    }
    Ok(Value::float(vector_norm(&coordinates, max, found_nan)))
}

/// `dist(p, q)`: the Euclidean distance between two points.
fn math_dist(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (p, q) = two_args(interp, "dist", args, kwargs)?;
    let p = interp.collect(p)?;
    let q = interp.collect(q)?;
    if p.len() != q.len() {
        return Err(interp.value_error("both points must have the same number of dimensions"));
    }
    let mut diffs = Vec::with_capacity(p.len());
    let mut max = 0.0f64;
    let mut found_nan = false;
    for (px, qx) in p.iter().zip(&q) {
        let px = float_arg(interp, px)?;
        let qx = float_arg(interp, qx)?;
        let x = (px - qx).abs();
        found_nan |= x.is_nan();
        if x > max {
            max = x;
        }
        diffs.push(x);
    }
    Ok(Value::float(vector_norm(&diffs, max, found_nan)))
}

/// `frexp(x)`: `(m, e)` with `x == m * 2**e` and `0.5 <= abs(m) < 1`.
fn math_frexp(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let x = float_arg(interp, one_arg(interp, "frexp", args, kwargs)?)?;
    if x == 0.0 || !x.is_finite() {
        return Ok(Value::pair(Value::float(x), Value::Int(0)));
    }
    let e = frexp_exponent(x);
    let m = arith::ldexp_exact(x, -(e as i64));
    Ok(Value::pair(Value::float(m), Value::Int(e as i64)))
}

/// `ldexp(x, i)`: `x * 2**i`, rounded once (also into the subnormals).
fn math_ldexp(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (x, i) = two_args(interp, "ldexp", args, kwargs)?;
    let x = float_arg(interp, x)?;
    if matches!(i, Value::Float(_)) {
        return Err(interp.type_error("Expected an int as second argument to ldexp."));
    }
    let i = int_arg(interp, i)?;
    if x == 0.0 || !x.is_finite() {
        return Ok(Value::float(x));
    }
    let e = frexp_exponent(x) as i64;
    let m = arith::ldexp_exact(x, -e);
    // The exponent of the result, in frexp's convention.
    let target = i
        .to_i64()
        .map_or(if i.is_negative() { i64::MIN } else { i64::MAX }, |i| {
            i.saturating_add(e)
        });
    if target > 1024 {
        return Err(range_error(interp));
    }
    let r = if target >= -1021 {
        arith::ldexp_exact(m, target)
    } else if target < -1100 {
        0.0f64.copysign(x)
    } else {
        // Subnormal: count units of 2**-1074 and round that count once.
        let units = arith::ldexp_exact(m, target + 1074).round_ties_even();
        arith::ldexp_exact(units, -1074)
    };
    if r.is_infinite() {
        return Err(range_error(interp));
    }
    Ok(Value::float(r))
}

// ---------------------------------------------------------------------------
// Rounding and classification
// ---------------------------------------------------------------------------

/// `math.floor` / `math.ceil`: ints unchanged, floats rounded to an int,
/// other objects through their `__floor__` / `__ceil__`.
fn round_to_int(
    interp: &mut Interp,
    name: &str,
    dunder: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
    f: fn(f64) -> f64,
) -> PyResult<Value> {
    let x = one_arg(interp, name, args, kwargs)?;
    match x {
        Value::Int(_) | Value::BigInt(_) => return Ok(x.clone()),
        Value::Bool(b) => return Ok(Value::Int(b.get() as i64)),
        Value::Float(f_value) => return arith::float_to_int(interp, f(f_value.get())),
        _ => {}
    }
    if let Some(method) = interp.lookup_special(x, dunder) {
        return interp.call_bound(&method, x, &[], &[]);
    }
    let value = float_arg(interp, x)?;
    arith::float_to_int(interp, f(value))
}

fn math_floor(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    round_to_int(interp, "floor", "__floor__", args, kwargs, f64::floor)
}

fn math_ceil(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    round_to_int(interp, "ceil", "__ceil__", args, kwargs, f64::ceil)
}

fn math_trunc(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let x = one_arg(interp, "trunc", args, kwargs)?;
    match x {
        Value::Int(_) | Value::BigInt(_) => Ok(x.clone()),
        Value::Bool(b) => Ok(Value::Int(b.get() as i64)),
        Value::Float(f) => arith::float_to_int(interp, f.get()),
        _ => match interp.lookup_special(x, "__trunc__") {
            Some(method) => interp.call_bound(&method, x, &[], &[]),
            None => Err(interp.type_error(format!(
                "type {} doesn't define __trunc__ method",
                interp.type_name(x)
            ))),
        },
    }
}

fn math_isfinite(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let x = float_arg(interp, one_arg(interp, "isfinite", args, kwargs)?)?;
    Ok(Value::from(x.is_finite()))
}

fn math_isinf(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let x = float_arg(interp, one_arg(interp, "isinf", args, kwargs)?)?;
    Ok(Value::from(x.is_infinite()))
}

fn math_isnan(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let x = float_arg(interp, one_arg(interp, "isnan", args, kwargs)?)?;
    Ok(Value::from(x.is_nan()))
}

/// `isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0)`.
fn math_isclose(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    if args.len() > 2 {
        return Err(interp.type_error(format!(
            "isclose() takes exactly 2 positional arguments ({} given)",
            args.len()
        )));
    }
    let mut slots: [Option<Value>; 4] = [args.first().cloned(), args.get(1).cloned(), None, None];
    const NAMES: [&str; 4] = ["a", "b", "rel_tol", "abs_tol"];
    for (key, value) in kwargs {
        let Some(index) = NAMES.iter().position(|name| **name == **key) else {
            return Err(interp.type_error(format!(
                "'{key}' is an invalid keyword argument for isclose()"
            )));
        };
        if slots[index].is_some() {
            return Err(interp.type_error(format!(
                "argument for isclose() given by name ('{key}') and position ({})",
                index + 1
            )));
        }
        slots[index] = Some(value.clone());
    }
    let mut numbers = [0.0, 0.0, 1e-9, 0.0];
    for (index, slot) in slots.iter().enumerate() {
        match slot {
            Some(value) => numbers[index] = float_arg(interp, value)?,
            None if index < 2 => {
                return Err(interp.type_error(format!(
                    "isclose() missing required argument '{}' (pos {})",
                    NAMES[index],
                    index + 1
                )))
            }
            None => {}
        }
    }
    let [a, b, rel_tol, abs_tol] = numbers;
    if rel_tol < 0.0 || abs_tol < 0.0 {
        return Err(interp.value_error("tolerances must be non-negative"));
    }
    if a == b {
        return Ok(Value::from(true));
    }
    if a.is_infinite() || b.is_infinite() {
        return Ok(Value::from(false));
    }
    let diff = (b - a).abs();
    Ok(Value::from(
        diff <= (rel_tol * b).abs() || diff <= (rel_tol * a).abs() || diff <= abs_tol,
    ))
}

// ---------------------------------------------------------------------------
// Integer functions
// ---------------------------------------------------------------------------

fn math_factorial(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let x = one_arg(interp, "factorial", args, kwargs)?;
    if let Value::Float(_) = x {
        return Err(interp.type_error("'float' object cannot be interpreted as an integer"));
    }
    let n = int_arg(interp, x)?;
    if n.is_negative() {
        return Err(interp.value_error("factorial() not defined for negative values"));
    }
    let Some(n) = n.to_u64().filter(|&n| n <= i64::MAX as u64) else {
        return Err(interp.error(
            ExcType::OverflowError,
            "factorial() argument should not exceed 9223372036854775807",
        ));
    };
    // n! < n**n.
    check_result_bits(interp, n.saturating_mul(u64::from(64 - n.leading_zeros())))?;
    Ok(Value::from_bigint(product_range(1, n)))
}

/// The product of the integers in `lo..=hi`, split in halves so that the
/// multiplications stay balanced (fast for large factorials).
fn product_range(lo: u64, hi: u64) -> BigInt {
    if lo > hi {
        return BigInt::one();
    }
    if hi - lo < 16 {
        let mut product = BigInt::one();
        let mut chunk: u64 = 1;
        for i in lo..=hi {
            match chunk.checked_mul(i) {
                Some(c) => chunk = c,
                None => {
                    product *= chunk;
                    chunk = i;
                }
            }
        }
        return product * chunk;
    }
    let mid = lo + (hi - lo) / 2;
    product_range(lo, mid) * product_range(mid + 1, hi)
}

/// `n * (n - 1) * … * (n - k + 1)`, for `k <= n`: balanced products when
/// `n` fits in a machine word (fast for large `k`).
fn falling_product(n: &BigInt, k: u64) -> BigInt {
    match n.to_u64() {
        Some(n) => product_range(n - k + 1, n),
        None => (0..k).map(|i| n - i).product(),
    }
}

fn int_args(
    interp: &mut Interp,
    name: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Vec<BigInt>> {
    no_keywords(interp, name, kwargs)?;
    args.iter().map(|arg| int_arg(interp, arg)).collect()
}

fn math_gcd(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let numbers = int_args(interp, "gcd", args, kwargs)?;
    let result = numbers.iter().fold(BigInt::zero(), |acc, n| acc.gcd(n));
    Ok(Value::from_bigint(result))
}

fn math_lcm(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let numbers = int_args(interp, "lcm", args, kwargs)?;
    let mut result = BigInt::one();
    for n in &numbers {
        if n.is_zero() || result.is_zero() {
            result = BigInt::zero();
            continue;
        }
        check_result_bits(interp, result.bits() + n.bits())?;
        result = result.lcm(n);
    }
    Ok(Value::from_bigint(result.abs()))
}

fn math_isqrt(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let x = one_arg(interp, "isqrt", args, kwargs)?;
    let n = int_arg(interp, x)?;
    if n.is_negative() {
        return Err(interp.value_error("isqrt() argument must be nonnegative"));
    }
    Ok(Value::from_bigint(n.sqrt()))
}

/// The `(n, k)` arguments of `comb` / `perm`, checked non-negative.
fn comb_args(interp: &mut Interp, n: &Value, k: &Value) -> PyResult<(BigInt, BigInt)> {
    let n = int_arg(interp, n)?;
    let k = int_arg(interp, k)?;
    if n.is_negative() {
        return Err(interp.value_error("n must be a non-negative integer"));
    }
    if k.is_negative() {
        return Err(interp.value_error("k must be a non-negative integer"));
    }
    Ok((n, k))
}

/// `k` as a machine count, or CPython's OverflowError for absurd sizes.
fn count_arg(interp: &Interp, k: &BigInt, message: &str) -> PyResult<u64> {
    k.to_u64()
        .filter(|&k| k <= i64::MAX as u64)
        .ok_or_else(|| interp.error(ExcType::OverflowError, message.to_string()))
}

fn math_comb(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let (n, k) = two_args(interp, "comb", args, kwargs)?;
    let (n, k) = comb_args(interp, n, k)?;
    if k > n {
        return Ok(Value::Int(0));
    }
    let k = k.clone().min(&n - &k);
    let k = count_arg(
        interp,
        &k,
        "min(n - k, k) must not exceed 9223372036854775807",
    )?;
    // C(n, k) < n**k.
    check_result_bits(interp, k.saturating_mul(n.bits()))?;
    Ok(Value::from_bigint(
        falling_product(&n, k) / product_range(1, k),
    ))
}

fn math_perm(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    no_keywords(interp, "perm", kwargs)?;
    let (n, k) = match args {
        [n] => (n, &Value::None),
        [n, k] => (n, k),
        _ if args.is_empty() => {
            return Err(interp.type_error(format!(
                "perm expected at least 1 argument, got {}",
                args.len()
            )))
        }
        _ => {
            return Err(interp.type_error(format!(
                "perm expected at most 2 arguments, got {}",
                args.len()
            )))
        }
    };
    if k.is_none() {
        return math_factorial(interp, std::slice::from_ref(n), &[]);
    }
    let (n, k) = comb_args(interp, n, k)?;
    if k > n {
        return Ok(Value::Int(0));
    }
    let k = count_arg(interp, &k, "k must not exceed 9223372036854775807")?;
    // P(n, k) <= n**k.
    check_result_bits(interp, k.saturating_mul(n.bits()))?;
    Ok(Value::from_bigint(falling_product(&n, k)))
}

// ---------------------------------------------------------------------------
// Sums and products
// ---------------------------------------------------------------------------

/// `fsum(iterable)`: Shewchuk's exact summation with CPython's handling of
/// infinities, NaNs and intermediate overflow, and its final half-even fix.
fn math_fsum(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let iterable = one_arg(interp, "fsum", args, kwargs)?;
    let iterator = interp.get_iter(iterable)?;
    let mut partials: Vec<f64> = Vec::new();
    let mut special_sum = 0.0f64;
    let mut inf_sum = 0.0f64;
    while let Some(item) = interp.next(&iterator)? {
        let mut x = float_arg(interp, &item)?;
        let xsave = x;
        let mut i = 0;
        for j in 0..partials.len() {
            let mut y = partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        partials.truncate(i);
        if x != 0.0 {
            if !x.is_finite() {
                // From a NaN or infinity among the items, or from overflow.
                if xsave.is_finite() {
                    return Err(
                        interp.error(ExcType::OverflowError, "intermediate overflow in fsum")
                    );
                }
                if xsave.is_infinite() {
                    inf_sum += xsave;
                }
                special_sum += xsave;
                partials.clear();
            } else {
                partials.push(x);
            }
        }
    }
    if special_sum != 0.0 || special_sum.is_nan() {
        if inf_sum.is_nan() {
            return Err(interp.value_error("-inf + inf in fsum"));
        }
        return Ok(Value::float(special_sum));
    }
    let mut n = partials.len();
    let mut hi = 0.0f64;
    if n > 0 {
        n -= 1;
        hi = partials[n];
        let mut lo = 0.0f64;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = partials[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        // Half-even rounding across partials: a remaining partial of the
        // same sign as `lo` tips a tie the other way.
        if n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
    }
    Ok(Value::float(hi))
}

/// `prod(iterable, *, start=1)`: `start * x1 * x2 * …` with the ordinary
/// `*` of each pair, so any numbers (or objects with `__mul__`) work.
fn math_prod(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    if args.len() != 1 {
        return Err(interp.type_error(format!(
            "prod() takes exactly 1 positional argument ({} given)",
            args.len()
        )));
    }
    let mut result = Value::Int(1);
    for (key, value) in kwargs {
        if &**key != "start" {
            return Err(
                interp.type_error(format!("prod() got an unexpected keyword argument '{key}'"))
            );
        }
        result = value.clone();
    }
    let iterator = interp.get_iter(&args[0])?;
    while let Some(item) = interp.next(&iterator)? {
        result = interp.binary_op(BinOp::Mul, &result, &item)?;
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frexp_exponents() {
        assert_eq!(frexp_exponent(1.0), 1);
        assert_eq!(frexp_exponent(0.5), 0);
        assert_eq!(frexp_exponent(3.0), 2);
        assert_eq!(frexp_exponent(f64::MIN_POSITIVE), -1021);
        assert_eq!(frexp_exponent(5e-324), -1073);
    }

    #[test]
    fn norms_match_cpython() {
        // math.hypot values from CPython 3.11.
        assert_eq!(vector_norm(&[3.0, 4.0], 4.0, false), 5.0);
        assert_eq!(
            vector_norm(&[3.0, 4.0, 5.0], 5.0, false),
            7.0710678118654755
        );
        assert_eq!(
            vector_norm(&[1e308, 1e308], 1e308, false),
            1.4142135623730951e308
        );
        assert_eq!(
            vector_norm(&[1.0, 1.0], 1.0, false),
            std::f64::consts::SQRT_2
        );
    }

    #[test]
    fn frexp_of_huge_ints() {
        let n = BigInt::from(1) << 2000u32;
        assert_eq!(bigint_frexp(&n), (0.5, 2001));
        let n = (BigInt::from(1) << 2000u32) - 1;
        assert_eq!(bigint_frexp(&n), (0.5, 2001));
    }
}

//! The `time` module: clocks, blocking `sleep`, and calendar conversion
//! (`gmtime`, `localtime`, `mktime`, `ctime`, `asctime`, `strftime`) with
//! a `time.struct_time` object. Local time is UTC. Dates come from our own
//! proleptic-Gregorian day arithmetic, formatted as glibc does in the C
//! locale.
//!
//! Every read of a clock goes through [`wall_clock_now`] or
//! [`monotonic_now`], and every blocking wait through [`block_for`], so
//! that a virtual clock can take over in one place.

use std::rc::Rc;

use num_traits::ToPrimitive;

use crate::runtime::builtins::{add_function, add_method};
use crate::runtime::error::{ExcType, PyErr, PyResult};
use crate::runtime::interp::Interp;
use crate::runtime::object::{Class, ModuleObject, NativeObject};
use crate::runtime::value::Value;
use crate::syntax::ast::{CmpOp, Name};

// ---------------------------------------------------------------------------
// The clock: the only places that read real time or block
// ---------------------------------------------------------------------------

/// Seconds since the Unix epoch (`time.time()`).
fn wall_clock_now(interp: &Interp) -> f64 {
    interp.clock.wall()
}

/// Seconds on a clock that never goes back (`time.monotonic()`,
/// `time.perf_counter()`); its origin is arbitrary.
fn monotonic_now(interp: &Interp) -> f64 {
    interp.clock.monotonic()
}

/// Blocks the whole interpreter for `seconds` (`time.sleep`). Ctrl-C
/// raises `KeyboardInterrupt` out of the sleep, as in CPython — unless it
/// only cancels `asyncio.run`'s main task, after which the sleep goes on.
fn block_for(interp: &mut Interp, seconds: f64) -> PyResult<()> {
    // What was printed before the pause should be visible during it.
    let _ = interp.flush_stdout();
    // Measured from the start, as the program measures it: `end - now`
    // may read a hair short of `seconds`, and so would the sleep.
    let start = interp.clock.monotonic();
    let mut left = seconds;
    while left > 0.0 {
        interp.clock.sleep(left);
        if crate::runtime::interrupt::take() {
            if let Some(error) = interp.keyboard_interrupt() {
                return Err(error);
            }
        }
        left = seconds - (interp.clock.monotonic() - start);
    }
    Ok(())
}

pub fn create(interp: &mut Interp) -> Rc<ModuleObject> {
    let module = super::new_module("time");
    let class = interp.define_module_class("struct_time", "time");
    add_method(&class, "__new__", struct_time_new);
    add_method(&class, "__getitem__", struct_time_getitem);
    add_method(&class, "__len__", struct_time_len);
    add_method(&class, "__iter__", struct_time_iter);
    add_method(&class, "__eq__", struct_time_eq);
    add_method(&class, "__ne__", struct_time_ne);
    let ns = &module.namespace;
    add_function(ns, "time", time_time);
    add_function(ns, "time_ns", time_time_ns);
    add_function(ns, "monotonic", time_monotonic);
    add_function(ns, "monotonic_ns", time_monotonic_ns);
    add_function(ns, "perf_counter", time_perf_counter);
    add_function(ns, "perf_counter_ns", time_perf_counter_ns);
    add_function(ns, "sleep", time_sleep);
    add_function(ns, "gmtime", time_gmtime);
    add_function(ns, "localtime", time_localtime);
    add_function(ns, "mktime", time_mktime);
    add_function(ns, "ctime", time_ctime);
    add_function(ns, "asctime", time_asctime);
    add_function(ns, "strftime", time_strftime);
    add_function(ns, "strptime", time_strptime);
    let mut ns = ns.borrow_mut();
    ns.insert("struct_time".into(), Value::Type(class));
    ns.insert("timezone".into(), Value::Int(0));
    ns.insert("altzone".into(), Value::Int(0));
    ns.insert("daylight".into(), Value::Int(0));
    ns.insert(
        "tzname".into(),
        Value::pair(Value::str("UTC"), Value::str("UTC")),
    );
    drop(ns);
    module
}

// ---------------------------------------------------------------------------
// Argument helpers
// ---------------------------------------------------------------------------

fn no_arguments(
    interp: &Interp,
    name: &str,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<()> {
    crate::runtime::builtins::args::check_count(interp, &format!("time.{name}"), args, kwargs, 0, 0)
}

/// The optional single argument of `gmtime`, `localtime`, `ctime`, … .
fn optional_arg<'a>(
    interp: &Interp,
    name: &str,
    args: &'a [Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Option<&'a Value>> {
    if !kwargs.is_empty() {
        return Err(interp.type_error(format!("{name}() takes no keyword arguments")));
    }
    match args {
        [] => Ok(None),
        [x] => Ok(Some(x)),
        _ => Err(interp.type_error(format!(
            "{name}() takes at most 1 argument ({} given)",
            args.len()
        ))),
    }
}

fn nan_error(interp: &Interp) -> PyErr {
    interp.value_error("Invalid value NaN (not a number)")
}

fn not_an_integer(interp: &Interp, value: &Value) -> PyErr {
    interp.type_error(format!(
        "'{}' object cannot be interpreted as an integer",
        interp.type_name(value)
    ))
}

/// A timestamp argument as whole seconds, rounded toward minus infinity
/// (CPython's `_PyTime_ObjectToTime_t` with `ROUND_FLOOR`); `None` means now.
fn timestamp_arg(interp: &mut Interp, value: Option<&Value>) -> PyResult<i64> {
    let out_of_range = |interp: &Interp| {
        interp.error(
            ExcType::OverflowError,
            "timestamp out of range for platform time_t",
        )
    };
    let value = match value {
        None | Some(Value::None) => return Ok(wall_clock_now(interp).floor() as i64),
        Some(value) => value,
    };
    match value {
        Value::Float(f) => {
            if f.get().is_nan() {
                return Err(nan_error(interp));
            }
            let floor = f.get().floor();
            if !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&floor) {
                return Err(out_of_range(interp));
            }
            Ok(floor as i64)
        }
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(b.get() as i64),
        Value::BigInt(_) => Err(out_of_range(interp)),
        _ => {
            if interp.lookup_special(value, "__index__").is_some() {
                return interp.to_index(value);
            }
            Err(not_an_integer(interp, value))
        }
    }
}

// ---------------------------------------------------------------------------
// Calendar arithmetic
// ---------------------------------------------------------------------------

/// `(year, month, day)` of the day `days` after 1970-01-01 in the
/// proleptic Gregorian calendar (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + (month <= 2) as i64;
    (year, month, day)
}

/// Days from 1970-01-01 to the given date (`days_from_civil`); the month
/// must be in `1..=12`, the day may be anything (it just adds).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The fields of a `struct_time`, as Python numbers them: month 1-12, day
/// of week 0 = Monday, day of year 1-366.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Tm {
    year: i64,
    mon: i64,
    mday: i64,
    hour: i64,
    min: i64,
    sec: i64,
    wday: i64,
    yday: i64,
    isdst: i64,
}

impl Tm {
    fn from_timestamp(seconds: i64) -> Tm {
        let days = seconds.div_euclid(86_400);
        let rem = seconds.rem_euclid(86_400);
        let (year, mon, mday) = civil_from_days(days);
        Tm {
            year,
            mon,
            mday,
            hour: rem / 3600,
            min: rem % 3600 / 60,
            sec: rem % 60,
            // 1970-01-01 was a Thursday (3 with Monday = 0).
            wday: (days + 3).rem_euclid(7),
            yday: days - days_from_civil(year, 1, 1) + 1,
            isdst: 0,
        }
    }

    fn fields(&self) -> [i64; 9] {
        [
            self.year, self.mon, self.mday, self.hour, self.min, self.sec, self.wday, self.yday,
            self.isdst,
        ]
    }

    fn from_fields(f: [i64; 9]) -> Tm {
        Tm {
            year: f[0],
            mon: f[1],
            mday: f[2],
            hour: f[3],
            min: f[4],
            sec: f[5],
            wday: f[6],
            yday: f[7],
            isdst: f[8],
        }
    }

    /// Seconds since the epoch for these fields read as UTC, normalizing
    /// out-of-range months and days as `mktime` does.
    fn timestamp(self) -> i64 {
        let months = self.mon - 1;
        let year = self.year + months.div_euclid(12);
        let month = months.rem_euclid(12) + 1;
        let days = days_from_civil(year, month, 1) + self.mday - 1;
        days * 86_400 + self.hour * 3600 + self.min * 60 + self.sec
    }
}

/// `gmtime` / `localtime` for a timestamp; glibc fails (EOVERFLOW) when
/// the year does not fit a C int.
fn broken_down(interp: &Interp, seconds: i64) -> PyResult<Tm> {
    let tm = Tm::from_timestamp(seconds);
    if i32::try_from(tm.year - 1900).is_err() {
        return Err(interp.new_exception(
            ExcType::OverflowError,
            vec![
                Value::Int(75),
                Value::str("Value too large for defined data type"),
            ],
        ));
    }
    Ok(tm)
}

// ---------------------------------------------------------------------------
// time.struct_time
// ---------------------------------------------------------------------------

const FIELD_NAMES: [&str; 9] = [
    "tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec", "tm_wday", "tm_yday", "tm_isdst",
];

struct StructTime {
    tm: Tm,
    zone: Zone,
}

/// A `struct_time`'s `tm_zone` and `tm_gmtoff`: "GMT" or "UTC" and 0 from
/// `gmtime` and `localtime`, what its sequence gave (else `None`) when
/// made from one.
#[derive(Clone, Default)]
struct Zone {
    name: Option<Rc<str>>,
    gmtoff: Option<i64>,
}

impl Zone {
    fn utc(name: &str) -> Zone {
        Zone {
            name: Some(name.into()),
            gmtoff: Some(0),
        }
    }
}

fn struct_time_class(interp: &Interp) -> Rc<Class> {
    interp.native_class("struct_time")
}

impl StructTime {
    fn tuple(&self) -> Value {
        Value::tuple(self.tm.fields().iter().map(|&f| Value::Int(f)).collect())
    }
}

impl NativeObject for StructTime {
    fn class(&self, interp: &Interp) -> Rc<Class> {
        struct_time_class(interp)
    }

    fn get_attribute(&self, _interp: &mut Interp, name: &str) -> Option<PyResult<Value>> {
        if let Some(index) = FIELD_NAMES.iter().position(|field| *field == name) {
            return Some(Ok(Value::Int(self.tm.fields()[index])));
        }
        match name {
            "tm_zone" => Some(Ok(self
                .zone
                .name
                .as_deref()
                .map_or(Value::None, Value::str))),
            "tm_gmtoff" => Some(Ok(self.zone.gmtoff.map_or(Value::None, Value::Int))),
            "n_fields" => Some(Ok(Value::Int(11))),
            "n_sequence_fields" => Some(Ok(Value::Int(9))),
            _ => None,
        }
    }

    fn repr(&self, _interp: &mut Interp) -> Option<PyResult<String>> {
        let parts: Vec<String> = FIELD_NAMES
            .iter()
            .zip(self.tm.fields())
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        Some(Ok(format!("time.struct_time({})", parts.join(", "))))
    }
}

fn new_struct_time(tm: Tm, zone: Zone) -> Value {
    Value::native(Rc::new(StructTime { tm, zone }))
}

fn as_struct_time(value: &Value) -> Option<&StructTime> {
    match value {
        Value::Native(object) => object.downcast_ref::<StructTime>(),
        _ => None,
    }
}

fn receiver<'a>(interp: &Interp, args: &'a [Value], method: &str) -> PyResult<&'a StructTime> {
    args.first().and_then(as_struct_time).ok_or_else(|| {
        interp.type_error(format!(
            "descriptor '{method}' requires a 'time.struct_time' object"
        ))
    })
}

/// `time.struct_time(sequence)`.
fn struct_time_new(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let Some(sequence) = args.get(1) else {
        return Err(interp.type_error("struct_time() missing required argument 'sequence' (pos 1)"));
    };
    if args.len() > 2 || !kwargs.is_empty() {
        return Err(interp.type_error(format!(
            "struct_time() takes at most 1 argument ({} given)",
            args.len() - 1 + kwargs.len()
        )));
    }
    if !matches!(
        sequence,
        Value::List(_) | Value::Tuple(_) | Value::Future(_) | Value::Native(_)
    ) {
        return Err(interp.type_error("constructor requires a sequence"));
    }
    let items = interp.collect(sequence)?;
    if items.len() < 9 {
        return Err(interp.type_error(format!(
            "time.struct_time() takes an at least 9-sequence ({}-sequence given)",
            items.len()
        )));
    }
    if items.len() > 11 {
        return Err(interp.type_error(format!(
            "time.struct_time() takes an at most 11-sequence ({}-sequence given)",
            items.len()
        )));
    }
    let mut fields = [0i64; 9];
    for (slot, item) in fields.iter_mut().zip(&items) {
        *slot = match item {
            Value::Int(i) => *i,
            Value::Bool(b) => b.get() as i64,
            _ => return Err(only_int_fields(interp)),
        };
    }
    let zone = Zone {
        name: match items.get(9) {
            None | Some(Value::None) => None,
            Some(Value::Str(name)) => Some(name.as_str().into()),
            Some(_) => return Err(only_int_fields(interp)),
        },
        gmtoff: match items.get(10) {
            None | Some(Value::None) => None,
            Some(Value::Int(gmtoff)) => Some(*gmtoff),
            Some(_) => return Err(only_int_fields(interp)),
        },
    };
    Ok(new_struct_time(Tm::from_fields(fields), zone))
}

fn only_int_fields(interp: &Interp) -> crate::runtime::error::PyErr {
    interp.error(
        ExcType::NotImplementedError,
        "pyl's time.struct_time holds only int fields (and a str tm_zone)",
    )
}

fn struct_time_getitem(
    interp: &mut Interp,
    args: &[Value],
    _kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let tuple = receiver(interp, args, "__getitem__")?.tuple();
    let key = args.get(1).cloned().unwrap_or(Value::None);
    interp.get_item(&tuple, &key)
}

fn struct_time_len(
    interp: &mut Interp,
    args: &[Value],
    _kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    receiver(interp, args, "__len__")?;
    Ok(Value::Int(9))
}

fn struct_time_iter(
    interp: &mut Interp,
    args: &[Value],
    _kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let tuple = receiver(interp, args, "__iter__")?.tuple();
    interp.get_iter(&tuple)
}

/// `==` compares as a tuple, as `struct_time` is a tuple subclass.
fn struct_time_eq(
    interp: &mut Interp,
    args: &[Value],
    _kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let tuple = receiver(interp, args, "__eq__")?.tuple();
    let other = match args.get(1) {
        Some(other) => match as_struct_time(other) {
            Some(st) => st.tuple(),
            None if matches!(other, Value::Tuple(_)) => other.clone(),
            None => return Ok(Value::NotImplemented),
        },
        None => return Ok(Value::NotImplemented),
    };
    interp.compare(CmpOp::Eq, &tuple, &other)
}

fn struct_time_ne(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    match struct_time_eq(interp, args, kwargs)? {
        Value::Bool(b) => Ok(Value::from(!b.get())),
        other => Ok(other),
    }
}

/// The nine fields of a time tuple argument (`struct_time` or a 9-tuple
/// of ints), each converted to a C int as CPython's `gettmarg` does, and
/// its zone for `%Z` and `%z` (a plain tuple has none).
fn time_fields(interp: &mut Interp, function: &str, value: &Value) -> PyResult<([i64; 9], Zone)> {
    let (items, zone) = if let Some(st) = as_struct_time(value) {
        let items: Vec<Value> = st.tm.fields().iter().map(|&f| Value::Int(f)).collect();
        (items, st.zone.clone())
    } else if let Value::Tuple(items) = value {
        if items.len() != 9 {
            return Err(interp.type_error(format!("{function}(): illegal time tuple argument")));
        }
        (items.to_vec(), Zone::default())
    } else {
        return Err(interp.type_error("Tuple or struct_time argument required"));
    };
    let mut fields = [0i64; 9];
    for (slot, item) in fields.iter_mut().zip(&items) {
        let n = match item {
            Value::Int(i) => *i,
            Value::Bool(b) => b.get() as i64,
            Value::BigInt(_) => {
                return Err(interp.error(
                    ExcType::OverflowError,
                    "Python int too large to convert to C long",
                ))
            }
            other if interp.lookup_special(other, "__index__").is_some() => {
                interp.to_index(other)?
            }
            other => return Err(not_an_integer(interp, other)),
        };
        if n > i32::MAX as i64 {
            return Err(interp.error(
                ExcType::OverflowError,
                "signed integer is greater than maximum",
            ));
        }
        if n < i32::MIN as i64 {
            return Err(interp.error(
                ExcType::OverflowError,
                "signed integer is less than minimum",
            ));
        }
        *slot = n;
    }
    // C's tm_year counts from 1900 and is an int too.
    if fields[0] - 1900 < i32::MIN as i64 {
        return Err(interp.error(ExcType::OverflowError, "year out of range"));
    }
    Ok((fields, zone))
}

/// A time tuple argument checked and normalized as CPython's `checktm`
/// does for `strftime` and `asctime`.
fn time_tuple_arg(interp: &mut Interp, function: &str, value: &Value) -> PyResult<(Tm, Zone)> {
    let (fields, zone) = time_fields(interp, function, value)?;
    let mut tm = Tm::from_fields(fields);
    // checktm: a zero month, day or yday stands for the first one.
    if tm.mon == 0 {
        tm.mon = 1;
    } else if !(1..=12).contains(&tm.mon) {
        return Err(interp.value_error("month out of range"));
    }
    if tm.mday == 0 {
        tm.mday = 1;
    } else if !(0..=31).contains(&tm.mday) {
        return Err(interp.value_error("day of month out of range"));
    }
    if !(0..=23).contains(&tm.hour) {
        return Err(interp.value_error("hour out of range"));
    }
    if !(0..=59).contains(&tm.min) {
        return Err(interp.value_error("minute out of range"));
    }
    if !(0..=61).contains(&tm.sec) {
        return Err(interp.value_error("seconds out of range"));
    }
    // C's `(wday + 1) % 7` truncates toward zero: only -1 maps to Sunday.
    if (tm.wday + 1) % 7 < 0 {
        return Err(interp.value_error("day of week out of range"));
    }
    tm.wday = (tm.wday + 1) % 7;
    tm.wday = (tm.wday + 6) % 7;
    if tm.yday == 0 {
        tm.yday = 1;
    } else if !(1..=366).contains(&tm.yday) {
        return Err(interp.value_error("day of year out of range"));
    }
    tm.isdst = tm.isdst.clamp(-1, 1);
    Ok((tm, zone))
}

// ---------------------------------------------------------------------------
// Clock functions
// ---------------------------------------------------------------------------

fn time_time(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    no_arguments(interp, "time", args, kwargs)?;
    Ok(Value::float(wall_clock_now(interp)))
}

fn time_time_ns(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    no_arguments(interp, "time_ns", args, kwargs)?;
    Ok(Value::from_i128((wall_clock_now(interp) * 1e9) as i128))
}

fn time_monotonic(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    no_arguments(interp, "monotonic", args, kwargs)?;
    Ok(Value::float(monotonic_now(interp)))
}

fn time_monotonic_ns(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    no_arguments(interp, "monotonic_ns", args, kwargs)?;
    Ok(Value::from_i128((monotonic_now(interp) * 1e9) as i128))
}

fn time_perf_counter(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    no_arguments(interp, "perf_counter", args, kwargs)?;
    Ok(Value::float(monotonic_now(interp)))
}

fn time_perf_counter_ns(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    no_arguments(interp, "perf_counter_ns", args, kwargs)?;
    Ok(Value::from_i128((monotonic_now(interp) * 1e9) as i128))
}

fn time_sleep(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(interp.type_error("time.sleep() takes no keyword arguments"));
    }
    let [seconds] = args else {
        return Err(interp.type_error(format!(
            "time.sleep() takes exactly one argument ({} given)",
            args.len()
        )));
    };
    let seconds = match seconds.builtin_value() {
        Value::Float(f) if f.get().is_nan() => return Err(nan_error(interp)),
        Value::Float(f) => f.get(),
        Value::Int(i) => *i as f64,
        Value::Bool(b) => b.get() as i64 as f64,
        Value::BigInt(b) => b.to_f64().unwrap_or(f64::INFINITY),
        other if interp.lookup_special(other, "__index__").is_some() => {
            interp.to_index(other)? as f64
        }
        other => return Err(not_an_integer(interp, other)),
    };
    if seconds < 0.0 {
        return Err(interp.value_error("sleep length must be non-negative"));
    }
    // CPython keeps time in int64 nanoseconds.
    if seconds >= 9.223_372_036_854_776e9 {
        return Err(interp.error(
            ExcType::OverflowError,
            "timestamp too large to convert to C _PyTime_t",
        ));
    }
    block_for(interp, seconds)?;
    Ok(Value::None)
}

// ---------------------------------------------------------------------------
// Calendar functions
// ---------------------------------------------------------------------------

fn time_gmtime(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let arg = optional_arg(interp, "gmtime", args, kwargs)?;
    let seconds = timestamp_arg(interp, arg)?;
    Ok(new_struct_time(
        broken_down(interp, seconds)?,
        Zone::utc("GMT"),
    ))
}

fn time_localtime(
    interp: &mut Interp,
    args: &[Value],
    kwargs: &[(Name, Value)],
) -> PyResult<Value> {
    let arg = optional_arg(interp, "localtime", args, kwargs)?;
    let seconds = timestamp_arg(interp, arg)?;
    Ok(new_struct_time(
        broken_down(interp, seconds)?,
        Zone::utc("UTC"),
    ))
}

fn time_mktime(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(interp.type_error("time.mktime() takes no keyword arguments"));
    }
    let [value] = args else {
        return Err(interp.type_error(format!(
            "time.mktime() takes exactly one argument ({} given)",
            args.len()
        )));
    };
    let tm = Tm::from_fields(time_fields(interp, "mktime", value)?.0);
    Ok(Value::float(tm.timestamp() as f64))
}

const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The day of week with Sunday = 0, as C's `tm_wday`.
fn c_wday(tm: &Tm) -> usize {
    ((tm.wday + 1) % 7) as usize
}

fn weekday_name(tm: &Tm) -> &'static str {
    WEEKDAYS[c_wday(tm)]
}

fn month_name(tm: &Tm) -> &'static str {
    MONTHS[(tm.mon - 1).clamp(0, 11) as usize]
}

/// `asctime` formatting: `Thu Jan  1 00:00:00 1970`.
fn asctime(tm: &Tm) -> String {
    format!(
        "{} {} {:2} {:02}:{:02}:{:02} {}",
        &weekday_name(tm)[..3],
        &month_name(tm)[..3],
        tm.mday,
        tm.hour,
        tm.min,
        tm.sec,
        tm.year
    )
}

fn time_ctime(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let arg = optional_arg(interp, "ctime", args, kwargs)?;
    let seconds = timestamp_arg(interp, arg)?;
    Ok(Value::str(asctime(&broken_down(interp, seconds)?)))
}

fn time_asctime(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    let tm = match optional_arg(interp, "asctime", args, kwargs)? {
        Some(value) => time_tuple_arg(interp, "asctime", value)?.0,
        None => {
            let now = timestamp_arg(interp, None)?;
            broken_down(interp, now)?
        }
    };
    Ok(Value::str(asctime(&tm)))
}

fn time_strftime(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(interp.type_error("strftime() takes no keyword arguments"));
    }
    let (format, tuple) = match args {
        [format] => (format, None),
        [format, tuple] => (format, Some(tuple)),
        [] => return Err(interp.type_error("strftime() takes at least 1 argument (0 given)")),
        _ => {
            return Err(interp.type_error(format!(
                "strftime() takes at most 2 arguments ({} given)",
                args.len()
            )))
        }
    };
    let Some(format) = format.as_str() else {
        return Err(interp.type_error(format!(
            "strftime() argument 1 must be str, not {}",
            interp.argument_type_name(format)
        )));
    };
    let (tm, zone) = match tuple {
        Some(tuple) => time_tuple_arg(interp, "strftime", tuple)?,
        None => {
            let now = timestamp_arg(interp, None)?;
            (broken_down(interp, now)?, Zone::utc("UTC"))
        }
    };
    Ok(Value::str(strftime(format, &tm, &zone)))
}

/// `time.strptime(string, format="%a %b %d %H:%M:%S %Y")`: CPython's is
/// Python (`_strptime`), and so is pyl's, in `datetime`, with
/// `datetime.strptime`'s parsing.
fn time_strptime(interp: &mut Interp, args: &[Value], kwargs: &[(Name, Value)]) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(interp.type_error("strptime() takes no keyword arguments"));
    }
    let datetime = interp.import_module("datetime")?;
    let parse = interp.get_attr(&datetime, "_strptime_time")?;
    interp.call(&parse, args, &[])
}

/// ISO 8601 week-based year and week number (`%G`, `%V`).
fn iso_week(tm: &Tm) -> (i64, i64) {
    // Monday-based weekday 0..6 and zero-based day of year.
    let wday = tm.wday;
    let yday = tm.yday - 1;
    let year_days = |year: i64| if is_leap(year) { 366 } else { 365 };
    // The Monday starting week 1 is within 3 days of Jan 1 (glibc's iso_week_days).
    let week_days = |yday: i64, wday: i64| -> i64 {
        let big_enough_multiple_of_7 = (366 / 7 + 2) * 7;
        yday - (yday - wday + 3 + big_enough_multiple_of_7) % 7 + 3
    };
    let mut year = tm.year;
    let mut days = week_days(yday, wday);
    if days < 0 {
        year -= 1;
        days = week_days(yday + year_days(year), wday);
    } else {
        let next = week_days(yday - year_days(year), wday);
        if next >= 0 {
            year += 1;
            days = next;
        }
    }
    (year, days / 7 + 1)
}

/// glibc's `strftime` in the C locale, with its flags (`-`, `_`, `0`, `^`,
/// `#`), field widths and `E`/`O` modifiers; an unknown conversion is
/// copied through unchanged.
fn strftime(format: &str, tm: &Tm, zone: &Zone) -> String {
    let chars: Vec<char> = format.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '%' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let mut pad: Option<char> = None;
        let mut upcase = false;
        let mut swapcase = false;
        while let Some(&c) = chars.get(i) {
            match c {
                '-' | '_' | '0' => pad = Some(c),
                '^' => upcase = true,
                '#' => swapcase = true,
                _ => break,
            }
            i += 1;
        }
        let mut width: Option<usize> = None;
        while let Some(digit) = chars.get(i).and_then(|c| c.to_digit(10)) {
            width = Some(
                width
                    .unwrap_or(0)
                    .saturating_mul(10)
                    .saturating_add(digit as usize),
            );
            i += 1;
        }
        if matches!(chars.get(i), Some('E') | Some('O')) {
            i += 1;
        }
        let Some(&conversion) = chars.get(i) else {
            out.extend(&chars[start..]);
            break;
        };
        i += 1;
        match expand(conversion, tm, zone) {
            Some(Field::Number(value, digits, default_pad)) => {
                let text = value.unsigned_abs().to_string();
                let sign = if value < 0 { "-" } else { "" };
                let width = width.unwrap_or(digits);
                let fill = match pad {
                    Some('-') => None,
                    Some('_') => Some(' '),
                    Some('0') => Some('0'),
                    _ => default_pad,
                };
                let used = sign.len() + text.len();
                let padding = match fill {
                    Some(fill) if used < width => fill.to_string().repeat(width - used),
                    _ => String::new(),
                };
                if fill == Some(' ') {
                    out.push_str(&padding);
                    out.push_str(sign);
                } else {
                    out.push_str(sign);
                    out.push_str(&padding);
                }
                out.push_str(&text);
            }
            Some(Field::Text(text)) => {
                let text = if upcase {
                    text.to_uppercase()
                } else if swapcase {
                    // glibc's `#` makes names uppercase (and %Z lowercase).
                    if conversion == 'Z' {
                        text.to_lowercase()
                    } else {
                        text.to_uppercase()
                    }
                } else {
                    text
                };
                let len = text.chars().count();
                // glibc pads names to the width even with the `-` flag.
                if let Some(width) = width.filter(|&w| w > len) {
                    let fill = if pad == Some('0') { '0' } else { ' ' };
                    out.extend(std::iter::repeat_n(fill, width - len));
                }
                out.push_str(&text);
            }
            None => out.extend(&chars[start..i]),
        }
    }
    out
}

/// One expanded conversion: a number with its natural digit count and
/// default padding, or text.
enum Field {
    Number(i64, usize, Option<char>),
    Text(String),
}

fn expand(conversion: char, tm: &Tm, zone: &Zone) -> Option<Field> {
    use Field::{Number, Text};
    let zero = Some('0');
    let space = Some(' ');
    let hour12 = if tm.hour % 12 == 0 { 12 } else { tm.hour % 12 };
    Some(match conversion {
        'a' => Text(weekday_name(tm)[..3].to_string()),
        'A' => Text(weekday_name(tm).to_string()),
        'b' | 'h' => Text(month_name(tm)[..3].to_string()),
        'B' => Text(month_name(tm).to_string()),
        'c' => Text(strftime("%a %b %e %H:%M:%S %Y", tm, zone)),
        // A year's digits as %Y's: glibc writes year 1's century as '0'.
        'C' => Number(tm.year.div_euclid(100), 1, zero),
        'd' => Number(tm.mday, 2, zero),
        'D' | 'x' => Text(strftime("%m/%d/%y", tm, zone)),
        'e' => Number(tm.mday, 2, space),
        'F' => Text(strftime("%Y-%m-%d", tm, zone)),
        'G' => Number(iso_week(tm).0, 1, zero),
        'g' => Number(iso_week(tm).0.rem_euclid(100), 2, zero),
        'H' => Number(tm.hour, 2, zero),
        'I' => Number(hour12, 2, zero),
        'j' => Number(tm.yday, 3, zero),
        'k' => Number(tm.hour, 2, space),
        'l' => Number(hour12, 2, space),
        'm' => Number(tm.mon, 2, zero),
        'M' => Number(tm.min, 2, zero),
        'n' => Text("\n".into()),
        'p' => Text(if tm.hour < 12 { "AM" } else { "PM" }.into()),
        'P' => Text(if tm.hour < 12 { "am" } else { "pm" }.into()),
        'r' => Text(strftime("%I:%M:%S %p", tm, zone)),
        'R' => Text(strftime("%H:%M", tm, zone)),
        's' => Number(tm.timestamp(), 1, zero),
        'S' => Number(tm.sec, 2, zero),
        't' => Text("\t".into()),
        'T' | 'X' => Text(strftime("%H:%M:%S", tm, zone)),
        'u' => Number(tm.wday + 1, 1, zero),
        'U' => Number((tm.yday - 1 + 7 - c_wday(tm) as i64) / 7, 2, zero),
        'V' => Number(iso_week(tm).1, 2, zero),
        'w' => Number(c_wday(tm) as i64, 1, zero),
        'W' => Number((tm.yday - 1 + 7 - tm.wday) / 7, 2, zero),
        'y' => Number(tm.year.rem_euclid(100), 2, zero),
        'Y' => Number(tm.year, 1, zero),
        // glibc's: nothing when whether DST is in effect is unknown.
        'z' if tm.isdst < 0 => Text(String::new()),
        'z' => {
            let gmtoff = zone.gmtoff.unwrap_or(0);
            let sign = if gmtoff < 0 { '-' } else { '+' };
            let minutes = gmtoff.unsigned_abs() / 60;
            Text(format!("{sign}{:02}{:02}", minutes / 60, minutes % 60))
        }
        'Z' => Text(match zone.name.as_deref() {
            Some(name) if !name.is_empty() => name.to_string(),
            _ if tm.isdst < 0 => String::new(),
            _ => "UTC".to_string(),
        }),
        '%' => Text("%".into()),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trip() {
        // time.gmtime(1700000000) in CPython.
        let tm = Tm::from_timestamp(1_700_000_000);
        assert_eq!(tm.fields(), [2023, 11, 14, 22, 13, 20, 1, 318, 0]);
        assert_eq!(tm.timestamp(), 1_700_000_000);
        let tm = Tm::from_timestamp(-2);
        assert_eq!(tm.fields(), [1969, 12, 31, 23, 59, 58, 2, 365, 0]);
        let tm = Tm::from_timestamp(1_000_000_000_000);
        assert_eq!(tm.fields(), [33658, 9, 27, 1, 46, 40, 4, 270, 0]);
        for days in -800_000..800_000 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn formats_like_glibc() {
        let tm = Tm::from_timestamp(1_700_000_000);
        assert_eq!(asctime(&tm), "Tue Nov 14 22:13:20 2023");
        assert_eq!(asctime(&Tm::from_timestamp(0)), "Thu Jan  1 00:00:00 1970");
        let all = "%a %A %b %B %c %d %D %e %F %H %I %j %m %M %p %r %R %S %T %u %w %x %X %y %Y %Z %z %% %U %W %G %g %V %C %h %n %t %Q %-d %_d %05d %k %l %s %P %E %Ec %Od %+ ";
        assert_eq!(
            strftime(all, &tm, &Zone::utc("GMT")),
            "Tue Tuesday Nov November Tue Nov 14 22:13:20 2023 14 11/14/23 14 2023-11-14 22 10 318 11 13 PM 10:13:20 PM 22:13 20 22:13:20 2 2 11/14/23 22:13:20 23 2023 GMT +0000 % 46 46 2023 23 46 20 Nov \n \t %Q 14 14 00014 22 10 1700000000 pm %E Tue Nov 14 22:13:20 2023 14 %+ "
        );
        assert_eq!(strftime("abc%", &tm, &Zone::utc("UTC")), "abc%");
    }
}

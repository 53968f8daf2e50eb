//! Special functions computed as CPython 3.11 on glibc computes them, so
//! that results agree to the last bit: `acosh`, `asinh`, `atanh`, `erf`,
//! `erfc` and `cbrt` follow glibc's formulas (fdlibm's, and glibc's own
//! cube root, which is not correctly rounded), built on the same
//! `log`, `log1p`, `exp` and `sqrt` (Rust's `f64::ln`, `ln_1p`, `exp` and
//! `sqrt` call the C library's); `gamma` and `lgamma` follow the Lanczos
//! approximation of CPython's `mathmodule.c`, with its special cases.

// The constants as the algorithms publish them (more digits than a
// double holds; each rounds to the intended double).
#![allow(clippy::excessive_precision)]

/// What a C function would leave in `errno`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Errno {
    None,
    /// `EDOM`: a domain error.
    Domain,
    /// `ERANGE`: the result overflowed (or underflowed).
    Range,
}

const LN_2: f64 = std::f64::consts::LN_2;

/// The upper 32 bits of `x`'s representation, as C's `GET_HIGH_WORD`.
fn high_word(x: f64) -> i32 {
    (x.to_bits() >> 32) as u32 as i32
}

pub fn acosh(x: f64) -> f64 {
    let bits = x.to_bits() as i64;
    if bits > 0x4000_0000_0000_0000 {
        if bits >= 0x41b0_0000_0000_0000 {
            // x >= 2**28, an infinity or a NaN
            if bits >= 0x7ff0_0000_0000_0000 {
                return x + x;
            }
            return x.ln() + LN_2;
        }
        // 2 < x < 2**28
        let t = x * x;
        (2.0 * x - 1.0 / (x + (t - 1.0).sqrt())).ln()
    } else if bits > 0x3ff0_0000_0000_0000 {
        // 1 < x <= 2
        let t = x - 1.0;
        (t + (2.0 * t + t * t).sqrt()).ln_1p()
    } else if bits == 0x3ff0_0000_0000_0000 {
        0.0
    } else {
        // x < 1, negative numbers and negative NaNs included
        f64::NAN
    }
}

pub fn asinh(x: f64) -> f64 {
    let ix = high_word(x) & 0x7fff_ffff;
    if ix < 0x3e30_0000 {
        // |x| < 2**-28: asinh(x) rounds to x
        return x;
    }
    let w = if ix > 0x41b0_0000 {
        if ix >= 0x7ff0_0000 {
            return x + x;
        }
        x.abs().ln() + LN_2
    } else {
        let a = x.abs();
        if ix > 0x4000_0000 {
            (2.0 * a + 1.0 / ((a * a + 1.0).sqrt() + a)).ln()
        } else {
            let t = a * a;
            (a + t / (1.0 + (1.0 + t).sqrt())).ln_1p()
        }
    };
    w.copysign(x)
}

pub fn atanh(x: f64) -> f64 {
    let a = x.abs();
    let t = if a < 0.5 {
        if a < f64::from_bits(0x3e30_0000_0000_0000) {
            // |x| < 2**-28
            return x;
        }
        let t = a + a;
        0.5 * (t + t * a / (1.0 - a)).ln_1p()
    } else if a < 1.0 {
        0.5 * ((a + a) / (1.0 - a)).ln_1p()
    } else if a > 1.0 {
        return f64::NAN;
    } else {
        // +-1 (an infinity of x's sign) or a NaN
        return x / 0.0;
    };
    t.copysign(x)
}

// erf and erfc: rational approximations on [0, 0.84375), [0.84375, 1.25),
// [1.25, 1/0.35), [1/0.35, 6 or 28), evaluated in glibc's order.

const ERX: f64 = 8.45062911510467529297e-01;
const EFX: f64 = 1.28379167095512586316e-01;
const PP: [f64; 5] = [
    1.28379167095512558561e-01,
    -3.25042107247001499370e-01,
    -2.84817495755985104766e-02,
    -5.77027029648944159157e-03,
    -2.37630166566501626084e-05,
];
const QQ: [f64; 6] = [
    0.0,
    3.97917223959155352819e-01,
    6.50222499887672944485e-02,
    5.08130628187576562776e-03,
    1.32494738004321644526e-04,
    -3.96022827877536812320e-06,
];
const PA: [f64; 7] = [
    -2.36211856075265944077e-03,
    4.14856118683748331666e-01,
    -3.72207876035701323847e-01,
    3.18346619901161753674e-01,
    -1.10894694282396677476e-01,
    3.54783043256182359371e-02,
    -2.16637559486879084300e-03,
];
const QA: [f64; 7] = [
    0.0,
    1.06420880400844228286e-01,
    5.40397917702171048937e-01,
    7.18286544141962662868e-02,
    1.26171219808761642112e-01,
    1.36370839120290507362e-02,
    1.19844998467991074170e-02,
];
const RA: [f64; 8] = [
    -9.86494403484714822705e-03,
    -6.93858572707181764372e-01,
    -1.05586262253232909814e+01,
    -6.23753324503260060396e+01,
    -1.62396669462573470355e+02,
    -1.84605092906711035994e+02,
    -8.12874355063065934246e+01,
    -9.81432934416914548592e+00,
];
const SA: [f64; 9] = [
    0.0,
    1.96512716674392571292e+01,
    1.37657754143519042600e+02,
    4.34565877475229228821e+02,
    6.45387271733267880336e+02,
    4.29008140027567833386e+02,
    1.08635005541779435134e+02,
    6.57024977031928170135e+00,
    -6.04244152148580987438e-02,
];
const RB: [f64; 7] = [
    -9.86494292470009928597e-03,
    -7.99283237680523006574e-01,
    -1.77579549177547519889e+01,
    -1.60636384855821916062e+02,
    -6.37566443368389627722e+02,
    -1.02509513161107724954e+03,
    -4.83519191608651397019e+02,
];
const SB: [f64; 8] = [
    0.0,
    3.03380607434824582924e+01,
    3.25792512996573918826e+02,
    1.53672958608443695994e+03,
    3.19985821950859553908e+03,
    2.55305040643316442583e+03,
    4.74528541206955367215e+02,
    -2.24409524465858183362e+01,
];
const TINY: f64 = 1e-300;

/// `x * R(x*x)` with `R = P/Q` on `|x| < 0.84375`.
fn erf_small_ratio(x: f64) -> f64 {
    let z = x * x;
    let r1 = PP[0] + z * PP[1];
    let z2 = z * z;
    let r2 = PP[2] + z * PP[3];
    let z4 = z2 * z2;
    let s1 = 1.0 + z * QQ[1];
    let s2 = QQ[2] + z * QQ[3];
    let s3 = QQ[4] + z * QQ[5];
    let r = r1 + z2 * r2 + z4 * PP[4];
    let s = s1 + z2 * s2 + z4 * s3;
    r / s
}

/// `P/Q` on `0.84375 <= |x| < 1.25`, in `s = |x| - 1`.
fn erf_middle(x: f64) -> f64 {
    let s = x.abs() - 1.0;
    let p1 = PA[0] + s * PA[1];
    let s2 = s * s;
    let q1 = 1.0 + s * QA[1];
    let s4 = s2 * s2;
    let p2 = PA[2] + s * PA[3];
    let s6 = s4 * s2;
    let q2 = QA[2] + s * QA[3];
    let p3 = PA[4] + s * PA[5];
    let q3 = QA[4] + s * QA[5];
    let p = p1 + s2 * p2 + s4 * p3 + s6 * PA[6];
    let q = q1 + s2 * q2 + s4 * q3 + s6 * QA[6];
    p / q
}

/// `erfc(a)` for `1.25 <= a < 28` (`a` positive), as `exp(-a*a - 0.5625 +
/// R/S) / a`; `ix` is `a`'s high word, `cutoff` the high word below which
/// the first rational function applies.
fn erfc_tail(a: f64, ix: i32, cutoff: i32) -> f64 {
    let s = 1.0 / (a * a);
    let (r, q) = if ix < cutoff {
        let r1 = RA[0] + s * RA[1];
        let s2 = s * s;
        let q1 = 1.0 + s * SA[1];
        let s4 = s2 * s2;
        let r2 = RA[2] + s * RA[3];
        let s6 = s4 * s2;
        let q2 = SA[2] + s * SA[3];
        let s8 = s4 * s4;
        let r3 = RA[4] + s * RA[5];
        let q3 = SA[4] + s * SA[5];
        let r4 = RA[6] + s * RA[7];
        let q4 = SA[6] + s * SA[7];
        (
            r1 + s2 * r2 + s4 * r3 + s6 * r4,
            q1 + s2 * q2 + s4 * q3 + s6 * q4 + s8 * SA[8],
        )
    } else {
        let r1 = RB[0] + s * RB[1];
        let s2 = s * s;
        let q1 = 1.0 + s * SB[1];
        let s4 = s2 * s2;
        let r2 = RB[2] + s * RB[3];
        let s6 = s4 * s2;
        let q2 = SB[2] + s * SB[3];
        let r3 = RB[4] + s * RB[5];
        let q3 = SB[4] + s * SB[5];
        let q4 = SB[6] + s * SB[7];
        (
            r1 + s2 * r2 + s4 * r3 + s6 * RB[6],
            q1 + s2 * q2 + s4 * q3 + s6 * q4,
        )
    };
    // a with the low 32 bits of its representation cleared
    let z = f64::from_bits(a.to_bits() & 0xffff_ffff_0000_0000);
    (-z * z - 0.5625).exp() * ((z - a) * (z + a) + r / q).exp()
}

pub fn erf(x: f64) -> f64 {
    let hx = high_word(x);
    let ix = hx & 0x7fff_ffff;
    if ix >= 0x7ff0_0000 {
        // NaN, or +-1 for +-inf
        return if x.is_nan() {
            x + x
        } else {
            1.0f64.copysign(x)
        };
    }
    if ix < 0x3feb_0000 {
        // |x| < 0.84375
        if ix < 0x3e30_0000 {
            // |x| < 2**-28
            if ix < 0x0080_0000 {
                return 0.0625 * (16.0 * x + (16.0 * EFX) * x);
            }
            return x + EFX * x;
        }
        return x + x * erf_small_ratio(x);
    }
    if ix < 0x3ff4_0000 {
        // 0.84375 <= |x| < 1.25
        let ratio = erf_middle(x);
        return if hx >= 0 { ERX + ratio } else { -ERX - ratio };
    }
    if ix >= 0x4018_0000 {
        // |x| >= 6
        return if hx >= 0 { 1.0 - TINY } else { TINY - 1.0 };
    }
    let a = x.abs();
    let r = erfc_tail(a, ix, 0x4006_DB6E);
    if hx >= 0 {
        1.0 - r / a
    } else {
        r / a - 1.0
    }
}

pub fn erfc(x: f64) -> f64 {
    let hx = high_word(x);
    let ix = hx & 0x7fff_ffff;
    if ix >= 0x7ff0_0000 {
        // NaN, or 0 and 2 for +inf and -inf
        if x.is_nan() {
            return x + x;
        }
        return if hx < 0 { 2.0 } else { 0.0 };
    }
    if ix < 0x3feb_0000 {
        // |x| < 0.84375
        if ix < 0x3c70_0000 {
            // |x| < 2**-56
            return 1.0 - x;
        }
        let y = erf_small_ratio(x);
        if hx < 0x3fd0_0000 {
            // x < 1/4
            return 1.0 - (x + x * y);
        }
        let r = x * y + (x - 0.5);
        return 0.5 - r;
    }
    if ix < 0x3ff4_0000 {
        // 0.84375 <= |x| < 1.25
        let ratio = erf_middle(x);
        return if hx >= 0 {
            (1.0 - ERX) - ratio
        } else {
            1.0 + (ERX + ratio)
        };
    }
    if ix < 0x403c_0000 {
        // |x| < 28
        if hx < 0 && ix >= 0x4018_0000 {
            // x <= -6
            return 2.0 - TINY;
        }
        let a = x.abs();
        let r = erfc_tail(a, ix, 0x4006_DB6D);
        return if hx > 0 { r / a } else { 2.0 - r / a };
    }
    if hx > 0 {
        TINY * TINY
    } else {
        2.0 - TINY
    }
}

// gamma and lgamma: the Lanczos approximation (N = 13, g = 6.0246…) as a
// rational function, with the reflection formula for negative x.

const LANCZOS_G: f64 = 6.024680040776729583740234375;
const LANCZOS_G_MINUS_HALF: f64 = 5.524680040776729583740234375;
const LANCZOS_NUM: [f64; 13] = [
    23531376880.410759688572007674451636754734846804940,
    42919803642.649098768957899047001988850926355848959,
    35711959237.355668049440185451547166705960488635843,
    17921034426.037209699919755754458931112671403265390,
    6039542586.3520280050642916443072979210699388420708,
    1439720407.3117216736632230727949123939715485786772,
    248874557.86205415651146038641322942321632125127801,
    31426415.585400194380614231628318205362874684987640,
    2876370.6289353724412254090516208496135991145378768,
    186056.26539522349504029498971604569928220784236328,
    8071.6720023658162106380029022722506138218516325024,
    210.82427775157934587250973392071336271166969580291,
    2.5066282746310002701649081771338373386264310793408,
];
/// The denominator, `x*(x+1)*…*(x+11)`, by powers of `x`.
const LANCZOS_DEN: [f64; 13] = [
    0.0,
    39916800.0,
    120543840.0,
    150917976.0,
    105258076.0,
    45995730.0,
    13339535.0,
    2637558.0,
    357423.0,
    32670.0,
    1925.0,
    66.0,
    1.0,
];
const PI: f64 = std::f64::consts::PI;
const LOG_PI: f64 = 1.144729885849400174143427351353058711647;

/// The Lanczos sum for positive `x`: in powers of `x` below 5, of `1/x`
/// above (no overflow).
fn lanczos_sum(x: f64) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    if x < 5.0 {
        for i in (0..13).rev() {
            num = num * x + LANCZOS_NUM[i];
            den = den * x + LANCZOS_DEN[i];
        }
    } else {
        for i in 0..13 {
            num = num / x + LANCZOS_NUM[i];
            den = den / x + LANCZOS_DEN[i];
        }
    }
    num / den
}

/// `sin(pi * x)` for finite `x`, exact at integers and half-integers.
fn sin_pi(x: f64) -> f64 {
    let y = x.abs() % 2.0;
    let r = match (2.0 * y).round() as i32 {
        0 => (PI * y).sin(),
        1 => (PI * (y - 0.5)).cos(),
        2 => (PI * (1.0 - y)).sin(),
        3 => -(PI * (y - 1.5)).cos(),
        _ => (PI * (y - 2.0)).sin(),
    };
    1.0f64.copysign(x) * r
}

/// Gamma(n) for n = 1 … 23, exact.
fn factorial_table(n: usize) -> f64 {
    (1..n).fold(1.0, |acc, k| acc * k as f64)
}

pub fn gamma(x: f64) -> (f64, Errno) {
    if !x.is_finite() {
        if x.is_nan() || x > 0.0 {
            return (x, Errno::None);
        }
        return (f64::NAN, Errno::Domain);
    }
    if x == 0.0 {
        return (f64::INFINITY.copysign(x), Errno::Domain);
    }
    if x == x.floor() {
        if x < 0.0 {
            return (f64::NAN, Errno::Domain);
        }
        if x <= 23.0 {
            return (factorial_table(x as usize), Errno::None);
        }
    }
    let a = x.abs();
    if a < 1e-20 {
        let r = 1.0 / x;
        return (
            r,
            if r.is_infinite() {
                Errno::Range
            } else {
                Errno::None
            },
        );
    }
    if a > 200.0 {
        if x < 0.0 {
            return (0.0 / sin_pi(x), Errno::None);
        }
        return (f64::INFINITY, Errno::Range);
    }
    let y = a + LANCZOS_G_MINUS_HALF;
    // The rounding error in y, scaled to correct the result.
    let z = if a > LANCZOS_G_MINUS_HALF {
        (y - a) - LANCZOS_G_MINUS_HALF
    } else {
        (y - LANCZOS_G_MINUS_HALF) - a
    };
    let z = z * LANCZOS_G / y;
    let mut r;
    if x < 0.0 {
        r = -PI / sin_pi(a) / a * y.exp() / lanczos_sum(a);
        r -= z * r;
        if a < 140.0 {
            r /= y.powf(a - 0.5);
        } else {
            let root = y.powf(a / 2.0 - 0.25);
            r /= root;
            r /= root;
        }
    } else {
        r = lanczos_sum(a) / y.exp();
        r += z * r;
        if a < 140.0 {
            r *= y.powf(a - 0.5);
        } else {
            let root = y.powf(a / 2.0 - 0.25);
            r *= root;
            r *= root;
        }
    }
    (
        r,
        if r.is_infinite() {
            Errno::Range
        } else {
            Errno::None
        },
    )
}

pub fn lgamma(x: f64) -> (f64, Errno) {
    if !x.is_finite() {
        return (if x.is_nan() { x } else { f64::INFINITY }, Errno::None);
    }
    if x == x.floor() && x <= 2.0 {
        if x <= 0.0 {
            return (f64::INFINITY, Errno::Domain);
        }
        return (0.0, Errno::None);
    }
    let a = x.abs();
    if a < 1e-20 {
        return (-a.ln(), Errno::None);
    }
    let mut r = lanczos_sum(a).ln() - LANCZOS_G;
    r += (a - 0.5) * ((a + LANCZOS_G - 0.5).ln() - 1.0);
    if x < 0.0 {
        r = LOG_PI - sin_pi(a).abs().ln() - a.ln() - r;
    }
    (
        r,
        if r.is_infinite() {
            Errno::Range
        } else {
            Errno::None
        },
    )
}

/// The cube root as glibc computes it (not correctly rounded): a
/// polynomial first guess on the mantissa in [0.5, 1), one Halley step,
/// and the exponent's remainder mod 3 as a factor.
pub fn cbrt(x: f64) -> f64 {
    const CBRT2: f64 = 1.2599210498948731648;
    const SQR_CBRT2: f64 = 1.5874010519681994748;
    const FACTOR: [f64; 5] = [1.0 / SQR_CBRT2, 1.0 / CBRT2, 1.0, CBRT2, SQR_CBRT2];
    if !x.is_finite() || x == 0.0 {
        return x + x;
    }
    let (m, e) = libm::frexp(x.abs());
    let u = 0.354895765043919860
        + ((1.50819193781584896
            + ((-2.11499494167371287
                + ((2.44693122563534430
                    + ((-1.83469277483613086
                        + (0.784932344976639262 - 0.145263899385486377 * m) * m)
                        * m))
                    * m))
                * m))
            * m);
    let t2 = u * u * u;
    let ym = u * (t2 + 2.0 * m) / (2.0 * t2 + m) * FACTOR[(2 + e % 3) as usize];
    libm::ldexp(if x > 0.0 { ym } else { -ym }, e / 3)
}

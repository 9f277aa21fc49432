//! Conversion of JSON number text to integers, SPDK style: the number is
//! split into sign, significand and decimal exponent, the exponent is folded
//! into the significand where that is exact, and anything left that is not
//! an integer in range is -ERANGE ("1.0e2" is 100, "1.5" is out of range).

/// A number as sign, significand and power of ten.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SplitNumber {
    pub negative: bool,
    pub significand: u64,
    pub exponent: i64,
}

/// Splits number text (as accepted by the parser). Errors are negative
/// errno values: -EINVAL for empty or non-number text, -ERANGE when a part
/// overflows.
pub fn split(text: &[u8]) -> Result<SplitNumber, i32> {
    let mut num = SplitNumber::default();
    let mut t = text;
    if t.is_empty() {
        return Err(-libc::EINVAL);
    }
    if t[0] == b'-' {
        num.negative = true;
        t = &t[1..];
    }
    let mut in_exp = false;
    let mut in_frac = false;
    let mut frac_digits: u64 = 0;
    let mut exp_u: u64 = 0;
    let mut exp_neg = false;
    for &c in t {
        match c {
            b'.' if !in_exp => in_frac = true,
            b'e' | b'E' if !in_exp => in_exp = true,
            b'-' if in_exp => exp_neg = true,
            b'+' if in_exp => {}
            b'0'..=b'9' => {
                let d = (c - b'0') as u64;
                let target = if in_exp {
                    &mut exp_u
                } else {
                    &mut num.significand
                };
                *target = target
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(d))
                    .ok_or(-libc::ERANGE)?;
                if in_frac && !in_exp {
                    frac_digits += 1;
                }
            }
            _ => return Err(-libc::EINVAL),
        }
    }
    let exp: i64 = if exp_neg {
        if exp_u > 1u64 << 63 {
            return Err(-libc::ERANGE);
        }
        (exp_u as i64).wrapping_neg()
    } else {
        i64::try_from(exp_u).map_err(|_| -libc::ERANGE)?
    };
    num.exponent = exp.checked_sub(frac_digits as i64).ok_or(-libc::ERANGE)?;
    if num.exponent < 0 {
        while num.exponent != 0 && num.significand >= 10 && num.significand % 10 == 0 {
            num.significand /= 10;
            num.exponent += 1;
        }
    } else {
        while num.exponent != 0 {
            match num.significand.checked_mul(10) {
                Some(v) => {
                    num.significand = v;
                    num.exponent -= 1;
                }
                None => break,
            }
        }
    }
    Ok(num)
}

/// The number as an unsigned integer no larger than `max`.
pub fn to_unsigned(text: &[u8], max: u64) -> Result<u64, i32> {
    let n = split(text)?;
    if n.exponent != 0 || n.negative || n.significand > max {
        return Err(-libc::ERANGE);
    }
    Ok(n.significand)
}

/// The number as an `i32`.
pub fn to_i32(text: &[u8]) -> Result<i32, i32> {
    let n = split(text)?;
    if n.exponent != 0 {
        return Err(-libc::ERANGE);
    }
    if n.negative {
        if n.significand > 1u64 << 31 {
            return Err(-libc::ERANGE);
        }
        Ok((-(n.significand as i64)) as i32)
    } else {
        i32::try_from(n.significand).map_err(|_| -libc::ERANGE)
    }
}

/// The number as an `i64` (a helper for Rust callers; SPDK's C API has no
/// signed 64-bit decoder).
pub fn to_i64(text: &[u8]) -> Result<i64, i32> {
    let n = split(text)?;
    if n.exponent != 0 {
        return Err(-libc::ERANGE);
    }
    if n.negative {
        if n.significand > 1u64 << 63 {
            return Err(-libc::ERANGE);
        }
        Ok((n.significand as i64).wrapping_neg())
    } else {
        i64::try_from(n.significand).map_err(|_| -libc::ERANGE)
    }
}

//! Conversion of parsed tokens to `serde_json::Value`, for Rust code that
//! handles RPC parameters or config files with serde. Iterative, so the
//! depth of the input costs heap, not stack.

use serde_json::{Map, Number, Value};

use crate::parse::{Parsed, ValType};

/// Why tokens could not become a `serde_json::Value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueError {
    /// The token sequence is not a well-formed value.
    Malformed,
    /// A number that is not representable (e.g. 1e400).
    Number(String),
    /// A string that is not UTF-8 (cannot happen for parser output).
    Utf8,
}

impl std::fmt::Display for ValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ValueError::Malformed => f.write_str("malformed JSON value"),
            ValueError::Number(n) => write!(f, "number out of range: {n}"),
            ValueError::Utf8 => f.write_str("string is not UTF-8"),
        }
    }
}

impl std::error::Error for ValueError {}

/// Parses number text into a serde number (integers exactly, others as f64).
pub fn number_value(text: &[u8]) -> Result<Number, ValueError> {
    let s = std::str::from_utf8(text).map_err(|_| ValueError::Utf8)?;
    if let Ok(u) = s.parse::<u64>() {
        return Ok(u.into());
    }
    if let Ok(i) = s.parse::<i64>() {
        return Ok(i.into());
    }
    s.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .ok_or_else(|| ValueError::Number(s.to_string()))
}

/// Builds the value of tokens `0..count`, where `tok(i)` gives token `i`'s
/// type and text (decoded string, number text, empty otherwise).
pub fn build_value<'t>(
    count: usize,
    mut tok: impl FnMut(usize) -> (ValType, &'t [u8]),
) -> Result<Value, ValueError> {
    enum Frame {
        Arr(Vec<Value>),
        Obj(Map<String, Value>, Option<String>),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < count {
        let (ty, bytes) = tok(i);
        i += 1;
        let done: Value = match ty {
            ValType::ArrayBegin => {
                stack.push(Frame::Arr(Vec::new()));
                continue;
            }
            ValType::ObjectBegin => {
                stack.push(Frame::Obj(Map::new(), None));
                continue;
            }
            ValType::Name => {
                let name = String::from_utf8(bytes.to_vec()).map_err(|_| ValueError::Utf8)?;
                match stack.last_mut() {
                    Some(Frame::Obj(_, pending @ None)) => *pending = Some(name),
                    _ => return Err(ValueError::Malformed),
                }
                continue;
            }
            ValType::ArrayEnd => match stack.pop() {
                Some(Frame::Arr(a)) => Value::Array(a),
                _ => return Err(ValueError::Malformed),
            },
            ValType::ObjectEnd => match stack.pop() {
                Some(Frame::Obj(m, None)) => Value::Object(m),
                _ => return Err(ValueError::Malformed),
            },
            ValType::Null => Value::Null,
            ValType::True => Value::Bool(true),
            ValType::False => Value::Bool(false),
            ValType::Number => Value::Number(number_value(bytes)?),
            ValType::String => {
                Value::String(String::from_utf8(bytes.to_vec()).map_err(|_| ValueError::Utf8)?)
            }
            ValType::Invalid => return Err(ValueError::Malformed),
        };
        match stack.last_mut() {
            None => {
                return if i == count {
                    Ok(done)
                } else {
                    Err(ValueError::Malformed)
                }
            }
            Some(Frame::Arr(a)) => a.push(done),
            Some(Frame::Obj(m, pending)) => match pending.take() {
                Some(k) => {
                    m.insert(k, done);
                }
                None => return Err(ValueError::Malformed),
            },
        }
    }
    Err(ValueError::Malformed)
}

impl Parsed {
    /// The value of token `i` and what it contains.
    pub fn value_at(&self, i: usize) -> Result<Value, ValueError> {
        let first = self.vals.get(i).ok_or(ValueError::Malformed)?;
        let count = match first.ty {
            ValType::ArrayBegin | ValType::ObjectBegin => first.len as usize + 2,
            _ => 1,
        };
        if i + count > self.vals.len() {
            return Err(ValueError::Malformed);
        }
        build_value(count, |k| (self.vals[i + k].ty, self.bytes(i + k)))
    }

    /// The whole parsed value.
    pub fn to_value(&self) -> Result<Value, ValueError> {
        self.value_at(0)
    }
}

/// Parses `input` with SPDK's parser (so with its flags, e.g. comments in
/// config files) into a `serde_json::Value`.
pub fn parse_value(input: &[u8], flags: u32) -> Result<Value, ParseValueError> {
    let p = crate::parse::parse(input, flags).map_err(ParseValueError::Parse)?;
    p.to_value().map_err(ParseValueError::Value)
}

/// Error of [`parse_value`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseValueError {
    /// One of the negative `PARSE_*` codes.
    Parse(i32),
    Value(ValueError),
}

impl std::fmt::Display for ParseValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseValueError::Parse(c) => write!(f, "JSON parse error {c}"),
            ParseValueError::Value(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ParseValueError {}

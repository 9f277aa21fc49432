//! SPDK's JSON library (include/spdk/json.h): an in-place streaming
//! parser, decoders into C structs, and a writer whose output matches
//! SPDK's byte for byte.
//!
//! Rust code uses:
//! - [`parse()`] / [`parse_value`]: SPDK's parser (its flags, its limits)
//!   on a byte buffer, giving tokens ([`Parsed`]) or a `serde_json::Value`;
//! - [`JsonWriter`]: the writer, over any `FnMut(&[u8]) -> i32` sink, with
//!   [`JsonWriter::value`] to write a `serde_json::Value`, and
//!   [`to_string`] for one-shot formatting;
//! - [`ffi::json::value_from_raw`], [`ffi::json::writer_mut`],
//!   [`ffi::json::writer_into_raw`]: bridges to the C types, for code that
//!   receives `spdk_json_val` pointers or hands writers to C.

pub mod number;
pub mod parse;
pub mod utf;
pub mod value;
pub mod write;

pub mod ffi {
    pub mod json;
}

pub use parse::{
    parse, parse_into, Parsed, Val, ValSink, ValType, FLAG_ALLOW_COMMENTS, FLAG_DECODE_IN_PLACE,
    MAX_NESTING_DEPTH, PARSE_INCOMPLETE, PARSE_INVALID, PARSE_MAX_DEPTH_EXCEEDED,
};
pub use value::{parse_value, ParseValueError, ValueError};
pub use write::{to_string, JsonWriter, WriteError, WriteResult, FLAG_FORMATTED};

#[cfg(test)]
mod tests;

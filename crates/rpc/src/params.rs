//! Decoding RPC params the way `spdk_json_decode_object` does: an object
//! whose every member must be known, each of the expected type.

use serde_json::{Map, Value};

#[derive(Debug)]
pub struct DecodeError(pub String);

/// Takes the members of a params object one by one; [`Decoder::finish`]
/// fails when members nobody asked for remain.
pub struct Decoder {
    members: Map<String, Value>,
}

impl Decoder {
    /// Params that must be an object, or absent (then every member is
    /// missing).
    pub fn new(params: Option<&Value>) -> Result<Decoder, DecodeError> {
        match params {
            None => Ok(Decoder {
                members: Map::new(),
            }),
            Some(Value::Object(m)) => Ok(Decoder { members: m.clone() }),
            Some(_) => Err(DecodeError("params must be an object".into())),
        }
    }

    fn take(&mut self, name: &str) -> Option<Value> {
        self.members.remove(name)
    }

    pub fn opt_bool(&mut self, name: &str) -> Result<Option<bool>, DecodeError> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(_) => Err(DecodeError(format!("{name}: not a boolean"))),
        }
    }

    pub fn opt_str(&mut self, name: &str) -> Result<Option<String>, DecodeError> {
        match self.take(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(DecodeError(format!("{name}: not a string"))),
        }
    }

    pub fn req_str(&mut self, name: &str) -> Result<String, DecodeError> {
        self.opt_str(name)?
            .ok_or_else(|| DecodeError(format!("{name}: missing")))
    }

    pub fn opt_u64(&mut self, name: &str) -> Result<Option<u64>, DecodeError> {
        match self.take(name) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| DecodeError(format!("{name}: not an unsigned integer"))),
        }
    }

    pub fn opt_i64(&mut self, name: &str) -> Result<Option<i64>, DecodeError> {
        match self.take(name) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| DecodeError(format!("{name}: not an integer"))),
        }
    }

    /// A UUID in its text form (as spdk_json_decode_uuid takes it).
    pub fn opt_uuid(&mut self, name: &str) -> Result<Option<[u8; 16]>, DecodeError> {
        match self.opt_str(name)? {
            None => Ok(None),
            Some(s) => spdk_util::uuid::parse(s.as_bytes())
                .map(Some)
                .ok_or_else(|| DecodeError(format!("{name}: not a UUID"))),
        }
    }

    /// Any value.
    pub fn opt_value(&mut self, name: &str) -> Option<Value> {
        self.take(name)
    }

    pub fn finish(self) -> Result<(), DecodeError> {
        match self.members.keys().next() {
            None => Ok(()),
            Some(k) => Err(DecodeError(format!("unknown member {k}"))),
        }
    }
}

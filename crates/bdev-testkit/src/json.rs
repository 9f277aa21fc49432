//! JSON capture: what bdev_get_bdevs shows of a bdev and what a module's
//! config_json writes (save_config).

use std::sync::{Arc, Mutex};

use ::spdk_bdev::ffi::bdev_module::*;
use spdk_json::ffi::json::{spdk_json_write_ctx, writer_from_raw, writer_into_raw, writer_mut};
use spdk_json::JsonWriter;

/// Output of `f` on a JSON writer, parsed.
pub fn json_of(f: impl FnOnce(*mut spdk_json_write_ctx)) -> serde_json::Value {
    let out = Arc::new(Mutex::new(Vec::<u8>::new()));
    let sink = out.clone();
    let w = JsonWriter::new(
        Box::new(move |b: &[u8]| {
            sink.lock().unwrap().extend_from_slice(b);
            0
        }),
        0,
    );
    let raw = writer_into_raw(w);
    f(raw);
    // SAFETY: the writer made above.
    let w = unsafe { writer_from_raw(raw) }.unwrap();
    assert!((*w).end().is_ok());
    let bytes = out.lock().unwrap().clone();
    serde_json::from_slice(&bytes).expect("valid JSON")
}

/// What bdev_get_bdevs shows of `b`.
pub fn dump(b: *mut spdk_bdev) -> serde_json::Value {
    json_of(|w| unsafe {
        let w = writer_mut(w).unwrap();
        ::spdk_bdev::rpc::dump_bdev(w, b);
    })
}

/// What a module's config_json writes, as an array.
pub fn module_config(m: *mut spdk_bdev_module) -> serde_json::Value {
    json_of(|w| unsafe {
        writer_mut(w).unwrap().array_begin().unwrap();
        ((*m).config_json.unwrap())(w);
        writer_mut(w).unwrap().array_end().unwrap();
    })
}

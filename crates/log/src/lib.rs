#[no_mangle]
pub extern "C" fn spdk_log_get_level() -> i32 { 3 }
#[no_mangle]
pub extern "C" fn rspdk_internal_emit(x: i32) -> i32 { x + 1 }

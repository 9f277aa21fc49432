use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::subsystem;

static ORDER: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
static DONE: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn a_init() {
    ORDER.lock().unwrap().push("a+");
    subsystem::init_next(0);
}
unsafe extern "C" fn b_init() {
    ORDER.lock().unwrap().push("b+");
    subsystem::init_next(0);
}
unsafe extern "C" fn a_fini() {
    ORDER.lock().unwrap().push("a-");
    subsystem::fini_next();
}
unsafe extern "C" fn b_fini() {
    ORDER.lock().unwrap().push("b-");
    subsystem::fini_next();
}
unsafe extern "C" fn inited(rc: c_int, _: *mut c_void) {
    assert_eq!(rc, 0);
    DONE.fetch_add(1, Ordering::SeqCst);
}
unsafe extern "C" fn finished(_: *mut c_void) {
    DONE.fetch_add(10, Ordering::SeqCst);
}

#[test]
fn dependency_order() {
    // b is registered first but depends on a.
    subsystem::register(subsystem::SubsystemDef {
        name: c"test_b",
        init: Some(b_init),
        fini: Some(b_fini),
        write_config_json: None,
    });
    subsystem::register(subsystem::SubsystemDef {
        name: c"test_a",
        init: Some(a_init),
        fini: Some(a_fini),
        write_config_json: None,
    });
    subsystem::add_depend(c"test_b", c"test_a");
    unsafe { subsystem::init(inited, std::ptr::null_mut()) };
    assert_eq!(DONE.load(Ordering::SeqCst), 1);
    unsafe { subsystem::fini(finished, std::ptr::null_mut()) };
    assert_eq!(DONE.load(Ordering::SeqCst), 11);
    assert_eq!(*ORDER.lock().unwrap(), vec!["a+", "b+", "b-", "a-"]);
    let names: Vec<String> = subsystem::list().into_iter().map(|x| x.0).collect();
    assert_eq!(names, vec!["test_a", "test_b"]);
}

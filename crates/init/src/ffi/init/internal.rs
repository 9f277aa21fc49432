//! spdk_internal/init.h: subsystem registration.

use std::ffi::c_char;

use spdk_json::ffi::json::spdk_json_write_ctx;

/// The `TAILQ_ENTRY(spdk_subsystem)` of a subsystem.
#[doc(hidden)]
#[repr(C)]
pub struct SubsystemTailq {
    pub tqe_next: *mut spdk_subsystem,
    pub tqe_prev: *mut *mut spdk_subsystem,
}

/// The `TAILQ_ENTRY(spdk_subsystem_depend)` of a dependency.
#[doc(hidden)]
#[repr(C)]
pub struct DependTailq {
    pub tqe_next: *mut spdk_subsystem_depend,
    pub tqe_prev: *mut *mut spdk_subsystem_depend,
}

/// A subsystem: initialised after the subsystems it depends on, finished
/// before them.
#[repr(C)]
pub struct spdk_subsystem {
    /// Unique name.
    pub name: *const c_char,
    /// Initialises the subsystem; must end with spdk_subsystem_init_next()
    /// (possibly later, from the app thread). NULL: nothing to do.
    pub init: Option<unsafe extern "C" fn()>,
    /// Finishes the subsystem; must end with spdk_subsystem_fini_next().
    pub fini: Option<unsafe extern "C" fn()>,
    /// Writes the subsystem's configuration as an array of
    /// {"method": ..., "params": ...} objects (NULL: no configuration).
    pub write_config_json: Option<unsafe extern "C" fn(w: *mut spdk_json_write_ctx)>,
    pub tailq: SubsystemTailq,
}

/// `name` needs `depends_on` to be initialised first.
#[repr(C)]
pub struct spdk_subsystem_depend {
    pub name: *const c_char,
    pub depends_on: *const c_char,
    pub tailq: DependTailq,
}

/// Adds `subsystem` (which must stay valid) to the subsystems; used by
/// SPDK_SUBSYSTEM_REGISTER.
#[no_mangle]
pub unsafe extern "C" fn spdk_add_subsystem(subsystem: *mut spdk_subsystem) {
    crate::subsystem::add_raw(subsystem)
}

/// Adds a dependency between two subsystems; used by SPDK_SUBSYSTEM_DEPEND.
#[no_mangle]
pub unsafe extern "C" fn spdk_add_subsystem_depend(depend: *mut spdk_subsystem_depend) {
    crate::subsystem::add_depend_raw(depend)
}

/// Called by a subsystem's init() when it is done (`rc` 0) or failed:
/// initialisation goes on with the next subsystem, or stops.
#[no_mangle]
pub extern "C" fn spdk_subsystem_init_next(rc: std::ffi::c_int) {
    crate::subsystem::init_next(rc)
}

/// Called by a subsystem's fini() when it is done: the previous subsystem
/// is finished next.
#[no_mangle]
pub extern "C" fn spdk_subsystem_fini_next() {
    crate::subsystem::fini_next()
}

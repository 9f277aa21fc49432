//! Compiles the C-variadic part of the log library (csrc/log.c).

fn main() {
    println!("cargo:rerun-if-changed=csrc/log.c");
    cc::Build::new()
        .file("csrc/log.c")
        .flag_if_supported("-std=gnu11")
        .warnings(true)
        .extra_warnings(true)
        .compile("spdk_log_c");
}

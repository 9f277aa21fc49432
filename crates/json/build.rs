//! Compiles the C-variadic part of the JSON writer (csrc/json.c).

fn main() {
    println!("cargo:rerun-if-changed=csrc/json.c");
    cc::Build::new()
        .file("csrc/json.c")
        .std("gnu11")
        .warnings(true)
        .extra_warnings(true)
        .compile("spdk_json_c");
}

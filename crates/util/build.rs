//! Compiles the C parts of spdk-util (C-variadic functions that stable Rust
//! cannot define) into a static library linked with this crate.

fn main() {
    let sources = ["csrc/string.c"];
    for src in sources {
        println!("cargo:rerun-if-changed={src}");
    }
    cc::Build::new()
        .files(sources)
        .std("gnu11")
        .warnings(true)
        .extra_warnings(true)
        .flag_if_supported("-fvisibility=default")
        .compile("spdk_util_c");
}

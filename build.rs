fn main() {
    cc::Build::new().file("csrc/shim.c").cargo_metadata(false).compile("spdkshim");
    let out = std::env::var("OUT_DIR").unwrap();
    println!("cargo:rustc-link-search=native={out}");
    println!("cargo:rustc-link-lib=static=spdkshim");
    println!("cargo:rerun-if-changed=csrc");
    println!("cargo:rerun-if-changed=spdk.map");
}

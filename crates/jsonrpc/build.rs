//! Compiles the C-variadic part of the JSON-RPC library (csrc/jsonrpc.c).

fn main() {
    println!("cargo:rerun-if-changed=csrc/jsonrpc.c");
    cc::Build::new()
        .file("csrc/jsonrpc.c")
        .std("gnu11")
        .warnings(true)
        .extra_warnings(true)
        .compile("spdk_jsonrpc_c");
}

use super::*;

#[test]
fn table_and_states() {
    fn h(req: Request, _p: Option<Value>) {
        req.ok()
    }
    register("test_rt", h, SPDK_RPC_RUNTIME);
    assert!(verify_methods());
    assert_eq!(is_method_allowed("test_rt", SPDK_RPC_RUNTIME), 0);
    assert_eq!(is_method_allowed("test_rt", SPDK_RPC_STARTUP), -libc::EPERM);
    assert_eq!(is_method_allowed("nope", SPDK_RPC_STARTUP), -libc::ENOENT);
    assert_eq!(
        is_method_allowed("rpc_get_methods", SPDK_RPC_STARTUP | SPDK_RPC_RUNTIME),
        0
    );
    register_alias_deprecated("test_rt", "test_rt_old");
    assert!(method_names(false, true).contains(&"test_rt_old".to_string()));
    assert!(!method_names(false, false).contains(&"test_rt_old".to_string()));
    set_state(SPDK_RPC_STARTUP);
    assert!(!method_names(true, false).contains(&"test_rt".to_string()));
    assert_eq!(method_state_mask("test_rt"), Some(SPDK_RPC_RUNTIME));
    register("test_rt", h, SPDK_RPC_RUNTIME);
    assert!(!verify_methods());
}

#[test]
fn version() {
    assert_eq!(version_string(), "SPDK v26.01");
}

#[test]
fn params_decoder() {
    let v = serde_json::json!({"a": true, "b": "x"});
    let mut d = params::Decoder::new(Some(&v)).unwrap();
    assert_eq!(d.opt_bool("a").unwrap(), Some(true));
    assert!(d.finish().is_err());
    assert!(params::Decoder::new(Some(&serde_json::json!([1]))).is_err());
}

#[test]
fn params_uuid() {
    let v = serde_json::json!({
        "u": "c0ffee00-0000-4000-8000-000000000001",
        "bad": "c0ffee00",
        "num": 1
    });
    let mut d = params::Decoder::new(Some(&v)).unwrap();
    let u = d.opt_uuid("u").unwrap().unwrap();
    assert_eq!((u[0], u[15]), (0xc0, 0x01));
    assert!(d.opt_uuid("missing").unwrap().is_none());
    assert!(d.opt_uuid("bad").is_err());
    assert!(d.opt_uuid("num").is_err());
    assert!(d.finish().is_ok());
}

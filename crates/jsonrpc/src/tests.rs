use crate::client::split_host_port;

#[test]
fn host_port() {
    assert_eq!(split_host_port("127.0.0.1:5261"), Some(("127.0.0.1", 5261)));
    assert_eq!(split_host_port("localhost"), Some(("localhost", 5260)));
    assert_eq!(split_host_port("[::1]:7"), Some(("::1", 7)));
    assert_eq!(split_host_port("[::1]"), Some(("::1", 5260)));
    assert_eq!(split_host_port("::1"), Some(("::1", 5260)));
    assert_eq!(split_host_port("h:notaport"), None);
    assert_eq!(split_host_port("[::1]x"), None);
}

#[test]
fn client_connect_errors() {
    let long = vec![b'a'; 200];
    assert_eq!(
        crate::client::connect(&long, libc::AF_UNIX).err(),
        Some(-libc::EINVAL)
    );
    assert!(crate::client::connect(b"/nonexistent/x.sock", libc::AF_UNIX).is_err());
}

use super::*;
use crate::ffi::log as c;
use std::ffi::CString;
use std::ptr;
use std::sync::Mutex;

/// Serializes the tests that change the global thresholds.
static GLOBALS: Mutex<()> = Mutex::new(());

crate::log_flag!(static LOG_SECTION_TEST = "rust_section_test");
crate::log_flag!(
    /// A flag with a doc comment.
    pub(crate) static LOG_UNIT_A = "unit_a"
);

#[test]
fn levels() {
    for v in -1..=4 {
        let l = LogLevel::from_raw(v).unwrap();
        assert_eq!(l as i32, v);
        assert_eq!(c::spdk_log_level::from(l) as i32, v);
    }
    assert!(LogLevel::from_raw(5).is_none());
    assert!(LogLevel::from_raw(-2).is_none());
    assert_eq!(LogLevel::Warn.name(), "WARNING");
    assert_eq!(LogLevel::Debug.syslog_priority(), libc::LOG_INFO);
    assert_eq!(
        c::spdk_log_to_syslog_level(c::LogLevelArg(0)),
        libc::LOG_ERR
    );
    assert_eq!(c::spdk_log_to_syslog_level(c::LogLevelArg(-1)), -1);
    assert_eq!(c::spdk_log_to_syslog_level(c::LogLevelArg(77)), -1);
}

#[test]
fn set_levels_and_reject_invalid() {
    let _g = GLOBALS.lock().unwrap();
    let (old, old_print) = (level(), print_level());
    c::spdk_log_set_level(c::LogLevelArg(3));
    assert_eq!(c::spdk_log_get_level(), c::spdk_log_level::SPDK_LOG_INFO);
    set_print_level(LogLevel::Disabled);
    c::spdk_log_set_level(c::LogLevelArg(12));
    assert_eq!(level(), LogLevel::Info);
    c::spdk_log_set_print_level(c::LogLevelArg(-5));
    assert_eq!(print_level(), LogLevel::Disabled);
    set_level(old);
    set_print_level(old_print);
}

#[test]
fn hexdump_layout() {
    let d = hexdump("lbl", b"0123456789abcdefghij");
    let expect = format!(
        "lbl\n00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  0123456789abcdef\n\
         00000010  67 68 69 6a {}  ghij\n",
        " ".repeat(36)
    );
    assert_eq!(d, expect);
    let d = hexdump("s", &[1, b'A']);
    assert_eq!(
        d,
        format!(
            "s\n00000000  01 41 {} {}  .A\n",
            " ".repeat(18),
            " ".repeat(24)
        )
    );
    assert_eq!(hexdump("e", &[]), "e\n  \n");
    // The last line always has the ASCII column after two extra spaces, as in SPDK.
    let full: Vec<u8> = (0u8..16).collect();
    assert_eq!(
        hexdump("f", &full),
        "f\n00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f   ................\n"
    );
}

#[test]
fn section_flag_is_known_before_first_use() {
    // Nothing has touched LOG_SECTION_TEST yet: the registry finds it through
    // the linker section.
    assert!(flag_names().iter().any(|n| n == "rust_section_test"));
    assert_eq!(set_flag("RUST_SECTION_TEST"), Ok(()));
    assert!(LOG_SECTION_TEST.enabled());
    assert!(flag_enabled("rust_section_test"));
    assert_eq!(clear_flag("rust_section_*"), Ok(()));
    assert!(!LOG_SECTION_TEST.enabled());
    assert_eq!(LOG_UNIT_A.name(), "unit_a");
}

#[test]
fn flag_registry() {
    static F1: LogFlag = LogFlag::new(c"unit_zz_manual");
    static F2: LogFlag = LogFlag::new(c"UNIT_ZZ_MANUAL");
    assert_eq!(register_flag(&F1), Ok(()));
    assert_eq!(register_flag(&F1), Ok(()));
    assert_eq!(register_flag(&F2), Err(-libc::EEXIST));
    assert_eq!(set_flag("no such flag"), Err(-libc::EINVAL));
    assert_eq!(set_flag("bad\0name"), Err(-libc::EINVAL));
    F1.set_enabled(true);
    assert!(flag_enabled("Unit_ZZ_Manual"));
    F1.set_enabled(false);

    let names = flag_names();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_ascii_lowercase());
    assert_eq!(names, sorted);

    // The C iteration and the TAILQ links agree with the names.
    let mut p = c::spdk_log_get_first_flag();
    let mut seen = Vec::new();
    while !p.is_null() {
        let next = c::spdk_log_get_next_flag(p);
        // SAFETY: registered flags.
        unsafe {
            assert_eq!((*p).tailq.tqe_next, next);
            seen.push(
                std::ffi::CStr::from_ptr((*p).name)
                    .to_string_lossy()
                    .into_owned(),
            );
        }
        p = next;
    }
    assert!(seen.len() >= names.len());
    assert!(c::spdk_log_get_next_flag(ptr::null_mut()).is_null());
}

#[test]
fn ffi_flags_bad_input() {
    // SAFETY: NULL and valid strings only.
    unsafe {
        assert_eq!(c::spdk_log_set_flag(ptr::null()), -libc::EINVAL);
        assert_eq!(c::spdk_log_clear_flag(ptr::null()), -libc::EINVAL);
        assert!(!c::spdk_log_get_flag(ptr::null()));
        assert_eq!(
            c::spdk_log_set_flag(c"definitely_unknown".as_ptr()),
            -libc::EINVAL
        );
        c::spdk_log_register_flag(ptr::null(), ptr::null_mut());
        c::spdk_log_register_flag(c"x".as_ptr(), ptr::null_mut());
        c::spdk_log_dump(ptr::null_mut(), ptr::null(), ptr::null(), 3);
        c::spdk_log_usage(ptr::null_mut(), ptr::null());
    }
}

#[test]
fn c_registered_flag() {
    let flag = Box::leak(Box::new(c::spdk_log_flag {
        tailq: c::LogFlagTailq {
            tqe_next: ptr::null_mut(),
            tqe_prev: ptr::null_mut(),
        },
        name: ptr::null(),
        enabled: false,
    }));
    // SAFETY: a leaked flag and a static name.
    unsafe { c::spdk_log_register_flag(c"unit_c_flag".as_ptr(), flag) };
    assert!(!flag.name.is_null());
    assert_eq!(set_flag("unit_c_*"), Ok(()));
    assert!(flag_enabled("unit_c_flag"));
    assert_eq!(clear_flag("unit_c_flag"), Ok(()));
}

#[test]
fn usage_layout() {
    for i in 0..12 {
        let f: &'static LogFlag = Box::leak(Box::new(LogFlag::new(Box::leak(
            CString::new(format!("unit_usage_{i:02}"))
                .unwrap()
                .into_boxed_c_str(),
        ))));
        register_flag(f).unwrap();
    }
    let u = flags::usage("-L");
    assert!(u.starts_with(" -L, --logflag <flag>      enable log flag (all, "));
    assert!(u.ends_with(")\n"));
    assert!(u.lines().all(|l| l.len() <= 100));
    assert!(u.contains("\n                           "));
    assert!(u.contains("unit_usage_03,") && u.contains("unit_usage_11"));
}

#[test]
fn line_format() {
    let b = output::message_body(LogLevel::Error, Some((b"f.rs", 5, b"func")), b"msg\n");
    assert_eq!(b, b"f.rs:   5:func: *ERROR*: msg\n");
    let b = output::message_body(LogLevel::Notice, None, b"plain\n");
    assert_eq!(b, b"plain\n");
    let b = output::message_body(LogLevel::Info, Some((b"a.c", 12345, b"f")), b"m");
    assert_eq!(b, b"a.c:12345:f: *INFO*: m");
    let ts = output::timestamp_prefix();
    if timestamps() {
        assert_eq!(ts.len(), 29, "{ts}");
        assert!(ts.starts_with('[') && ts.ends_with("] "));
    }
}

#[test]
fn location_names_function() {
    let l = crate::location!();
    assert_eq!(l.func, "location_names_function");
    assert!(l.file.ends_with("tests.rs"));
    let c = || crate::location!();
    assert_eq!(c().func, "location_names_function");
}

extern "C" {
    fn spdk_flog(
        fp: *mut libc::FILE,
        file: *const c_char,
        line: c_int,
        func: *const c_char,
        fmt: *const c_char,
        ...
    );
}
use std::ffi::c_char;

fn read_back(fp: *mut libc::FILE) -> String {
    // SAFETY: a tmpfile we own.
    unsafe {
        libc::rewind(fp);
        let mut buf = vec![0u8; 4096];
        let n = libc::fread(buf.as_mut_ptr().cast(), 1, buf.len(), fp);
        libc::fclose(fp);
        buf.truncate(n);
        String::from_utf8(buf).unwrap()
    }
}

#[test]
fn flog_and_dump_to_file() {
    let _g = GLOBALS.lock().unwrap();
    set_timestamps(false);
    // SAFETY: a fresh tmpfile and NUL-terminated strings.
    let text = unsafe {
        let fp = libc::tmpfile();
        assert!(!fp.is_null());
        spdk_flog(
            fp,
            c"x.c".as_ptr(),
            9,
            c"fn".as_ptr(),
            c"%d-%s\n".as_ptr(),
            4 as c_int,
            c"s".as_ptr(),
        );
        spdk_flog(fp, ptr::null(), 0, ptr::null(), c"bare\n".as_ptr());
        c::spdk_log_dump(fp, c"L".as_ptr(), b"AB".as_ptr().cast(), 2);
        read_back(fp)
    };
    set_timestamps(true);
    assert!(
        text.starts_with("x.c:   9:fn: 4-s\nbare\nL\n00000000  41 42 "),
        "{text}"
    );
}

#[test]
fn rust_macros_and_deprecations() {
    let _g = GLOBALS.lock().unwrap();
    let old = print_level();
    set_print_level(LogLevel::Disabled);
    let old_level = level();
    set_level(LogLevel::Disabled);
    crate::errlog!("unit test error {}", 1);
    crate::warnlog!("unit test warning");
    crate::noticelog!("notice\n");
    crate::infolog!(LOG_UNIT_A, "info {}", 2);
    crate::debuglog!(LOG_UNIT_A, "debug {}", 3);
    printf(format_args!("raw\n"));
    assert!(!would_log(LogLevel::Error));

    let d = register_deprecation("unit_dep", "old stuff", "v1.0", 0);
    d.hit(&crate::location!());
    d.hit(&crate::location!());
    assert_eq!(d.hits(), 2);
    // SAFETY: a registered handle.
    unsafe {
        let tag = std::ffi::CStr::from_ptr(c::spdk_deprecation_get_tag(d.as_raw()));
        assert_eq!(tag.to_str().unwrap(), "unit_dep");
    }
    let limited = register_deprecation("unit_dep_limited", "x", "v2", 3600);
    for _ in 0..3 {
        limited.hit(&crate::location!());
    }
    assert_eq!(limited.hits(), 3);
    set_print_level(old);
    set_level(old_level);
}

#[test]
fn concurrent_registration_and_lookup() {
    let handles: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..25 {
                    let name = CString::new(format!("unit_conc_{t}_{i}")).unwrap();
                    let f: &'static LogFlag =
                        Box::leak(Box::new(LogFlag::new(Box::leak(name.into_boxed_c_str()))));
                    register_flag(f).unwrap();
                    f.set_enabled(true);
                    assert!(flag_enabled(f.name()));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(
        flag_names()
            .iter()
            .filter(|n| n.starts_with("unit_conc_"))
            .count(),
        100
    );
}

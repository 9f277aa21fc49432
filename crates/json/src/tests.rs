use std::ffi::{c_int, c_void};

use crate::ffi::json::*;
use crate::*;

fn parse_str(s: &str, flags: u32) -> Result<Vec<(ValType, Vec<u8>)>, i32> {
    let p = parse(s.as_bytes(), flags)?;
    Ok((0..p.vals.len())
        .map(|i| (p.vals[i].ty, p.bytes(i).to_vec()))
        .collect())
}

fn code(s: &str) -> i32 {
    let mut b = s.as_bytes().to_vec();
    match parse_into(&mut b, FLAG_DECODE_IN_PLACE, &mut parse::CountSink).result {
        Ok(_) => 0,
        Err(e) => e,
    }
}

#[test]
fn literals_and_numbers() {
    assert_eq!(parse_str("true", 0).unwrap(), vec![(ValType::True, vec![])]);
    assert_eq!(parse_str(" null ", 0).unwrap()[0].0, ValType::Null);
    for n in [
        "0",
        "-0",
        "1",
        "-12",
        "1.5",
        "1e5",
        "1E+5",
        "-1.25e-3",
        "123456789012345678901234",
    ] {
        let v = parse_str(n, 0).unwrap();
        assert_eq!(v, vec![(ValType::Number, n.as_bytes().to_vec())], "{n}");
    }
    for bad in [
        "[01]", "-a", "[1.e]", "+1", ".5", "[1.x]", "[1ex]", "tru1", "nul!", "falsy",
    ] {
        assert_eq!(code(bad), PARSE_INVALID, "{bad}");
    }
    for inc in [
        "", "  ", "-", "1.", "1e", "1e+", "tru", "\"abc", "[1,", "{\"a\":", "{\"a\"", "[",
        "\"\\u12",
    ] {
        assert_eq!(code(inc), PARSE_INCOMPLETE, "{inc:?}");
    }
    // A number followed by garbage at top level: the value is complete.
    let mut b = b"12 x".to_vec();
    let out = parse_into(&mut b, 0, &mut parse::CountSink);
    assert_eq!(out.result, Ok(1));
    assert_eq!(out.end, 3);
}

#[test]
fn structure() {
    let v = parse(br#"{"a": [1, {"b": null}], "c": "d"}"#, 0).unwrap();
    let tys: Vec<_> = v.vals.iter().map(|x| x.ty).collect();
    use ValType::*;
    assert_eq!(
        tys,
        vec![
            ObjectBegin,
            Name,
            ArrayBegin,
            Number,
            ObjectBegin,
            Name,
            Null,
            ObjectEnd,
            ArrayEnd,
            Name,
            String,
            ObjectEnd
        ]
    );
    assert_eq!(v.vals[0].len, 10);
    assert_eq!(v.vals[2].len, 5);
    assert_eq!(v.vals[4].len, 2);
    for bad in [
        "[1,]",
        "{\"a\":1,}",
        "[1 2]",
        "{1:2}",
        "{\"a\" 1}",
        "[}",
        "{]",
        "]",
        "{\"a\":1 \"b\":2}",
        ",",
        ":",
        "[:]",
    ] {
        assert_eq!(code(bad), PARSE_INVALID, "{bad}");
    }
    assert_eq!(code("[] x"), 0);
    assert_eq!(code("{}"), 0);
    assert_eq!(code("[[]]"), 0);
}

#[test]
fn strings_and_escapes() {
    let v = parse_str(r#""a\"b\\c\/d\b\f\n\r\t""#, 0).unwrap();
    assert_eq!(v[0].1, b"a\"b\\c/d\x08\x0c\n\r\t");
    let v = parse_str(r#""\u0041\u00e9\u20AC\ud83d\ude00""#, 0).unwrap();
    assert_eq!(v[0].1, "Aé€😀".as_bytes());
    let v = parse_str("\"h\u{e9}llo \u{1F600}\"", 0).unwrap();
    assert_eq!(v[0].1, "h\u{e9}llo \u{1F600}".as_bytes());
    for bad in [
        r#""\x""#,
        r#""\ud83d\u0041""#,
        r#""\ude00""#,
        "\"a\u{1}\"",
        "\"\\uZZZZ\"",
        "\"\\ud83dx\"",
    ] {
        assert_eq!(code(bad), PARSE_INVALID, "{bad}");
    }
    // invalid UTF-8: overlong, surrogate, past U+10FFFF, bare continuation
    for bad in [
        &b"\"\xc0\x80\""[..],
        b"\"\xed\xa0\x80\"",
        b"\"\xf4\x90\x80\x80\"",
        b"\"\x80\"",
    ] {
        let mut b = bad.to_vec();
        assert_eq!(
            parse_into(&mut b, 1, &mut parse::CountSink).result,
            Err(PARSE_INVALID)
        );
    }
    // A multi-byte character cut by the end of the buffer is incomplete.
    let mut b = b"\"\xe2\x82".to_vec();
    assert_eq!(
        parse_into(&mut b, 1, &mut parse::CountSink).result,
        Err(PARSE_INCOMPLETE)
    );
    // Without DECODE_IN_PLACE the buffer is untouched, the length decoded.
    let mut b = br#""a\nb""#.to_vec();
    let mut vals = Vec::new();
    parse_into(&mut b, 0, &mut vals).result.unwrap();
    assert_eq!(&b, br#""a\nb""#);
    assert_eq!(vals[0].len, 3);
}

#[test]
fn comments() {
    assert_eq!(code("/* x */ 1"), PARSE_INVALID);
    let p = parse(b"/* c */ {\"a\" // x\n : 1 /* y */}", FLAG_ALLOW_COMMENTS).unwrap();
    assert_eq!(p.vals.len(), 4);
    assert!(parse(b"/* open", FLAG_ALLOW_COMMENTS).is_err());
    assert_eq!(
        parse(b"/x 1", FLAG_ALLOW_COMMENTS).unwrap_err(),
        PARSE_INVALID
    );
}

#[test]
fn depth_limit() {
    let ok = "[".repeat(64) + &"]".repeat(64);
    assert_eq!(code(&ok), 0);
    let deep = "[".repeat(65) + &"]".repeat(65);
    assert_eq!(code(&deep), PARSE_MAX_DEPTH_EXCEEDED);
    let huge = "[".repeat(1_000_000);
    assert_eq!(code(&huge), PARSE_MAX_DEPTH_EXCEEDED);
}

#[test]
fn numbers_convert() {
    use number::*;
    assert_eq!(to_unsigned(b"255", 255), Ok(255));
    assert_eq!(to_unsigned(b"256", 255), Err(-libc::ERANGE));
    assert_eq!(to_unsigned(b"2e1", 255), Ok(20));
    assert_eq!(to_unsigned(b"20.0", 255), Ok(20));
    assert_eq!(to_unsigned(b"2.5", 255), Err(-libc::ERANGE));
    assert_eq!(to_unsigned(b"-1", 255), Err(-libc::ERANGE));
    assert_eq!(to_unsigned(b"18446744073709551615", u64::MAX), Ok(u64::MAX));
    assert_eq!(
        to_unsigned(b"18446744073709551616", u64::MAX),
        Err(-libc::ERANGE)
    );
    assert_eq!(to_unsigned(b"1e30", u64::MAX), Err(-libc::ERANGE));
    assert_eq!(to_i32(b"-2147483648"), Ok(i32::MIN));
    assert_eq!(to_i32(b"-2147483649"), Err(-libc::ERANGE));
    assert_eq!(to_i32(b"2147483647"), Ok(i32::MAX));
    assert_eq!(to_i32(b"2147483648"), Err(-libc::ERANGE));
    assert_eq!(to_i32(b"-0"), Ok(0));
    assert_eq!(to_i64(b"-9223372036854775808"), Ok(i64::MIN));
    assert_eq!(
        to_unsigned(b"1e99999999999999999999", 1),
        Err(-libc::ERANGE)
    );
}

fn write_with(flags: u32, f: impl FnOnce(&mut JsonWriter) -> WriteResult) -> String {
    let mut out = Vec::new();
    {
        let mut w = JsonWriter::new(
            Box::new(|d: &[u8]| {
                out.extend_from_slice(d);
                0
            }),
            flags,
        );
        f(&mut w).unwrap();
        w.end().unwrap();
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn writer_output() {
    let body = |w: &mut JsonWriter| -> WriteResult {
        w.object_begin()?;
        w.named_string("name", "Malloc0")?;
        w.named_uint64("n", 42)?;
        w.named_int64("neg", -7)?;
        w.named_array_begin("a")?;
        w.uint64(1)?;
        w.bool(false)?;
        w.null()?;
        w.array_end()?;
        w.named_array_begin("e")?;
        w.array_end()?;
        w.named_object_begin("o")?;
        w.object_end()?;
        w.object_end()
    };
    assert_eq!(
        write_with(0, body),
        r#"{"name":"Malloc0","n":42,"neg":-7,"a":[1,false,null],"e":[],"o":{}}"#
    );
    assert_eq!(
        write_with(FLAG_FORMATTED, body),
        "{\n  \"name\": \"Malloc0\",\n  \"n\": 42,\n  \"neg\": -7,\n  \"a\": [\n    1,\n    false,\n    null\n  ],\n  \"e\": [],\n  \"o\": {}\n}"
    );
    assert_eq!(
        write_with(0, |w| w.double(1.5)),
        "1.50000000000000000000e+00"
    );
    assert_eq!(write_with(0, |w| w.uint128(0, 1)), "18446744073709551616");
    assert_eq!(
        write_with(0, |w| w.string("a\"\\/\u{7}\u{7f}é😀\n")),
        r#""a\"\\/\u0007\u007F\u00E9\uD83D\uDE00\n""#
    );
    assert_eq!(
        write_with(0, |w| w.bytearray(&[0xde, 0xad, 1])),
        r#""DEAD01""#
    );
    assert_eq!(
        write_with(0, |w| w.string_utf16le(&[
            0x41u16.to_le(),
            0xd83du16.to_le(),
            0xde00u16.to_le()
        ])),
        r#""A\uD83D\uDE00""#
    );
    // Top-level sequence of values is comma-separated, as SPDK does.
    assert_eq!(
        write_with(0, |w| {
            w.uint64(1)?;
            w.uint64(2)
        }),
        "1,2"
    );
}

#[test]
fn writer_errors_and_chunks() {
    let mut chunks = Vec::new();
    {
        let mut w = JsonWriter::new(
            Box::new(|d: &[u8]| {
                chunks.push(d.len());
                0
            }),
            0,
        );
        w.string("x".repeat(10000)).unwrap();
        w.end().unwrap();
    }
    assert_eq!(chunks, vec![4096, 4096, 1810]);
    let mut w = JsonWriter::new(Box::new(|_: &[u8]| 0), 0);
    assert!(w.string(b"\xff").is_err());
    assert!(w.failed());
    assert!(w.end().is_err());
    let mut w = JsonWriter::new(Box::new(|_: &[u8]| 0), 0);
    assert!(w.array_end().is_err());
    w.reset();
    assert!(!w.failed());
    let mut w = JsonWriter::new(Box::new(|_: &[u8]| -1), 0);
    w.null().unwrap();
    assert!(w.end().is_err());
}

#[test]
fn serde_round_trip() {
    let text = br#"{"a":[1,-2,3.5,"x\u00e9",true,null,{}],"b":{"c":18446744073709551615}}"#;
    let v = parse_value(text, 0).unwrap();
    assert_eq!(v["a"][1], serde_json::json!(-2));
    assert_eq!(v["a"][3], serde_json::json!("xé"));
    assert_eq!(v["b"]["c"], serde_json::json!(u64::MAX));
    let s = to_string(&v, false).unwrap();
    assert_eq!(
        s,
        r#"{"a":[1,-2,3.50000000000000000000e+00,"x\u00E9",true,null,{}],"b":{"c":18446744073709551615}}"#
    );
    assert!(parse_value(b"1e400", 0).is_err());
}

// ---- the C ABI -------------------------------------------------------------

#[repr(C)]
struct Opts {
    name: *mut std::ffi::c_char,
    size: u64,
    flag: bool,
    level: i32,
}

fn decoders() -> [spdk_json_object_decoder; 4] {
    [
        spdk_json_object_decoder {
            name: c"name".as_ptr(),
            offset: std::mem::offset_of!(Opts, name),
            decode_func: Some(spdk_json_decode_string),
            optional: false,
        },
        spdk_json_object_decoder {
            name: c"size".as_ptr(),
            offset: std::mem::offset_of!(Opts, size),
            decode_func: Some(spdk_json_decode_uint64),
            optional: false,
        },
        spdk_json_object_decoder {
            name: c"flag".as_ptr(),
            offset: std::mem::offset_of!(Opts, flag),
            decode_func: Some(spdk_json_decode_bool),
            optional: true,
        },
        spdk_json_object_decoder {
            name: c"level".as_ptr(),
            offset: std::mem::offset_of!(Opts, level),
            decode_func: Some(spdk_json_decode_int32),
            optional: true,
        },
    ]
}

unsafe fn c_parse(text: &str) -> (Vec<u8>, Vec<spdk_json_val>, isize) {
    let mut buf = text.as_bytes().to_vec();
    let n = spdk_json_parse(
        buf.as_mut_ptr().cast(),
        buf.len(),
        std::ptr::null_mut(),
        0,
        std::ptr::null_mut(),
        0,
    );
    let mut vals: Vec<spdk_json_val> = (0..n.max(0))
        .map(|_| spdk_json_val {
            start: std::ptr::null_mut(),
            len: 0,
            r#type: JsonValTypeArg(0),
        })
        .collect();
    let m = spdk_json_parse(
        buf.as_mut_ptr().cast(),
        buf.len(),
        vals.as_mut_ptr(),
        vals.len(),
        std::ptr::null_mut(),
        SPDK_JSON_PARSE_FLAG_DECODE_IN_PLACE,
    );
    (buf, vals, m)
}

#[test]
fn c_decode_object() {
    unsafe {
        let (_b, vals, n) = c_parse(r#"{"name": "Malloc\n0", "size": 1048576, "flag": true}"#);
        assert_eq!(n, 8);
        let mut o = Opts {
            name: std::ptr::null_mut(),
            size: 0,
            flag: false,
            level: 0,
        };
        let d = decoders();
        assert_eq!(
            spdk_json_decode_object(
                vals.as_ptr(),
                d.as_ptr(),
                d.len(),
                (&mut o as *mut Opts).cast()
            ),
            0
        );
        assert_eq!(std::ffi::CStr::from_ptr(o.name).to_bytes(), b"Malloc\n0");
        assert_eq!(o.size, 1048576);
        assert!(o.flag);
        spdk_json_free_object(d.as_ptr(), d.len(), (&mut o as *mut Opts).cast());
        assert!(o.name.is_null());

        // unknown key: strict fails, relaxed passes
        let (_b, vals, _) =
            c_parse(r#"{"name": "x", "size": 1, "other": [1, {"a": 2}], "level": -5}"#);
        let mut o = Opts {
            name: std::ptr::null_mut(),
            size: 0,
            flag: false,
            level: 0,
        };
        assert_eq!(
            spdk_json_decode_object(
                vals.as_ptr(),
                d.as_ptr(),
                d.len(),
                (&mut o as *mut Opts).cast()
            ),
            -1
        );
        assert_eq!(
            spdk_json_decode_object_relaxed(
                vals.as_ptr(),
                d.as_ptr(),
                d.len(),
                (&mut o as *mut Opts).cast()
            ),
            0
        );
        assert_eq!(o.level, -5);
        spdk_json_free_object(d.as_ptr(), d.len(), (&mut o as *mut Opts).cast());

        // missing required, wrong type, duplicate
        for bad in [
            r#"{"name": "x"}"#,
            r#"{"name": 1, "size": 1}"#,
            r#"{"name": "x", "size": 1, "size": 2}"#,
            r#"[1]"#,
            r#"{"name": "x", "size": -1}"#,
        ] {
            let (_b, vals, _) = c_parse(bad);
            let mut o = Opts {
                name: std::ptr::null_mut(),
                size: 0,
                flag: false,
                level: 0,
            };
            assert_eq!(
                spdk_json_decode_object(
                    vals.as_ptr(),
                    d.as_ptr(),
                    d.len(),
                    (&mut o as *mut Opts).cast()
                ),
                -1,
                "{bad}"
            );
            spdk_json_free_object(d.as_ptr(), d.len(), (&mut o as *mut Opts).cast());
        }
        assert_eq!(
            spdk_json_decode_object(std::ptr::null(), d.as_ptr(), d.len(), std::ptr::null_mut()),
            -1
        );
    }
}

#[test]
fn c_decode_array_and_find() {
    unsafe {
        let (_b, vals, _) = c_parse("[1, 2, 3]");
        let mut out = [0u32; 4];
        let mut n = 0usize;
        assert_eq!(
            spdk_json_decode_array(
                vals.as_ptr(),
                Some(spdk_json_decode_uint32),
                out.as_mut_ptr().cast(),
                4,
                &mut n,
                4
            ),
            0
        );
        assert_eq!((n, out), (3, [1, 2, 3, 0]));
        assert_eq!(
            spdk_json_decode_array(
                vals.as_ptr(),
                Some(spdk_json_decode_uint32),
                out.as_mut_ptr().cast(),
                2,
                &mut n,
                4
            ),
            -1
        );

        let (_b, mut vals, _) = c_parse(r#"{"a": {"x": 1}, "b": [1, [2]], "c": "s", "e": {}}"#);
        let obj = vals.as_mut_ptr();
        let mut k = std::ptr::null_mut();
        let mut v = std::ptr::null_mut();
        assert_eq!(
            spdk_json_find(obj, c"c".as_ptr(), &mut k, &mut v, JsonValTypeArg(0)),
            0
        );
        assert!(spdk_json_strequal(v, c"s".as_ptr()));
        assert_eq!(
            spdk_json_find_array(obj, c"b".as_ptr(), std::ptr::null_mut(), &mut v),
            0
        );
        assert_eq!(val_type(v), ValType::ArrayBegin);
        assert_eq!(
            spdk_json_find_string(obj, c"a".as_ptr(), std::ptr::null_mut(), &mut v),
            -libc::EDOM
        );
        assert_eq!(
            spdk_json_find(
                obj,
                c"zz".as_ptr(),
                std::ptr::null_mut(),
                &mut v,
                JsonValTypeArg(0)
            ),
            -libc::ENOENT
        );
        assert_eq!(
            spdk_json_find(
                obj.add(1),
                c"x".as_ptr(),
                std::ptr::null_mut(),
                &mut v,
                JsonValTypeArg(0)
            ),
            -libc::EPROTOTYPE
        );
        // iterate members
        let mut names = Vec::new();
        let mut it = spdk_json_object_first(obj);
        while !it.is_null() {
            names.push(String::from_utf8(val_bytes(it).to_vec()).unwrap());
            it = spdk_json_next(it);
        }
        assert_eq!(names, ["a", "b", "c", "e"]);
        let mut e = std::ptr::null_mut();
        spdk_json_find(
            obj,
            c"e".as_ptr(),
            std::ptr::null_mut(),
            &mut e,
            JsonValTypeArg(0),
        );
        assert!(spdk_json_object_first(e).is_null());
        let v = value_from_raw(obj).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": {"x": 1}, "b": [1, [2]], "c": "s", "e": {}})
        );
    }
}

unsafe extern "C" fn collect(ctx: *mut c_void, data: *const c_void, size: usize) -> c_int {
    let v = &mut *(ctx as *mut Vec<u8>);
    v.extend_from_slice(std::slice::from_raw_parts(data as *const u8, size));
    0
}

#[test]
fn c_writer_and_write_val() {
    unsafe {
        let (_b, vals, _) = c_parse(r#"{"a": [1, "x\"y", {"b": null}], "c": true, "d": 1.5e3}"#);
        let mut out: Vec<u8> = Vec::new();
        let w = spdk_json_write_begin(Some(collect), (&mut out as *mut Vec<u8>).cast(), 0);
        assert_eq!(spdk_json_write_val(w, vals.as_ptr()), 0);
        assert_eq!(spdk_json_write_end(w), 0);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"a":[1,"x\"y",{"b":null}],"c":true,"d":1.5e3}"#
        );
        assert!(spdk_json_write_begin(None, std::ptr::null_mut(), 0).is_null());
        assert_eq!(spdk_json_write_end(std::ptr::null_mut()), 0);
        assert_eq!(spdk_json_write_null(std::ptr::null_mut()), -1);
    }
}

// ---- fuzz-style robustness --------------------------------------------------

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn fuzz_parser_never_panics() {
    let seeds: &[&[u8]] = &[
        br#"{"jsonrpc":"2.0","method":"bdev_get_bdevs","id":1,"params":{"name":"Malloc0"}}"#,
        br#"[1,-2.5e+3,"\u00e9\ud83d\ude00",true,false,null,{"a":[[]]}]"#,
        b"/* c */ {\"a\" // x\n : \"\\n\\t\\\\\"}",
        "\"h\u{e9}llo \u{1F600}\"".as_bytes(),
    ];
    let alphabet = b"{}[]\",:\\/*-+.0123456789eEtrufalsn \n\tu\xc3\xa9\xed\xf0\x80";
    let mut rng = Rng(0x9e3779b97f4a7c15);
    for round in 0..60_000 {
        let seed = seeds[round % seeds.len()];
        let mut buf = seed.to_vec();
        let edits = 1 + rng.next() % 6;
        for _ in 0..edits {
            let r = rng.next();
            let pos = if buf.is_empty() {
                0
            } else {
                (r >> 8) as usize % buf.len()
            };
            match r % 5 {
                0 if !buf.is_empty() => buf[pos] = alphabet[(r >> 32) as usize % alphabet.len()],
                1 if !buf.is_empty() => {
                    buf.remove(pos);
                }
                2 => buf.insert(pos, alphabet[(r >> 32) as usize % alphabet.len()]),
                3 => buf.truncate(pos),
                _ => {
                    if !buf.is_empty() {
                        buf[pos] = (r >> 40) as u8;
                    }
                }
            }
        }
        for flags in [0, FLAG_DECODE_IN_PLACE | FLAG_ALLOW_COMMENTS] {
            let mut b = buf.clone();
            let mut vals = Vec::new();
            let out = parse_into(&mut b, flags, &mut vals);
            assert!(out.end <= b.len());
            if let Ok(n) = out.result {
                assert_eq!(n, vals.len());
                for v in &vals {
                    assert!(
                        v.start + v.len as usize <= b.len()
                            || matches!(v.ty, ValType::ArrayBegin | ValType::ObjectBegin)
                    );
                }
                // C view: a bounded array of values must never be overrun
                let mut c = buf.clone();
                let mut few: Vec<spdk_json_val> = (0..2)
                    .map(|_| spdk_json_val {
                        start: std::ptr::null_mut(),
                        len: 0,
                        r#type: JsonValTypeArg(0),
                    })
                    .collect();
                let m = unsafe {
                    spdk_json_parse(
                        c.as_mut_ptr().cast(),
                        c.len(),
                        few.as_mut_ptr(),
                        2,
                        std::ptr::null_mut(),
                        flags,
                    )
                };
                assert_eq!(m as usize, n);
                if flags & FLAG_DECODE_IN_PLACE != 0 {
                    let p = parse::Parsed {
                        buf: b.clone(),
                        vals: vals.clone(),
                        end: out.end,
                    };
                    if let Ok(v) = p.to_value() {
                        let s = to_string(&v, round % 2 == 0).unwrap();
                        parse_value(s.as_bytes(), 0).unwrap();
                    }
                }
            }
        }
    }
}

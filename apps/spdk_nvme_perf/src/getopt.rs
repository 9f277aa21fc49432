//! A getopt_long in the manner of glibc's, for the NVMe tools: short
//! options from an optstring ("q:" takes an argument, "z::" an optional
//! attached one), bundled flags ("-LL"), attached or separate arguments,
//! long options with "=value" or a separate value, and "--" ending the
//! options. Parsing stops at the first operand; errors carry glibc's
//! message text so the tools fail the way SPDK's do.

/// Whether a long option takes an argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HasArg {
    No,
    Required,
}

/// A long option and the value it reports (a short option's character, or
/// a number above 255 for long-only options).
#[derive(Clone, Copy, Debug)]
pub struct LongOpt {
    pub name: &'static str,
    pub has_arg: HasArg,
    pub val: i32,
}

/// The option parser over `args` (args[0] is the program name).
pub struct Getopt<'a> {
    args: &'a [String],
    short: &'static str,
    long: &'a [LongOpt],
    /// Index of the argument being read.
    pub optind: usize,
    /// Byte position inside a bundle of short options (0: none).
    sub: usize,
}

impl<'a> Getopt<'a> {
    pub fn new(args: &'a [String], short: &'static str, long: &'a [LongOpt]) -> Self {
        Getopt {
            args,
            short,
            long,
            optind: 1,
            sub: 0,
        }
    }

    fn prog(&self) -> &str {
        self.args.first().map_or("", |s| s.as_str())
    }

    /// How option `c` takes its argument: None (unknown), Some(0) none,
    /// Some(1) required, Some(2) optional.
    fn short_kind(&self, c: char) -> Option<u8> {
        if c == ':' {
            return None;
        }
        let s = self.short;
        let i = s.find(c)?;
        let rest = &s[i + c.len_utf8()..];
        Some(if rest.starts_with("::") {
            2
        } else if rest.starts_with(':') {
            1
        } else {
            0
        })
    }

    /// The next argument, if it exists, consumed.
    fn take_next(&mut self) -> Option<String> {
        let a = self.args.get(self.optind).cloned();
        if a.is_some() {
            self.optind += 1;
        }
        a
    }

    /// The next option: Ok((value, argument)), Err(message) for an
    /// unknown option or a missing argument, None at the end of options.
    pub fn next_opt(&mut self) -> Option<Result<(i32, Option<String>), String>> {
        if self.sub == 0 {
            let a = self.args.get(self.optind)?;
            if a == "--" {
                self.optind += 1;
                return None;
            }
            if let Some(body) = a.strip_prefix("--") {
                self.optind += 1;
                return Some(self.long_opt(body));
            }
            if !a.starts_with('-') || a.len() == 1 {
                return None;
            }
            self.sub = 1;
        }
        let arg = &self.args[self.optind];
        let c = arg[self.sub..].chars().next()?;
        self.sub += c.len_utf8();
        let at_end = self.sub >= arg.len();
        let attached = (!at_end).then(|| arg[self.sub..].to_string());
        let finish = |g: &mut Self| {
            g.sub = 0;
            g.optind += 1;
        };
        match self.short_kind(c) {
            None => {
                if at_end {
                    finish(self);
                }
                Some(Err(format!("{}: invalid option -- '{c}'", self.prog())))
            }
            Some(0) => {
                if at_end {
                    finish(self);
                }
                Some(Ok((c as i32, None)))
            }
            Some(2) => {
                finish(self);
                Some(Ok((c as i32, attached)))
            }
            _ => {
                finish(self);
                match attached.or_else(|| self.take_next()) {
                    Some(v) => Some(Ok((c as i32, Some(v)))),
                    None => Some(Err(format!(
                        "{}: option requires an argument -- '{c}'",
                        self.prog()
                    ))),
                }
            }
        }
    }

    fn long_opt(&mut self, body: &str) -> Result<(i32, Option<String>), String> {
        let (name, inline) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (body, None),
        };
        // An exact name wins; otherwise a unique prefix, as glibc allows.
        let exact = self.long.iter().find(|o| o.name == name);
        let found = exact.or_else(|| {
            let mut m = self.long.iter().filter(|o| o.name.starts_with(name));
            match (m.next(), m.next()) {
                (Some(o), None) if !name.is_empty() => Some(o),
                _ => None,
            }
        });
        let Some(o) = found.copied() else {
            return Err(format!("{}: unrecognized option '--{name}'", self.prog()));
        };
        match (o.has_arg, inline) {
            (HasArg::No, None) => Ok((o.val, None)),
            (HasArg::No, Some(_)) => Err(format!(
                "{}: option '--{}' doesn't allow an argument",
                self.prog(),
                o.name
            )),
            (HasArg::Required, Some(v)) => Ok((o.val, Some(v))),
            (HasArg::Required, None) => match self.take_next() {
                Some(v) => Ok((o.val, Some(v))),
                None => Err(format!(
                    "{}: option '--{}' requires an argument",
                    self.prog(),
                    o.name
                )),
            },
        }
    }

    /// The argument after the last option read, when it is not an option
    /// (for identify's "-z N", whose argument is optional).
    #[allow(dead_code)]
    pub fn peek_operand(&self) -> Option<&'a str> {
        let a = self.args.get(self.optind)?;
        (!a.starts_with('-')).then_some(a.as_str())
    }

    /// Consumes the argument peek_operand() returned.
    #[allow(dead_code)]
    pub fn skip(&mut self) {
        self.optind += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    const LONG: &[LongOpt] = &[
        LongOpt {
            name: "io-depth",
            has_arg: HasArg::Required,
            val: 'q' as i32,
        },
        LongOpt {
            name: "no-huge",
            has_arg: HasArg::No,
            val: 300,
        },
        LongOpt {
            name: "no-hugs",
            has_arg: HasArg::No,
            val: 301,
        },
    ];

    fn all(a: &[&str]) -> Vec<Result<(i32, Option<String>), String>> {
        let args = v(a);
        let mut g = Getopt::new(&args, "q:LxHz::", LONG);
        std::iter::from_fn(|| g.next_opt()).collect()
    }

    #[test]
    fn short_and_long() {
        let r = all(&[
            "p",
            "-q",
            "32",
            "-q16",
            "-LLx",
            "--io-depth=8",
            "--io-depth",
            "4",
        ]);
        let got: Vec<_> = r.into_iter().map(|x| x.unwrap()).collect();
        assert_eq!(
            got,
            vec![
                ('q' as i32, Some("32".into())),
                ('q' as i32, Some("16".into())),
                ('L' as i32, None),
                ('L' as i32, None),
                ('x' as i32, None),
                ('q' as i32, Some("8".into())),
                ('q' as i32, Some("4".into())),
            ]
        );
    }

    #[test]
    fn errors_and_prefixes() {
        let r = all(&["p", "-y", "--no-huge", "--no-hu", "--bogus", "-q"]);
        assert_eq!(r[0], Err("p: invalid option -- 'y'".into()));
        assert_eq!(r[1], Ok((300, None)));
        assert_eq!(r[2], Err("p: unrecognized option '--no-hu'".into()));
        assert_eq!(r[3], Err("p: unrecognized option '--bogus'".into()));
        assert_eq!(r[4], Err("p: option requires an argument -- 'q'".into()));
        assert_eq!(all(&["p", "--io"]).len(), 1);
        assert_eq!(
            all(&["p", "--no-huge=1"])[0],
            Err("p: option '--no-huge' doesn't allow an argument".into())
        );
    }

    #[test]
    fn optional_argument_and_operands() {
        let args = v(&["p", "-z5", "-z", "7", "-x", "file", "-x"]);
        let mut g = Getopt::new(&args, "q:LxHz::", LONG);
        assert_eq!(g.next_opt(), Some(Ok(('z' as i32, Some("5".into())))));
        assert_eq!(g.next_opt(), Some(Ok(('z' as i32, None))));
        assert_eq!(g.peek_operand(), Some("7"));
        g.skip();
        assert_eq!(g.next_opt(), Some(Ok(('x' as i32, None))));
        assert_eq!(g.next_opt(), None);
        assert_eq!(g.optind, 5);
        let args = v(&["p", "--", "-x"]);
        let mut g = Getopt::new(&args, "x", LONG);
        assert_eq!(g.next_opt(), None);
        assert_eq!(g.optind, 2);
    }
}
